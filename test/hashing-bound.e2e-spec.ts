import { PASSWORD } from './setup/password.js';
import { formBody, jsonBody, listenOnLoopback, type Reply } from './setup/source-address.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const CONCURRENT_SIGN_INS = 20;

/**
 * Bounded argon2 work (HASH_CONCURRENCY=1, HASH_QUEUE_MAX=2): a burst of sign-ins gets some 503s
 * with Retry-After, from either API, and nothing else fails; the rest of the service keeps
 * answering meanwhile.
 */
describe('bounded password hashing', () => {
  let t: TestApp;
  let loopback: Awaited<ReturnType<typeof listenOnLoopback>>;
  const email = 'hashing-bound@example.com';

  beforeAll(async () => {
    t = await createTestApp({
      HASH_CONCURRENCY: '1',
      HASH_QUEUE_MAX: '2',
      // The burst is one account's from one address: the lockout reserves each attempt before the
      // password is checked, so beyond LOGIN_MAX_FAILURES at once it would refuse some (400),
      // by design (lockout.e2e-spec.ts). Raised here, where the hashing bound is what is tested.
      LOGIN_MAX_FAILURES: '100',
    });
    loopback = await listenOnLoopback(t);
    const register = await loopback.from('127.0.0.1')(
      'POST',
      '/user',
      jsonBody({ email, password: PASSWORD }),
    );
    expect(register.status).toBe(201);
  });
  afterAll(async () => {
    loopback?.close();
    await t?.close();
  });

  function expectBusy(reply: Reply): void {
    expect(reply.status).toBe(503);
    expect(reply.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
    });
    expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  }

  it.each([
    [
      'the token endpoint',
      '127.0.0.2',
      () =>
        formBody({
          grant_type: 'password',
          client_id: 'demo-app',
          username: email,
          password: PASSWORD,
        }),
      '/oauth/token',
    ],
    [
      'the original POST /session',
      '127.0.0.3',
      () =>
        jsonBody(
          { account_type: 'traditional', email, password: PASSWORD },
          { 'x-koms-clientid': 'demo-app' },
        ),
      '/session',
    ],
  ])(
    `%s: ${CONCURRENT_SIGN_INS} concurrent sign-ins get 200 or 503 with Retry-After, and /health answers meanwhile`,
    async (_api, address, body, path) => {
      const send = loopback.from(address);
      const finished: string[] = [];
      const signIns = Array.from({ length: CONCURRENT_SIGN_INS }, () =>
        send('POST', path, body()).then((reply) => {
          finished.push('sign-in');
          return reply;
        }),
      );
      const health = await send('GET', '/health');
      finished.push('health');
      const replies = await Promise.all(signIns);

      expect(health.status).toBe(200);
      // Answered while sign-ins were still waiting for their turn at argon2.
      expect(finished.indexOf('health')).toBeLessThan(CONCURRENT_SIGN_INS);

      const statuses = replies.map((reply) => reply.status);
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      // One hashing and two queued at any moment: most of a simultaneous burst is turned away,
      // and at least the first three are served.
      expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(3);
      for (const reply of replies.filter((r) => r.status === 503)) expectBusy(reply);
    },
  );

  it('serves sign-ins again once the burst is over', async () => {
    const send = loopback.from('127.0.0.4');
    const reply = await send(
      'POST',
      '/oauth/token',
      formBody({
        grant_type: 'password',
        client_id: 'demo-app',
        username: email,
        password: PASSWORD,
      }),
    );
    expect(reply.status).toBe(200);
  });
});
