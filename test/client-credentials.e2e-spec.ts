import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import request from 'supertest';
import { SigningKeysService } from '../src/auth/keys/signing-keys.service.js';
import { DynamoDbRequestCounter } from '../src/database/dynamodb.client.js';
import { BOOTSTRAP_CLIENTS, CONFIDENTIAL, signIn } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

/** A backend job registered for client_credentials only. */
const MACHINE = { id: 'reports-job', secret: 'reports-job-secret-0123456789abcdefghij' };
const MACHINE_SCOPES = 'reports:read reports:write';
const INSUFFICIENT_SCOPE = 'this route acts for a user; a client_credentials token has no user';

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('client_credentials grant (RFC 6749 §4.4)', () => {
  let t: TestApp;
  const counter = () => t.app.get(DynamoDbRequestCounter);

  beforeAll(async () => {
    t = await createTestApp({
      BOOTSTRAP_CLIENTS: JSON.stringify([
        ...(JSON.parse(BOOTSTRAP_CLIENTS) as unknown[]),
        {
          client_id: MACHINE.id,
          client_secret: MACHINE.secret,
          grant_types: ['client_credentials'],
          scopes: MACHINE_SCOPES.split(' '),
          access_token_ttl: 300,
          name: 'Reports job',
        },
      ]),
    });
  });
  afterAll(() => t.close());

  const token = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    request(t.server)
      .post('/oauth/token')
      .set(headers)
      .type('form')
      .send({ grant_type: 'client_credentials', ...body });
  const machineToken = async (scope?: string): Promise<string> => {
    const response = await token(
      { ...(scope && { scope }) },
      { authorization: basic(MACHINE.id, MACHINE.secret) },
    ).expect(200);
    return response.body.access_token as string;
  };
  const introspect = (accessToken: string) =>
    request(t.server)
      .post('/oauth/introspect')
      .auth(CONFIDENTIAL.id, CONFIDENTIAL.secret)
      .type('form')
      .send({ token: accessToken })
      .expect(200);

  describe('POST /oauth/token', () => {
    it.each([
      ['client_secret_post', { client_id: MACHINE.id, client_secret: MACHINE.secret }, {}],
      ['HTTP Basic', {}, { authorization: basic(MACHINE.id, MACHINE.secret) }],
    ])(
      'answers a confidential client (%s) an access token and no refresh token, uncached',
      async (_how, body, headers) => {
        const response = await token(body, headers).expect(200);
        expect(response.headers['cache-control']).toBe('no-store');
        expect(response.headers['pragma']).toBe('no-cache');
        // §4.4.3: no refresh_token; no scope asked, so every scope of the client (§3.3 default).
        expect(response.body).toEqual({
          access_token: expect.any(String),
          token_type: 'Bearer',
          expires_in: 300,
          scope: MACHINE_SCOPES,
        });
      },
    );

    it('signs an RFC 9068 token: sub = client_id = the client, the granted scope, no sid', async () => {
      const accessToken = await machineToken('reports:read');
      expect(decodeProtectedHeader(accessToken)).toEqual({
        alg: 'ES256',
        typ: 'at+jwt',
        kid: expect.any(String),
      });
      const claims = decodeJwt(accessToken);
      expect(claims).toEqual({
        iss: t.config.tokens.issuer,
        sub: MACHINE.id,
        aud: t.config.tokens.audience,
        client_id: MACHINE.id,
        scope: 'reports:read',
        iat: expect.any(Number),
        exp: expect.any(Number),
        jti: expect.any(String),
      });
      expect(claims.exp! - claims.iat!).toBe(300);
    });

    it('accepts a JSON body too', async () => {
      const response = await request(t.server)
        .post('/oauth/token')
        .send({
          grant_type: 'client_credentials',
          client_id: MACHINE.id,
          client_secret: MACHINE.secret,
          scope: 'reports:write',
        })
        .expect(200);
      expect(response.body.scope).toBe('reports:write');
    });

    it('costs no DynamoDB request once the client is cached (no session is written)', async () => {
      await machineToken(); // the client is in the cache from here on
      counter().reset();
      await machineToken('reports:read');
      expect(counter().snapshot()).toEqual({});
    });

    it.each<[string, Record<string, string>, Record<string, string>, number, string, RegExp]>([
      [
        'a public client',
        { client_id: 'demo-app' },
        {},
        400,
        'unauthorized_client',
        /may not use the client_credentials grant/,
      ],
      [
        'a confidential client not registered for the grant',
        { client_id: CONFIDENTIAL.id, client_secret: CONFIDENTIAL.secret },
        {},
        400,
        'unauthorized_client',
        /may not use the client_credentials grant/,
      ],
      [
        'a scope beyond the client',
        { client_id: MACHINE.id, client_secret: MACHINE.secret, scope: 'reports:read admin' },
        {},
        400,
        'invalid_scope',
        /admin/,
      ],
      [
        'a wrong secret',
        { client_id: MACHINE.id, client_secret: 'wrong' },
        {},
        401,
        'invalid_client',
        /wrong client secret/,
      ],
      [
        'the client without its secret',
        { client_id: MACHINE.id },
        {},
        401,
        'invalid_client',
        /wrong client secret/,
      ],
    ])('refuses %s', async (_case, body, headers, status, error, description) => {
      const response = await token(body, headers).expect(status);
      expect(response.body).toEqual({
        error,
        error_description: expect.stringMatching(description),
      });
    });
  });

  describe('user routes refuse the token: 403 insufficient_scope (RFC 6750 §3.1)', () => {
    let accessToken: string;
    beforeAll(async () => {
      accessToken = await machineToken();
    });

    it.each<[string, string, string, Record<string, string>]>([
      ['GET', '/user', 'users', {}],
      ['GET', '/user/sessions', 'sessions', {}],
      ['DELETE', '/user/sessions', 'sessions', {}],
      ['DELETE', '/user/sessions/00000000-0000-4000-8000-000000000000', 'sessions', {}],
      ['GET', '/session', 'legacy', { 'x-koms-clientid': 'demo-app' }],
      ['DELETE', '/session', 'legacy', { 'x-koms-clientid': 'demo-app' }],
      ['PUT', '/user/password', 'accounts', {}],
      ['POST', '/user/email/verify/resend', 'accounts', {}],
      ['DELETE', '/user', 'accounts', {}],
    ])('%s %s (%s)', async (method, path, _api, headers) => {
      const call = request(t.server)[method.toLowerCase() as 'get' | 'put' | 'post' | 'delete'](
        path,
      );
      const response = await call
        .set(headers)
        .set('Authorization', `Bearer ${accessToken}`)
        .expect(403);
      expect(response.headers['www-authenticate']).toBe(
        `Bearer error="insufficient_scope", error_description="${INSUFFICIENT_SCOPE}"`,
      );
      expect(response.body).toEqual({
        error: 'insufficient_scope',
        error_description: INSUFFICIENT_SCOPE,
      });
    });

    it('after a bearer check that read nothing: the token is valid, it just has no user', async () => {
      counter().reset();
      await request(t.server).get('/user').auth(accessToken, { type: 'bearer' }).expect(403);
      expect(counter().snapshot()).toEqual({});
    });

    it("while a user's token still gets through", async () => {
      const { tokens } = await signIn(t);
      await request(t.server)
        .get('/user')
        .auth(tokens.access_token, { type: 'bearer' })
        .expect(200);
    });
  });

  describe('introspection (RFC 7662)', () => {
    it('describes the token as active, without sid, reading nothing', async () => {
      const accessToken = await machineToken('reports:read');
      const claims = decodeJwt(accessToken);
      await introspect(accessToken); // the introspecting client is in the cache from here on
      counter().reset();
      const response = await introspect(accessToken);
      expect(counter().snapshot()).toEqual({});
      expect(response.body).toEqual({
        active: true,
        sub: MACHINE.id,
        client_id: MACHINE.id,
        exp: claims.exp,
        iat: claims.iat,
        scope: 'reports:read',
        token_type: 'Bearer',
        iss: t.config.tokens.issuer,
        aud: t.config.tokens.audience,
        jti: claims.jti,
      });
    });

    it('describes an expired one as {active: false} and nothing more', async () => {
      const claims = decodeJwt(await machineToken());
      const key = t.app.get(SigningKeysService).current();
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ ...claims, iat: now - 600, exp: now - 300 })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
        .sign(key.privateKey);
      expect((await introspect(expired)).body).toEqual({ active: false });
    });
  });

  describe('revocation (RFC 7009)', () => {
    it('answers 200 and revokes nothing: the token has no session; it lives until it expires', async () => {
      const accessToken = await machineToken();
      counter().reset();
      const response = await request(t.server)
        .post('/oauth/revoke')
        .auth(MACHINE.id, MACHINE.secret)
        .type('form')
        .send({ token: accessToken, token_type_hint: 'access_token' })
        .expect(200);
      expect(response.body).toEqual({});
      expect(counter().snapshot()).toEqual({});
      expect((await introspect(accessToken)).body.active).toBe(true);
    });
  });

  describe('metadata (RFC 8414)', () => {
    it.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
      '%s lists the grant',
      async (path) => {
        const response = await request(t.server).get(path).expect(200);
        expect(response.body.grant_types_supported).toEqual([
          'password',
          'refresh_token',
          'client_credentials',
        ]);
      },
    );

    it('the OpenAPI document offers it on the token endpoint', async () => {
      const response = await request(t.server).get('/docs-json').expect(200);
      const body = response.body.paths['/oauth/token'].post.requestBody.content[
        'application/x-www-form-urlencoded'
      ].schema as { properties: { grant_type: { enum: string[] } } };
      expect(body.properties.grant_type.enum).toContain('client_credentials');
    });
  });
});
