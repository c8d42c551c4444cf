import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDynamoDbClient } from '../../src/database/dynamodb.client.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../src/database/local-dynamodb.js';
import { ensureTable } from '../../src/database/table.setup.js';
import type { ApiGatewayResult } from '../../src/lambda.js';
import { form, header, httpApiEvent, json, jsonBody, restApiEvent } from '../lambda-events.js';
import { waitUntilServingReads } from './support/dynamodb.js';
import { PASSWORD } from './support/flows.js';
import { waitUntilGone } from './support/processes.js';

/**
 * The Lambda handler in-process (src/lambda.ts, as API Gateway invokes it), configured as on
 * Lambda, while DynamoDB Local is frozen, killed and restarted: the same promises as the server
 * (503 within 2 s, serving again within 5 s), a container whose first event met a DynamoDB error
 * serving the next one, and events of the wrong shape answered 400. The module builds the app in
 * Lambda's init phase (its import): the first test imports it with DynamoDB frozen.
 */

const ANSWER_WITHIN_MS = 2_000;
const RECOVER_WITHIN_MS = 5_000;
const CLIENT_ID = 'lambda-app';
const TABLE = 'lambda-outage';

type Lambda = typeof import('../../src/lambda.js');

function signingKeys(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'k1' }] });
}

describe('the Lambda handler through a DynamoDB outage', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lambda-outage-'));
  const saved = { ...process.env };
  let db: LocalDynamoDb;
  let lambda: Lambda | undefined;
  /** The module, imported (its init phase run) by the first test, or here if that did not run. */
  const loaded = async (): Promise<Lambda> => (lambda ??= await import('../../src/lambda.js'));

  beforeAll(async () => {
    db = await startLocalDynamoDb(dataDir);
    const client = createDynamoDbClient({
      region: 'us-east-1',
      endpoint: db.endpoint,
      patient: true,
    });
    await ensureTable(client, TABLE);
    client.destroy();
    Object.assign(process.env, {
      NODE_ENV: 'production',
      AWS_LAMBDA_FUNCTION_NAME: 'session-service-test-credentials',
      DYNAMODB_ENDPOINT: db.endpoint,
      TABLE_NAME: TABLE,
      ISSUER: 'https://abc123.execute-api.us-east-1.amazonaws.com',
      JWT_SIGNING_KEYS: signingKeys(),
      BOOTSTRAP_CLIENTS: JSON.stringify([
        { client_id: CLIENT_ID, grant_types: ['password', 'refresh_token'] },
      ]),
      LOG_LEVEL: 'silent',
    });
  }, 120_000);

  afterAll(async () => {
    await lambda?.close();
    await db?.stop('SIGKILL');
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const invoke = async (event: unknown): Promise<ApiGatewayResult> =>
    (await loaded()).handler(event, {});
  const health = () => invoke(httpApiEvent({ method: 'GET', path: '/health' }));
  const register = (email: string) =>
    invoke(
      httpApiEvent({ method: 'POST', path: '/user', ...jsonBody({ email, password: PASSWORD }) }),
    );
  const passwordGrant = (email: string) =>
    invoke(
      httpApiEvent({
        method: 'POST',
        path: '/oauth/token',
        ...form({
          grant_type: 'password',
          username: email,
          password: PASSWORD,
          client_id: CLIENT_ID,
        }),
      }),
    );
  const refresh = (token: string) =>
    invoke(
      restApiEvent({
        method: 'POST',
        path: '/oauth/token',
        ...form({ grant_type: 'refresh_token', refresh_token: token, client_id: CLIENT_ID }),
      }),
    );
  const me = (access: string) =>
    invoke(
      restApiEvent({
        method: 'GET',
        path: '/user',
        headers: { authorization: `Bearer ${access}` },
      }),
    );
  const legacySignIn = (email: string) =>
    invoke(
      httpApiEvent({
        method: 'POST',
        path: '/session',
        body: jsonBody({ account_type: 'traditional', email, password: PASSWORD }).body,
        headers: { 'x-koms-clientid': CLIENT_ID, 'content-type': 'application/json' },
      }),
    );

  async function timed(name: string, send: () => Promise<ApiGatewayResult>) {
    const started = performance.now();
    const result = await send();
    return { name, result, ms: performance.now() - started };
  }

  function expectUnavailableInTime(
    outcomes: { name: string; result: ApiGatewayResult; ms: number }[],
  ) {
    console.log(
      outcomes
        .map(
          ({ name, result, ms }) => `  ${name.padEnd(28)} ${result.statusCode} ${ms.toFixed(0)} ms`,
        )
        .join('\n'),
    );
    expect(
      outcomes.map(({ name, result, ms }) => ({
        name,
        status: result.statusCode,
        error: (json(result) as { error?: string }).error,
        retryAfter: header(result, 'retry-after') !== undefined,
        inTime: ms < ANSWER_WITHIN_MS,
      })),
    ).toEqual(
      outcomes.map(({ name }) => ({
        name,
        status: 503,
        error: 'temporarily_unavailable',
        retryAfter: true,
        inTime: true,
      })),
    );
  }

  it('an init and a first event that meet a frozen DynamoDB: the module loads, the event answers 503; the same container serves the next', async () => {
    process.kill(db.pid, 'SIGSTOP');
    let first: ApiGatewayResult;
    try {
      // The init phase cannot build the app (it upserts the bootstrap clients): the import must
      // still succeed, or Lambda would discard the container and start over on every event.
      expect(lambda).toBeUndefined();
      await loaded();
      first = await health();
    } finally {
      process.kill(db.pid, 'SIGCONT');
    }
    expect(first.statusCode).toBe(503);
    expect(json(first)).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
    });
    expect(header(first, 'retry-after')).toBeDefined();
    // The same module, the same container: the next event builds the app and is served.
    expect((await health()).statusCode).toBe(200);
    expect((await register(`first-${randomUUID()}@example.com`)).statusCode).toBe(201);
  }, 60_000);

  it('answers events of another shape with 400, and goes on serving', async () => {
    for (const event of [
      {},
      null,
      'GET /',
      { Records: [{ body: '{}' }] },
      { version: '2.0', rawPath: '/health' },
    ]) {
      const result = await invoke(event);
      expect(result.statusCode).toBe(400);
      expect(json(result).error).toBe('invalid_request');
    }
    expect((await health()).statusCode).toBe(200);
  });

  describe('a warm container', () => {
    const email = `lambda-outage-${randomUUID()}@example.com`;
    let tokens: { access_token: string; refresh_token: string };

    beforeAll(async () => {
      expect((await register(email)).statusCode).toBe(201);
      tokens = json(await passwordGrant(email));
    }, 60_000);

    const everyKind = () =>
      Promise.all([
        timed('GET /health', health),
        timed('GET /user (bearer)', () => me(tokens.access_token)),
        timed('POST /user', () => register(`during-${randomUUID()}@example.com`)),
        timed('POST /oauth/token password', () => passwordGrant(email)),
        timed('POST /oauth/token refresh', () => refresh(tokens.refresh_token)),
        timed('POST /session', () => legacySignIn(email)),
      ]);

    it('frozen: every event needing the database answers 503 within 2 s', async () => {
      process.kill(db.pid, 'SIGSTOP');
      expectUnavailableInTime(await everyKind());
    }, 60_000);

    it('killed: every event needing the database answers 503 within 2 s', async () => {
      process.kill(db.pid, 'SIGKILL');
      await waitUntilGone(db.pid, 10_000);
      expectUnavailableInTime(await everyKind());
    }, 60_000);

    it('restarted on the same port and data: serves again within 5 s', async () => {
      db = await startLocalDynamoDb(dataDir, { port: db.port });
      await waitUntilServingReads(db.endpoint, TABLE);
      const backAt = performance.now();
      let recoveredAt: number | undefined;
      while (performance.now() - backAt < 30_000) {
        const [h, m, g] = await Promise.all([
          health(),
          me(tokens.access_token),
          passwordGrant(email),
        ]);
        const r = g.statusCode === 200 ? await refresh(json(g).refresh_token) : g;
        if ([h, m, g, r].every(({ statusCode }) => statusCode === 200)) {
          recoveredAt = performance.now();
          break;
        }
        await sleep(100);
      }
      console.log(
        `Lambda serving again ${recoveredAt === undefined ? 'never' : `${(recoveredAt - backAt).toFixed(0)} ms`} after DynamoDB Local served a read`,
      );
      expect((recoveredAt ?? Infinity) - backAt).toBeLessThan(RECOVER_WITHIN_MS);
      // The session from before the outage: its refresh token was never consumed by the failures.
      expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
    }, 90_000);
  });
});
