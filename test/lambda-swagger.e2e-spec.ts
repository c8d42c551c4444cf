import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { authorizeWithPassword, launchChromium, tryGetUser } from './setup/browser.js';
import { createDynamoDbClient } from '../src/database/dynamodb.client.js';
import { ensureTable } from '../src/database/table.setup.js';
import { httpApiEvent } from './lambda-events.js';

/**
 * Swagger UI in a real browser, served by the Lambda handler behind an API Gateway stage path
 * (`/dev/docs`): its assets, its "Authorize" password flow (a relative token URL) and "Try it
 * out" must all stay under the stage. A small HTTP server stands in for API Gateway: it turns
 * each request under /dev into an HTTP API (payload 2.0) event for stage `dev`, and the result
 * back into a response. Uses Debian's Chromium, as test/swagger-ui.e2e-spec.ts does.
 */

const STAGE = 'dev';
const PASSWORD = 'correct horse battery staple';
const CLIENT_ID = 'swagger-lambda-test';

type Lambda = typeof import('../src/lambda.js');

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length ? Buffer.concat(chunks).toString() : undefined));
    req.on('error', reject);
  });
}

/**
 * API Gateway, as far as this test needs it: a named stage in front of the function (loaded
 * once the gateway's URL, which is the issuer, is known).
 */
function apiGateway(lambda: () => Lambda): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith(`/${STAGE}/`)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, [value].flat().join(',')]),
      );
      const event = httpApiEvent({
        method: req.method ?? 'GET',
        path: url.pathname.slice(STAGE.length + 1),
        stage: STAGE,
        headers,
        body: await readBody(req),
      });
      const query = url.search.slice(1);
      const result = await lambda().handler({ ...event, rawQueryString: query }, {});
      res.writeHead(result.statusCode, { ...result.headers });
      res.end(Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
    })().catch((error: unknown) => {
      res.writeHead(502).end(String(error));
    });
  });
}

describe('Swagger UI through the Lambda handler, under a stage path (headless Chromium)', () => {
  const saved = { ...process.env };
  const email = `swagger-${randomUUID()}@example.com`;
  let lambda: Lambda;
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const endpoint = process.env.DYNAMODB_ENDPOINT;
    if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run through jest (global setup)');
    const tableName = `test-lambda-swagger-${randomUUID()}`;
    const client = createDynamoDbClient({ region: 'us-east-1', endpoint });
    await ensureTable(client, tableName);
    client.destroy();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    Object.assign(process.env, {
      NODE_ENV: 'production',
      AWS_LAMBDA_FUNCTION_NAME: 'session-service-test-api',
      TABLE_NAME: tableName,
      JWT_SIGNING_KEYS: JSON.stringify({
        keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'swagger-test' }],
      }),
      BOOTSTRAP_CLIENTS: JSON.stringify([
        { client_id: CLIENT_ID, grant_types: ['password', 'refresh_token'] },
      ]),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    server = apiGateway(() => lambda);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/${STAGE}`;
    // Before the import: the handler reads its configuration in Lambda's init phase.
    process.env.ISSUER = base;
    lambda = await import('../src/lambda.js');

    const registered = await fetch(`${base}/user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(registered.status).toBe(201);

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await lambda?.close();
    process.env = saved;
  });

  /** Opens /dev/docs, signs in through Authorize, and records what left the stage path. */
  async function signIn(): Promise<{ page: Page; outsideStage: string[]; tokens: string[] }> {
    const page = await browser.newPage();
    const outsideStage: string[] = [];
    const tokens: string[] = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (!path.startsWith(`/${STAGE}/`)) outsideStage.push(`${response.status()} ${path}`);
      if (path === `/${STAGE}/oauth/token`) tokens.push(String(response.status()));
    });
    await page.goto(`${base}/docs`);
    await authorizeWithPassword(page, { username: email, password: PASSWORD, clientId: CLIENT_ID });
    return { page, outsideStage, tokens };
  }

  it('loads from /dev/docs and signs in through Authorize, all under the stage', async () => {
    const { page, outsideStage, tokens } = await signIn();
    // The token URL is relative ('oauth/token'), so it resolves to /dev/oauth/token.
    expect(tokens).toEqual(['200']);
    expect(outsideStage).toEqual([]);
    await page.close();
  });

  // Without the relative server in the OpenAPI document ('.', app.setup.ts), Swagger UI would
  // send "Try it out" requests to the host's root (/user), outside the stage.
  it('"Try it out" calls GET /dev/user with the token', async () => {
    const { page, outsideStage } = await signIn();
    const { status, body } = await tryGetUser(page);
    await page.close();
    expect({ status, outsideStage }).toEqual({ status: '200', outsideStage: [] });
    expect(body).toMatchObject({ email });
  });
});
