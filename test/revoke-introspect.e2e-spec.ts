import request from 'supertest';
import {
  BOOTSTRAP_CLIENTS,
  CONFIDENTIAL,
  passwordGrant,
  refresh,
  registerUser,
  signIn,
} from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

/** A confidential client that authenticates fine but was not given the introspection permission. */
const NOT_INTROSPECTOR = { id: 'plain-backend', secret: 'plain-backend-secret-0123456789abcdefgh' };

describe('revocation (RFC 7009) and introspection (RFC 7662)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      BOOTSTRAP_CLIENTS: JSON.stringify([
        ...(JSON.parse(BOOTSTRAP_CLIENTS) as unknown[]),
        {
          client_id: NOT_INTROSPECTOR.id,
          client_secret: NOT_INTROSPECTOR.secret,
          grant_types: ['password', 'refresh_token'],
        },
      ]),
    });
  });
  afterAll(() => t.close());

  const revoke = (token: string, clientId = 'demo-app', extra: Record<string, string> = {}) =>
    request(t.server)
      .post('/oauth/revoke')
      .type('form')
      .send({ token, client_id: clientId, ...extra });
  const introspect = (token: string, as: { id: string; secret: string } = CONFIDENTIAL) =>
    request(t.server).post('/oauth/introspect').auth(as.id, as.secret).type('form').send({ token });
  const getUser = (token: string) => request(t.server).get('/user').auth(token, { type: 'bearer' });

  describe('POST /oauth/revoke', () => {
    it('revoking the refresh token ends the session: both tokens refused', async () => {
      const { tokens } = await signIn(t);
      const response = await revoke(tokens.refresh_token, 'demo-app', {
        token_type_hint: 'refresh_token',
      }).expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect((await refresh(t, tokens.refresh_token).expect(400)).body.error).toBe('invalid_grant');
      await getUser(tokens.access_token).expect(401);
    });

    it('revoking the access token ends its session, refresh token included', async () => {
      const { tokens } = await signIn(t);
      await revoke(tokens.access_token, 'demo-app', { token_type_hint: 'access_token' }).expect(
        200,
      );
      await getUser(tokens.access_token).expect(401);
      await refresh(t, tokens.refresh_token).expect(400);
    });

    it('answers 200 for unknown and malformed tokens', async () => {
      await revoke('no-such-token').expect(200);
      await revoke(`00000000-0000-4000-8000-000000000000.0.${'x'.repeat(43)}`).expect(200);
    });

    it("answers 200 but revokes nothing for another client's token", async () => {
      const { tokens } = await signIn(t);
      await revoke(tokens.refresh_token, CONFIDENTIAL.id, {
        client_secret: CONFIDENTIAL.secret,
      }).expect(200);
      await getUser(tokens.access_token).expect(200);
      await refresh(t, tokens.refresh_token).expect(200);
    });

    it('requires client authentication', async () => {
      const response = await request(t.server)
        .post('/oauth/revoke')
        .type('form')
        .send({ token: 'x' })
        .expect(401);
      expect(response.body.error).toBe('invalid_client');
    });

    it('requires the token parameter', async () => {
      const response = await request(t.server)
        .post('/oauth/revoke')
        .type('form')
        .send({ client_id: 'demo-app' })
        .expect(400);
      expect(response.body.error).toBe('invalid_request');
    });
  });

  describe('POST /oauth/introspect', () => {
    it('describes a live access token', async () => {
      const { tokens } = await signIn(t);
      const response = await introspect(tokens.access_token).expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        active: true,
        sub: expect.any(String),
        client_id: 'demo-app',
        exp: expect.any(Number),
        iat: expect.any(Number),
        scope: '',
        sid: tokens.refresh_token.split('.')[0],
        // RFC 7662 §2.2: the RFC 6749 §5.1 type, as the token response said it.
        token_type: 'Bearer',
        iss: t.config.tokens.issuer,
        aud: t.config.tokens.audience,
        jti: expect.any(String),
      });
    });

    it('describes its own current refresh token, with no token_type, and not a rotated-away one', async () => {
      const tokens = await passwordGrant(t, await registerUser(t), {
        client_id: CONFIDENTIAL.id,
        client_secret: CONFIDENTIAL.secret,
      });
      const live = await introspect(tokens.refresh_token).expect(200);
      expect(live.body).toEqual({
        active: true,
        sub: expect.any(String),
        client_id: CONFIDENTIAL.id,
        exp: expect.any(Number),
        iat: expect.any(Number),
        scope: '',
        sid: tokens.refresh_token.split('.')[0],
      });
      await request(t.server)
        .post('/oauth/token')
        .auth(CONFIDENTIAL.id, CONFIDENTIAL.secret)
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
        .expect(200);
      expect((await introspect(tokens.refresh_token).expect(200)).body).toEqual({ active: false });
    });

    it("says inactive for another client's refresh token, which stays usable", async () => {
      const { tokens } = await signIn(t);
      expect((await introspect(tokens.refresh_token).expect(200)).body).toEqual({ active: false });
      await refresh(t, tokens.refresh_token).expect(200);
    });

    it('refuses a confidential client without the permission: 403 unauthorized_client', async () => {
      const { tokens } = await signIn(t);
      const response = await introspect(tokens.access_token, NOT_INTROSPECTOR).expect(403);
      expect(response.body).toEqual({
        error: 'unauthorized_client',
        error_description:
          'this client is not allowed to introspect tokens: it needs "introspection": true',
      });
      expect(JSON.stringify(response.body)).not.toContain(tokens.access_token.split('.')[1]);
    });

    it('says inactive for a token of an ended session, and for junk', async () => {
      const { tokens } = await signIn(t);
      await revoke(tokens.refresh_token).expect(200);
      expect((await introspect(tokens.access_token).expect(200)).body).toEqual({ active: false });
      expect((await introspect('junk').expect(200)).body).toEqual({ active: false });
    });

    it('refuses public clients with 401 invalid_client', async () => {
      const response = await request(t.server)
        .post('/oauth/introspect')
        .type('form')
        .send({ token: 'x', client_id: 'demo-app' })
        .expect(401);
      expect(response.body.error).toBe('invalid_client');
    });

    it('refuses a wrong secret with 401 invalid_client, naming Basic', async () => {
      const response = await introspect('x', { id: CONFIDENTIAL.id, secret: 'wrong' }).expect(401);
      expect(response.body.error).toBe('invalid_client');
      expect(response.headers['www-authenticate']).toMatch(/^Basic /);
    });
  });
});
