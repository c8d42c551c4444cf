import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntilServingReads } from './support/dynamodb.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../src/database/local-dynamodb.js';
import { describeAnswer, Api, tokensOf, uniqueEmail, type Tokens } from './support/flows.js';
import type { Answer } from './support/http.js';
import { isAlive, startServer, waitUntilGone, type ServerProcess } from './support/processes.js';

/**
 * DynamoDB Local stops under a running server (a process of its own, as `npm start` runs it):
 * first frozen (SIGSTOP: connections are accepted by the kernel and never answered, as a hung
 * database), then killed (connections refused). Every request that needs the database answers
 * 503 temporarily_unavailable with Retry-After within 2 s, never 401 or 400; /health answers 503.
 * DynamoDB Local restarted on the same port and data, the same server process serves again within
 * 5 s of the database serving reads again.
 */

/** The promise: an answer within 2 s when the database is gone. */
const ANSWER_WITHIN_MS = 2_000;
/** The promise: serving again within 5 s of the database being back. */
const RECOVER_WITHIN_MS = 5_000;

interface Outcome {
  readonly name: string;
  readonly answer?: Answer;
  readonly error?: string;
  readonly ms: number;
}

describe('a DynamoDB outage under a running server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'outage-'));
  let db: LocalDynamoDb;
  let server: ServerProcess;
  let api: Api;
  let email: string;
  let oauth: Tokens;
  let legacy: { access_token: string; refresh_token: string };
  /** A second session, for the revocation call: the first one must survive the outage. */
  let spare: Tokens;
  const background: Answer[] = [];
  let trafficRunning = true;
  let traffic: Promise<void>;

  beforeAll(async () => {
    db = await startLocalDynamoDb(dataDir);
    server = await startServer({
      DYNAMODB_ENDPOINT: db.endpoint,
      DATA_DIR: dataDir,
      TABLE_NAME: 'outage',
    });
    api = new Api(server.base);
    email = uniqueEmail('outage');
    expect((await api.register(email)).status).toBe(201);
    oauth = tokensOf(await api.passwordGrant(email));
    spare = tokensOf(await api.passwordGrant(email));
    const signIn = await api.legacySignIn(email);
    expect(signIn.status).toBe(200);
    legacy = signIn.body;
    // Traffic from before the outage to after it: GET /user over and over.
    traffic = (async () => {
      while (trafficRunning) {
        background.push(await api.me(oauth.access_token));
        await sleep(20);
      }
    })();
  }, 120_000);

  afterAll(async () => {
    trafficRunning = false;
    await traffic;
    await server?.stop();
    await db?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** One request of each kind that needs the database, all at once. */
  async function everyKindOfRequest(): Promise<Outcome[]> {
    const requests: [string, () => Promise<Answer>][] = [
      ['GET /health', () => api.health()],
      ['GET /user (bearer)', () => api.me(oauth.access_token)],
      ['GET /user/sessions (bearer)', () => api.sessions(oauth.access_token)],
      ['POST /user', () => api.register(uniqueEmail('during-outage'))],
      ['POST /oauth/token password', () => api.passwordGrant(email)],
      ['POST /oauth/token refresh_token', () => api.refresh(oauth.refresh_token)],
      ['POST /oauth/revoke', () => api.revoke(spare.refresh_token)],
      ['POST /session', () => api.legacySignIn(email)],
      ['GET /session (bearer)', () => api.legacyExpiry(legacy.access_token)],
      ['PUT /session', () => api.legacyRefresh(legacy.access_token, legacy.refresh_token)],
      ['DELETE /session (bearer)', () => api.legacySignOut(legacy.access_token)],
    ];
    return Promise.all(
      requests.map(async ([name, send]) => {
        const started = performance.now();
        try {
          const answer = await send();
          return { name, answer, ms: performance.now() - started };
        } catch (error) {
          return { name, error: String(error), ms: performance.now() - started };
        }
      }),
    );
  }

  function expectAllUnavailableInTime(outcomes: Outcome[]): void {
    const seen = outcomes.map(({ name, answer, error, ms }) => ({
      name,
      status: answer?.status ?? error,
      error: answer?.body?.error,
      retryAfter: answer?.headers['retry-after'] !== undefined,
      inTime: ms < ANSWER_WITHIN_MS,
    }));
    expect(seen).toEqual(
      outcomes.map(({ name }) => ({
        name,
        status: 503,
        error: 'temporarily_unavailable',
        retryAfter: true,
        inTime: true,
      })),
    );
  }

  function report(phase: string, outcomes: Outcome[]): number {
    const slowest = Math.max(...outcomes.map(({ ms }) => ms));
    console.log(
      `${phase}: slowest answer ${slowest.toFixed(0)} ms\n` +
        outcomes.map(({ name, ms }) => `  ${name.padEnd(32)} ${ms.toFixed(0)} ms`).join('\n'),
    );
    return slowest;
  }

  it('serves normally before the outage', async () => {
    expect((await api.health()).status).toBe(200);
    expect((await api.me(oauth.access_token)).status).toBe(200);
  });

  it('frozen (SIGSTOP): every request needing the database answers 503 within 2 s', async () => {
    process.kill(db.pid, 'SIGSTOP');
    const outcomes = await everyKindOfRequest();
    report('frozen', outcomes);
    expectAllUnavailableInTime(outcomes);
    // Still frozen, and still answering: the first timeouts left no socket hanging.
    const again = await everyKindOfRequest();
    report('frozen, second round', again);
    expectAllUnavailableInTime(again);
  }, 60_000);

  it('killed (connections refused): every request needing the database answers 503 within 2 s', async () => {
    process.kill(db.pid, 'SIGKILL');
    await waitUntilGone(db.pid, 10_000);
    const outcomes = await everyKindOfRequest();
    report('killed', outcomes);
    expectAllUnavailableInTime(outcomes);
  }, 60_000);

  /**
   * One round of ordinary use, every kind of database call: reads (health, bearer check), a
   * conditional write (refresh), a put (sign-in) and a transaction (registration). Each round uses
   * a session of its own: a refresh that timed out may still have been applied, and presenting the
   * same token again would rightly be taken as reuse.
   */
  async function ordinaryUse(): Promise<Answer[]> {
    const [health, me, signIn, register] = await Promise.all([
      api.health(),
      api.me(oauth.access_token),
      api.passwordGrant(email),
      api.register(uniqueEmail('recovery')),
    ]);
    const answers = [health, me, signIn, register];
    if (signIn.status === 200) answers.push(await api.refresh(tokensOf(signIn).refresh_token));
    return answers;
  }

  it('restarted on the same port and data: the same server process serves within 5 s', async () => {
    const serverPid = server.pid;
    const restartedAt = performance.now();
    db = await startLocalDynamoDb(dataDir, { port: db.port });
    const listeningAt = performance.now();
    // DynamoDB Local answers HTTP before it serves data: on a busy machine its first read, which
    // opens the data on disk, can take seconds. The database is back when it serves a read.
    await waitUntilServingReads(db.endpoint, 'outage');
    const answeringAt = performance.now();
    let recoveredAt: number | undefined;
    const rounds: string[] = [];
    while (performance.now() - answeringAt < 30_000) {
      const answers = await ordinaryUse();
      rounds.push(answers.map(({ status, ms }) => `${status} (${ms.toFixed(0)} ms)`).join(', '));
      if (answers.every(({ status }) => status >= 200 && status < 300)) {
        recoveredAt = performance.now();
        break;
      }
      await sleep(100);
    }
    console.log(
      `DynamoDB Local restart: listening after ${(listeningAt - restartedAt).toFixed(0)} ms, ` +
        `serving a read ${(answeringAt - listeningAt).toFixed(0)} ms later; ` +
        `server serving again ${recoveredAt === undefined ? 'never' : `${(recoveredAt - answeringAt).toFixed(0)} ms`} after that\n` +
        `  health, GET /user, sign-in, registration, refresh:\n  ${rounds.join('\n  ')}`,
    );
    expect(recoveredAt).toBeDefined();
    expect((recoveredAt ?? Infinity) - answeringAt).toBeLessThan(RECOVER_WITHIN_MS);
    expect(server.pid).toBe(serverPid);
    expect(isAlive(serverPid)).toBe(true);
  }, 90_000);

  it('kept everything from before the outage: the calls that failed during it changed nothing', async () => {
    expect(describeAnswer(await api.refresh(oauth.refresh_token))).toMatch(/^200 /);
    expect(describeAnswer(await api.refresh(spare.refresh_token))).toMatch(/^200 /);
    expect((await api.legacyExpiry(legacy.access_token)).status).toBe(200);
    expect((await api.legacyRefresh(legacy.access_token, legacy.refresh_token)).status).toBe(200);
  });

  it('never answered the traffic running through it with 401, 400 or 500', () => {
    trafficRunning = false;
    const statuses = background.map(({ status }) => status);
    console.log(
      `background GET /user: ${statuses.length} requests, ` +
        `${statuses.filter((s) => s === 200).length} × 200, ${statuses.filter((s) => s === 503).length} × 503`,
    );
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    // It ran through all three phases: before, during and after the outage.
    expect(statuses).toContain(503);
    expect(statuses[0]).toBe(200);
    expect(statuses.at(-1)).toBe(200);
  });
});
