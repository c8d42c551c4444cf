import { setTimeout as sleep } from 'node:timers/promises';
import { closeSources, listen, passwordGrantFrom, postFrom } from './setup/loopback-sources.js';
import { lockoutItems } from './setup/lockout-items.js';
import { PASSWORD, registerUser } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

/** Rate limits and the hashing queue out of the way: these tests are about the lockout. */
const ROOMY = {
  RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
  RATE_LIMIT_PER_MINUTE: '100000',
  HASH_QUEUE_MAX: '10000',
};

const WRONG = {
  status: 400,
  body: { error: 'invalid_grant', error_description: 'the username or password is incorrect' },
};

/** The parts of a response a client can see besides its timing. */
const seen = (response: { status: number; body: unknown }) => ({
  status: response.status,
  body: response.body,
});

describe('sign-in lockout per (email, source address)', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp(ROOMY);
    port = await listen(t);
  });
  afterAll(async () => {
    closeSources();
    await t.close();
  });

  const signIn = (source: string, email: string, password: string) =>
    passwordGrantFrom(source, port, email, password);

  async function fail(source: string, email: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      expect(seen(await signIn(source, email, `wrong password number ${i}`))).toEqual(WRONG);
    }
  }

  it('locks the pair after 5 failures, answering the right password as a wrong one', async () => {
    const email = await registerUser(t);
    await fail('127.0.0.2', email, 5);
    expect(seen(await signIn('127.0.0.2', email, PASSWORD))).toEqual(WRONG);
  });

  it('leaves the owner signing in from another address alone', async () => {
    const email = await registerUser(t);
    await fail('127.0.0.2', email, 5);
    expect((await signIn('127.0.0.3', email, PASSWORD)).status).toBe(200);
  });

  it('leaves other accounts alone', async () => {
    const victim = await registerUser(t);
    const bystander = await registerUser(t);
    await fail('127.0.0.2', victim, 5);
    expect((await signIn('127.0.0.2', bystander, PASSWORD)).status).toBe(200);
  });

  it('a success resets its pair: the count starts again', async () => {
    const email = await registerUser(t);
    await fail('127.0.0.4', email, 4);
    expect((await signIn('127.0.0.4', email, PASSWORD)).status).toBe(200);
    await fail('127.0.0.4', email, 4);
    expect((await signIn('127.0.0.4', email, PASSWORD)).status).toBe(200);
    expect((await lockoutItems(t, email, '127.0.0.4')).pair).toBeUndefined();
  });

  it('ignores X-Forwarded-For with TRUST_PROXY=0: a lock cannot be dodged with the header', async () => {
    const email = await registerUser(t);
    for (let i = 0; i < 5; i++) {
      const forged = { 'x-forwarded-for': `198.51.100.${i + 1}` };
      await passwordGrantFrom('127.0.0.5', port, email, `wrong ${i}`, forged);
    }
    const dodge = { 'x-forwarded-for': '203.0.113.200' };
    expect(seen(await passwordGrantFrom('127.0.0.5', port, email, PASSWORD, dodge))).toEqual(WRONG);
  });

  it('holds for the original POST /session too, and answers a lock as its wrong password', async () => {
    const email = await registerUser(t);
    await fail('127.0.0.6', email, 5);
    const session = (source: string) =>
      postFrom(
        source,
        port,
        '/session',
        { json: { account_type: 'traditional', email, password: PASSWORD } },
        { 'x-koms-clientid': 'demo-app' },
      );
    const locked = await session('127.0.0.6');
    const wrong = await postFrom(
      '127.0.0.7',
      port,
      '/session',
      { json: { account_type: 'traditional', email: 'nobody@example.com', password: PASSWORD } },
      { 'x-koms-clientid': 'demo-app' },
    );
    expect(locked.status).toBe(401);
    expect(seen(locked)).toEqual(seen(wrong));
    expect((await session('127.0.0.7')).status).toBe(200);
  });

  describe('concurrent guesses', () => {
    it('a burst of wrong passwords gets exactly 5 checks; the right one among them is refused', async () => {
      const email = await registerUser(t);
      const burst = Array.from({ length: 25 }, (_, i) =>
        signIn('127.0.0.8', email, `concurrent guess ${i}`),
      );
      // The right password, sent while the burst is in flight, once its reservations are taken.
      for (let i = 0; i < 200; i++) {
        if (((await lockoutItems(t, email, '127.0.0.8')).pair?.attempts ?? 0) >= 5) break;
        await sleep(10);
      }
      const right = await signIn('127.0.0.8', email, PASSWORD);
      const guesses = await Promise.all(burst);
      expect(seen(right)).toEqual(WRONG);
      expect(guesses.map(seen)).toEqual(guesses.map(() => WRONG));
      const items = await lockoutItems(t, email, '127.0.0.8');
      // Failures are counted only after a password was checked and found wrong: exactly 5 checks
      // for 26 requests; the other 21 were refused by the lock without a look at the password.
      expect(items.pair?.attempts).toBe(5);
      expect(items.failures).toBe(5);
      expect(items.refusals).toBe(21);
      // The owner, elsewhere, is not affected.
      expect((await signIn('127.0.0.9', email, PASSWORD)).status).toBe(200);
    });
  });
});

describe('lock duration: doubling, and the end of a lock', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({
      ...ROOMY,
      LOGIN_MAX_FAILURES: '2',
      LOGIN_LOCK_SECONDS: '2',
      LOGIN_LOCK_MAX_SECONDS: '60',
    });
    port = await listen(t);
  });
  afterAll(async () => {
    closeSources();
    await t.close();
  });

  it('locks for LOGIN_LOCK_SECONDS, then twice as long after the next failures', async () => {
    const email = await registerUser(t);
    const from = (password: string) => passwordGrantFrom('127.0.1.2', port, email, password);
    await from('wrong 1');
    await from('wrong 2');
    const lockedAt = Date.now();
    expect((await from(PASSWORD)).status).toBe(400);
    await sleep(Math.max(0, lockedAt + 2_300 - Date.now()));
    // The lock has ended: this attempt restarts the pair (level 1) and is checked.
    expect((await from('wrong 3')).status).toBe(400);
    expect((await lockoutItems(t, email, '127.0.1.2')).pair).toMatchObject({
      attempts: 1,
      level: 1,
    });
    await from('wrong 4');
    const relockedAt = Date.now();
    // 4 s now: still locked after 2.3 s...
    await sleep(Math.max(0, relockedAt + 2_300 - Date.now()));
    expect((await from(PASSWORD)).status).toBe(400);
    // ...and open after 4.
    await sleep(Math.max(0, relockedAt + 4_300 - Date.now()));
    expect((await from(PASSWORD)).status).toBe(200);
  });
});

describe('the account-wide ceiling', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ ...ROOMY, LOGIN_MAX_FAILURES: '2', LOGIN_ACCOUNT_MAX_FAILURES: '4' });
    port = await listen(t);
  });
  afterAll(async () => {
    closeSources();
    await t.close();
  });

  it('locks the account for every source, and refused attempts do not count toward it', async () => {
    const email = await registerUser(t);
    const from = (source: string, password: string) =>
      passwordGrantFrom(source, port, email, password);
    for (const source of ['127.0.2.1', '127.0.2.2']) {
      for (let i = 0; i < 2; i++) expect((await from(source, `wrong ${i}`)).status).toBe(400);
    }
    expect(seen(await from('127.0.2.3', PASSWORD))).toEqual(WRONG);
    expect(seen(await from('127.0.2.4', PASSWORD))).toEqual(WRONG);
    const items = await lockoutItems(t, email, '127.0.2.1');
    expect(items.failures).toBe(4);
    expect(items.refusals).toBe(2);
  });
});

describe('TRUST_PROXY=1: one proxy in front', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ ...ROOMY, TRUST_PROXY: '1' });
    port = await listen(t);
  });
  afterAll(async () => {
    closeSources();
    await t.close();
  });

  it("counts the address the proxy saw, the last one of X-Forwarded-For, not the client's claims", async () => {
    const email = await registerUser(t);
    // What a client prepends is not believed: the proxy appends the address it saw.
    const via = (claimed: string, seenByProxy: string) => ({
      'x-forwarded-for': `${claimed}, ${seenByProxy}`,
    });
    for (let i = 0; i < 5; i++) {
      await passwordGrantFrom(
        '127.0.3.1',
        port,
        email,
        `wrong ${i}`,
        via(`10.0.0.${i}`, '198.51.100.1'),
      );
    }
    const locked = await passwordGrantFrom(
      '127.0.3.1',
      port,
      email,
      PASSWORD,
      via('10.9.9.9', '198.51.100.1'),
    );
    expect(seen(locked)).toEqual(WRONG);
    const elsewhere = await passwordGrantFrom(
      '127.0.3.1',
      port,
      email,
      PASSWORD,
      via('198.51.100.1', '198.51.100.2'),
    );
    expect(elsewhere.status).toBe(200);
    expect((await lockoutItems(t, email, '198.51.100.1')).pair?.attempts).toBe(5);
  });
});
