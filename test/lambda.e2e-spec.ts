import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createDynamoDbClient } from '../src/database/dynamodb.client.js';
import { ensureTable } from '../src/database/table.setup.js';
import type { ApiGatewayResult } from '../src/lambda.js';
import {
  form,
  header,
  httpApiEvent,
  json,
  jsonBody,
  restApiEvent,
  type RequestSpec,
} from './lambda-events.js';

/**
 * The Lambda handler, invoked in-process with hand-built API Gateway events (HTTP API payload
 * 2.0 and REST API payload 1.0), configured as on Lambda (NODE_ENV=production, signing keys and
 * clients from the environment) against DynamoDB Local: status, headers and bodies must be what a
 * client gets over HTTP.
 */

const PASSWORD = 'correct horse battery staple';
const CLIENT_ID = 'lambda-test-app';

type Lambda = typeof import('../src/lambda.js');
type EventKind = 'HTTP API (2.0)' | 'REST API (1.0)';
const EVENT_KINDS: readonly EventKind[] = ['HTTP API (2.0)', 'REST API (1.0)'];

function signingKeys(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({
    keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'lambda-test' }],
  });
}

describe('Lambda handler (src/lambda.ts)', () => {
  const tableName = `test-lambda-${randomUUID()}`;
  const saved = { ...process.env };
  let lambda: Lambda;

  beforeAll(async () => {
    const endpoint = process.env.DYNAMODB_ENDPOINT;
    if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run through jest (global setup)');
    const client = createDynamoDbClient({ region: 'us-east-1', endpoint });
    await ensureTable(client, tableName);
    client.destroy();
    // What serverless.yml gives the functions, plus the DynamoDB Local endpoint. Set before the
    // first event: the handler reads the environment once, when it builds the app.
    Object.assign(process.env, {
      NODE_ENV: 'production',
      AWS_LAMBDA_FUNCTION_NAME: 'session-service-test-credentials',
      TABLE_NAME: tableName,
      ISSUER: 'https://abc123.execute-api.us-east-1.amazonaws.com',
      JWT_SIGNING_KEYS: signingKeys(),
      BOOTSTRAP_CLIENTS: JSON.stringify([
        { client_id: CLIENT_ID, grant_types: ['password', 'refresh_token'] },
      ]),
      CORS_ORIGINS: 'https://app.example.com',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    lambda = await import('../src/lambda.js');
  });

  afterAll(async () => {
    await lambda?.close();
    process.env = saved;
  });

  function invoke(kind: EventKind, spec: RequestSpec): Promise<ApiGatewayResult> {
    const event = kind === 'HTTP API (2.0)' ? httpApiEvent(spec) : restApiEvent(spec);
    return lambda.handler(event, {});
  }

  describe.each(EVENT_KINDS)('%s events', (kind) => {
    const email = `lambda-${kind.startsWith('HTTP') ? 'v2' : 'v1'}-${randomUUID()}@example.com`;

    it('GET /health answers 200 {status: ok} with the security headers', async () => {
      const result = await invoke(kind, { method: 'GET', path: '/health' });
      expect(result.statusCode).toBe(200);
      expect(json(result)).toEqual({ status: 'ok' });
      expect(header(result, 'content-type')).toMatch(/^application\/json/);
      expect(header(result, 'x-content-type-options')).toBe('nosniff');
      expect(header(result, 'x-request-id')).toEqual(expect.any(String));
      expect(result.isBase64Encoded).toBe(false);
    });

    it('POST /user registers an account: 201 {id, email}', async () => {
      const result = await invoke(kind, {
        method: 'POST',
        path: '/user',
        ...jsonBody({ email, password: PASSWORD }),
      });
      expect(result.statusCode).toBe(201);
      expect(json(result)).toEqual({ id: expect.any(String), email });
    });

    it('answers a bad request with a 400 JSON error naming the field', async () => {
      const result = await invoke(kind, {
        method: 'POST',
        path: '/user',
        ...jsonBody({ email: 'not-an-email', password: PASSWORD }),
      });
      expect(result.statusCode).toBe(400);
      expect(header(result, 'content-type')).toMatch(/^application\/json/);
      expect(json(result)).toEqual({
        error: 'invalid_request',
        error_description: expect.any(String),
        fields: { email: [expect.any(String)] },
      });
    });

    it('issues tokens for the password grant and serves GET /user with the bearer', async () => {
      const token = await invoke(kind, {
        method: 'POST',
        path: '/oauth/token',
        ...form({
          grant_type: 'password',
          username: email,
          password: PASSWORD,
          client_id: CLIENT_ID,
        }),
      });
      expect(token.statusCode).toBe(200);
      expect(header(token, 'cache-control')).toBe('no-store');
      expect(header(token, 'pragma')).toBe('no-cache');
      const body = json(token);
      expect(body).toEqual(
        expect.objectContaining({ token_type: 'Bearer', access_token: expect.any(String) }),
      );

      const user = await invoke(kind, {
        method: 'GET',
        path: '/user',
        headers: { authorization: `Bearer ${body.access_token}` },
      });
      expect(user.statusCode).toBe(200);
      expect(json(user)).toEqual({ id: expect.any(String), email, email_verified: false });
    });

    it('refuses GET /user without a token: 401 JSON', async () => {
      const result = await invoke(kind, { method: 'GET', path: '/user' });
      expect(result.statusCode).toBe(401);
      expect(json(result)).toEqual(expect.objectContaining({ error: expect.any(String) }));
    });

    it('passes the query string through', async () => {
      const result = await invoke(kind, { method: 'GET', path: '/health', query: { probe: '1' } });
      expect(result.statusCode).toBe(200);
    });

    it('answers CORS for an allowed origin', async () => {
      const result = await invoke(kind, {
        method: 'GET',
        path: '/health',
        headers: { origin: 'https://app.example.com' },
      });
      expect(header(result, 'access-control-allow-origin')).toBe('https://app.example.com');
    });
  });

  describe('under a stage path (/dev/...)', () => {
    it('strips a named HTTP API stage from rawPath', async () => {
      const result = await lambda.handler(
        httpApiEvent({ method: 'GET', path: '/health', stage: 'dev' }),
        {},
      );
      expect(result.statusCode).toBe(200);
    });

    it('routes a REST API event by its stage-relative path', async () => {
      const event = restApiEvent({ method: 'GET', path: '/health', stage: 'dev' });
      expect(event.requestContext.path).toBe('/dev/health');
      expect((await lambda.handler(event, {})).statusCode).toBe(200);
    });

    it('serves Swagger UI at /dev/docs with asset URLs that stay under the stage', async () => {
      const page = await lambda.handler(
        httpApiEvent({ method: 'GET', path: '/docs', stage: 'dev' }),
        {},
      );
      expect(page.statusCode).toBe(200);
      expect(header(page, 'content-type')).toMatch(/^text\/html/);
      // Relative URLs: from https://host/dev/docs they resolve to https://host/dev/docs/...
      const assets = [...page.body.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]);
      expect(assets).toContain('./docs/swagger-ui.css');
      for (const asset of assets) {
        const url = new URL(asset, 'https://abc123.execute-api.us-east-1.amazonaws.com/dev/docs');
        expect(url.pathname).toMatch(/^\/dev\/docs\//);
        const path = url.pathname.slice('/dev'.length);
        const result = await lambda.handler(
          httpApiEvent({ method: 'GET', path, stage: 'dev' }),
          {},
        );
        expect({ asset, status: result.statusCode }).toEqual({ asset, status: 200 });
      }
    });

    it('serves a Swagger asset through a REST API /docs/{proxy+} resource', async () => {
      const css = await lambda.handler(
        restApiEvent({
          method: 'GET',
          path: '/docs/swagger-ui.css',
          stage: 'dev',
          resource: '/docs/{proxy+}',
          pathParameters: { proxy: 'swagger-ui.css' },
        }),
        {},
      );
      expect(css.statusCode).toBe(200);
      expect(header(css, 'content-type')).toMatch(/^text\/css/);
    });

    it('returns images base64-encoded, as API Gateway needs', async () => {
      const icon = await lambda.handler(
        httpApiEvent({ method: 'GET', path: '/docs/favicon-32x32.png', stage: 'dev' }),
        {},
      );
      expect(icon.statusCode).toBe(200);
      expect(icon.isBase64Encoded).toBe(true);
      expect(Buffer.from(icon.body, 'base64').subarray(1, 4).toString()).toBe('PNG');
    });

    it("resolves Swagger's relative OAuth tokenUrl to the token endpoint under the stage", async () => {
      const document = await lambda.handler(
        httpApiEvent({ method: 'GET', path: '/docs-json', stage: 'dev' }),
        {},
      );
      expect(document.statusCode).toBe(200);
      const { tokenUrl } = json(document).components.securitySchemes.oauth2.flows.password;
      // Swagger UI resolves a relative tokenUrl against the page it runs in.
      const resolved = new URL(
        tokenUrl,
        'https://abc123.execute-api.us-east-1.amazonaws.com/dev/docs',
      );
      expect(resolved.pathname).toBe('/dev/oauth/token');
      const token = await lambda.handler(
        httpApiEvent({
          method: 'POST',
          path: resolved.pathname.slice('/dev'.length),
          stage: 'dev',
          ...form({ grant_type: 'password', client_id: CLIENT_ID }),
        }),
        {},
      );
      // The token endpoint answered (a 400 for the missing credentials), not a 404.
      expect(token.statusCode).toBe(400);
      expect(json(token).error).toBe('invalid_request');
    });
  });
});
