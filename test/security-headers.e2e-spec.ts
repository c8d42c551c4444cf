import { generateKeyPairSync } from 'node:crypto';
import request, { type Response } from 'supertest';
import { PASSWORD, signIn, type Tokens } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

/** A JWK set as operators make one: production requires configured keys. */
function signingKeys(): string {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  return JSON.stringify({ keys: [{ ...jwk, kid: 'headers-test', alg: 'ES256', use: 'sig' }] });
}

type Call = (t: TestApp, tokens: Tokens) => Promise<Response>;
const bearer = (tokens: Tokens) => ({ Authorization: `Bearer ${tokens.access_token}` });

/** Answers that carry tokens or personal data, or say something about an account. */
const PRIVATE: readonly [string, Call][] = [
  ['GET /user', (t, tokens) => request(t.server).get('/user').set(bearer(tokens)).expect(200)],
  [
    'GET /user/sessions',
    (t, tokens) => request(t.server).get('/user/sessions').set(bearer(tokens)).expect(200),
  ],
  [
    'GET /session',
    (t, tokens) =>
      request(t.server)
        .get('/session')
        .set({ ...bearer(tokens), 'x-koms-clientid': 'demo-app' })
        .expect(200),
  ],
  [
    'POST /user',
    (t) =>
      request(t.server)
        .post('/user')
        .send({ email: `headers-${Date.now()}@example.com`, password: PASSWORD })
        .expect(201),
  ],
  [
    'POST /oauth/token (refresh)',
    (t, tokens) =>
      request(t.server)
        .post('/oauth/token')
        .type('form')
        .send({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
          client_id: 'demo-app',
        })
        .expect(200),
  ],
  ['GET /health', (t) => request(t.server).get('/health').expect(200)],
  ['a 401', (t) => request(t.server).get('/user').expect(401)],
  ['a 404', (t) => request(t.server).get('/nowhere').expect(404)],
];

/** Public documents that are the same for everyone. */
const PUBLIC: readonly [string, string, RegExp][] = [
  ['the JWKS', '/.well-known/jwks.json', /^public, max-age=300$/],
  ['RFC 8414 metadata', '/.well-known/oauth-authorization-server', /^public, max-age=300$/],
  ['OpenID discovery', '/.well-known/openid-configuration', /^public, max-age=300$/],
];

describe('response headers', () => {
  describe('in development', () => {
    let t: TestApp;
    let tokens: Tokens;

    beforeAll(async () => {
      t = await createTestApp();
      ({ tokens } = await signIn(t));
    });
    afterAll(() => t.close());

    it.each(PRIVATE)('%s: Cache-Control: no-store', async (_name, call) => {
      const response = await call(t, tokens);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });

    it.each(PUBLIC)('%s keeps its public caching', async (_name, path, cacheControl) => {
      const response = await request(t.server).get(path).expect(200);
      expect(response.headers['cache-control']).toMatch(cacheControl);
    });

    it.each(['/docs', '/docs-json'])('%s is not marked no-store', async (path) => {
      const response = await request(t.server).get(path).redirects(1).expect(200);
      expect(response.headers['cache-control'] ?? '').not.toMatch(/no-store/);
    });

    it('sends no HSTS over the plain HTTP of local development', async () => {
      const response = await request(t.server).get('/health').expect(200);
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });

    describe('RFC 6750 §3.1 challenges', () => {
      it('no credentials at all: the bare challenge, no error code', async () => {
        for (const path of ['/user', '/user/sessions']) {
          const response = await request(t.server).get(path).expect(401);
          expect(response.headers['www-authenticate']).toBe('Bearer realm="session-service"');
        }
        const legacy = await request(t.server)
          .put('/session')
          .set('x-koms-clientid', 'demo-app')
          .send({ refresh_token: tokens.refresh_token })
          .expect(401);
        expect(legacy.headers['www-authenticate']).toBe('Bearer realm="session-service"');
      });

      it.each([
        ['a malformed token', 'Bearer not-a-jwt'],
        ['a forged token', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
        ['another scheme', 'Basic ZGVtby1hcHA6'],
      ])('%s: error="invalid_token"', async (_case, authorization) => {
        const response = await request(t.server)
          .get('/user')
          .set('Authorization', authorization)
          .expect(401);
        expect(response.headers['www-authenticate']).toBe(
          'Bearer realm="session-service", error="invalid_token"',
        );
      });
    });
  });

  describe('with NODE_ENV=production', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ NODE_ENV: 'production', JWT_SIGNING_KEYS: signingKeys() });
    });
    afterAll(() => t.close());

    it.each(['/health', '/.well-known/jwks.json', '/user', '/docs-json'])(
      '%s carries HSTS',
      async (path) => {
        const response = await request(t.server).get(path);
        expect(response.headers['strict-transport-security']).toBe(
          'max-age=31536000; includeSubDomains',
        );
      },
    );
  });
});
