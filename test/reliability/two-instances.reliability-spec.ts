import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../src/database/local-dynamodb.js';
import { Api, describeAnswer, tokensOf, uniqueEmail } from './support/flows.js';
import { baseEnv, startServer, type ServerProcess } from './support/processes.js';

/**
 * Two server processes on one DynamoDB, sharing nothing else, as two Lambda containers would:
 * whatever one of them does, the other sees on its very next request; clients managed with the CLI
 * reach both within the documented cache time.
 */

/**
 * How long a running server may keep answering from its client cache (README, CLI help). Passed
 * as CLIENT_CACHE_SECONDS too, so that a shorter setting, once the servers read it, shortens this
 * test by lowering this constant alone.
 */
const CLIENT_CACHE_SECONDS = 60;
/** Polling and a loaded machine. */
const MARGIN_SECONDS = 5;

const TABLE = 'two-instances';

function signingKeys(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'shared' }] });
}

describe('two instances on one DynamoDB', () => {
  const dirs: string[] = [];
  let db: LocalDynamoDb;
  let one: ServerProcess;
  let two: ServerProcess;
  let a: Api;
  let b: Api;

  beforeAll(async () => {
    db = await startLocalDynamoDb(null);
    // What the two containers share: the table, the signing keys, the issuer. Nothing on disk.
    const shared = {
      DYNAMODB_ENDPOINT: db.endpoint,
      TABLE_NAME: TABLE,
      JWT_SIGNING_KEYS: signingKeys(),
      ISSUER: 'http://session-service.test',
      CLIENT_CACHE_SECONDS: String(CLIENT_CACHE_SECONDS),
    };
    const dataDir = () => {
      const dir = mkdtempSync(join(tmpdir(), 'instance-'));
      dirs.push(dir);
      return dir;
    };
    // One after the other: the first creates the table.
    one = await startServer({ ...shared, DATA_DIR: dataDir() });
    two = await startServer({ ...shared, DATA_DIR: dataDir() });
    a = new Api(one.base);
    b = new Api(two.base);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await db?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  async function signedIn(api: Api) {
    const email = uniqueEmail('two');
    expect((await api.register(email)).status).toBe(201);
    return { email, tokens: tokensOf(await api.passwordGrant(email)) };
  }

  it('a refresh token issued by one rotates at the other, and its reuse is caught at either', async () => {
    const { tokens } = await signedIn(a);
    const atB = tokensOf(await b.refresh(tokens.refresh_token));
    const atA = tokensOf(await a.refresh(atB.refresh_token));
    expect((await b.me(atA.access_token)).status).toBe(200);
    // The first token, rotated away at B, presented again at A: reuse, the session ends.
    const reused = await a.refresh(tokens.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    expect((await b.refresh(atA.refresh_token)).status).toBe(400);
    expect((await b.me(atA.access_token)).status).toBe(401);
  });

  it('a session ended at one is refused at the other on the very next request', async () => {
    const { email, tokens } = await signedIn(a);
    expect((await b.me(tokens.access_token)).status).toBe(200);
    expect((await a.revoke(tokens.refresh_token)).status).toBe(200);
    expect(describeAnswer(await b.me(tokens.access_token))).toMatch(/^401 /);
    expect((await b.refresh(tokens.refresh_token)).status).toBe(400);

    // The original API, the other way round.
    const legacy = await b.legacySignIn(email);
    expect(legacy.status).toBe(200);
    expect((await a.legacyExpiry(legacy.body.access_token)).status).toBe(200);
    expect((await b.legacySignOut(legacy.body.access_token)).status).toBe(200);
    expect((await a.legacyExpiry(legacy.body.access_token)).status).toBe(401);
    expect((await a.me(legacy.body.access_token)).status).toBe(401);
  });

  it('counts failed sign-ins across both: 3 at one and 2 at the other lock the account', async () => {
    const { email } = await signedIn(a);
    for (const api of [a, a, a, b, b]) {
      expect((await api.passwordGrant(email, 'wrong password, guessed')).status).toBe(400);
    }
    // Each instance alone saw fewer than 5 failures; together they are 5: locked at both.
    const atA = await a.passwordGrant(email);
    const atB = await b.passwordGrant(email);
    expect([atA.status, atB.status]).toEqual([400, 400]);
    expect(atA.body.error).toBe('invalid_grant');

    // Below the threshold, the right password still works (so the lock above is the count's).
    const control = await signedIn(b);
    for (const api of [a, a, b, b]) {
      expect((await api.passwordGrant(control.email, 'wrong password, guessed')).status).toBe(400);
    }
    expect((await a.passwordGrant(control.email)).status).toBe(200);
  });

  describe('a client managed with the CLI', () => {
    const clientId = `cli-app-${process.pid}`;
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['dist/cli.js', 'clients', ...args], {
        env: { ...baseEnv(), DYNAMODB_ENDPOINT: db.endpoint, TABLE_NAME: TABLE },
      });

    /** Seconds until `accepted(answer)` holds at each instance, polling every second. */
    async function secondsUntil(
      accepted: (status: number) => boolean,
      limitSeconds: number,
    ): Promise<number[]> {
      const started = performance.now();
      const seen: (number | undefined)[] = [undefined, undefined];
      const email = uniqueEmail('cli');
      await a.register(email);
      while (seen.includes(undefined) && performance.now() - started < limitSeconds * 1000) {
        await Promise.all(
          [a, b].map(async (api, i) => {
            if (seen[i] !== undefined) return;
            const answer = await api.passwordGrant(email, undefined, clientId);
            if (accepted(answer.status)) seen[i] = (performance.now() - started) / 1000;
          }),
        );
        await sleep(1_000);
      }
      return seen.map((seconds) => seconds ?? Infinity);
    }

    it('is unknown to both before it is created', async () => {
      const email = uniqueEmail('cli');
      await a.register(email);
      for (const api of [a, b]) {
        const answer = await api.passwordGrant(email, undefined, clientId);
        expect(answer.status).toBe(401);
        expect(answer.body.error).toBe('invalid_client');
      }
    });

    it('created, is seen by both within the cache time', async () => {
      const { stdout } = await cli(
        'create',
        '--id',
        clientId,
        '--grant',
        'password',
        '--grant',
        'refresh_token',
      );
      expect(stdout).toContain(clientId);
      const seconds = await secondsUntil(
        (status) => status === 200,
        CLIENT_CACHE_SECONDS + MARGIN_SECONDS,
      );
      console.log(
        `client created with the CLI: accepted after ${seconds.map((s) => s.toFixed(1)).join(' s and ')} s`,
      );
      for (const s of seconds) expect(s).toBeLessThanOrEqual(CLIENT_CACHE_SECONDS + MARGIN_SECONDS);
    }, 120_000);

    it('deleted, is refused by both within the cache time', async () => {
      await cli('delete', '--id', clientId);
      const seconds = await secondsUntil(
        (status) => status === 401,
        CLIENT_CACHE_SECONDS + 2 * MARGIN_SECONDS,
      );
      console.log(
        `client deleted with the CLI: refused after ${seconds.map((s) => s.toFixed(1)).join(' s and ')} s`,
      );
      for (const s of seconds) expect(s).toBeLessThanOrEqual(CLIENT_CACHE_SECONDS + MARGIN_SECONDS);
    }, 180_000);
  });
});
