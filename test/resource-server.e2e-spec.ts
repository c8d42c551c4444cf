import type { IncomingMessage } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import type { AccessTokenAlg } from '../src/config/signing-keys.config.js';
import { passwordGrant, registerUser } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';
import { freePort } from './setup/free-port.js';

/** Flips one bit in the middle of the signature: a token whose signature was tampered with. */
function tamperedSignature(token: string): string {
  const [head, body, signature] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length >> 1] ^= 0x01;
  return `${head}.${body}.${bytes.toString('base64url')}`;
}

/**
 * What a team downstream of this service does: an Express API protected by Auth0's
 * express-oauth2-jwt-bearer, configured with nothing but our issuer URL and the audience. It finds
 * the keys through discovery over real HTTP, and must accept our tokens in both algorithms.
 */
describe.each<AccessTokenAlg>(['ES256', 'RS256'])(
  'an independent resource server (express-oauth2-jwt-bearer), ACCESS_TOKEN_ALG=%s',
  (alg) => {
    let t: TestApp;
    let issuer: string;
    let api: express.Express;
    let accessToken: string;
    const discoveryRequests: string[] = [];

    beforeAll(async () => {
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      t = await createTestApp({ ISSUER: issuer, ACCESS_TOKEN_ALG: alg });
      await t.app.listen(port, '127.0.0.1');
      t.server.on('request', (incoming: IncomingMessage) => {
        if (incoming.url?.startsWith('/.well-known/')) discoveryRequests.push(incoming.url);
      });
      const email = await registerUser(t);
      accessToken = (await passwordGrant(t, email, { scope: 'profile' })).access_token;

      const audience = t.config.tokens.audience;
      api = express();
      // The library's defaults: checks alg (asymmetric), iss, aud, exp, the signature.
      api.get('/orders', auth({ issuerBaseURL: issuer, audience }), (req, res) => {
        res.json({ sub: req.auth?.payload.sub, scope: req.auth?.payload.scope });
      });
      // Its RFC 9068 profile: also typ at+jwt, and iat, sub, client_id, jti present.
      api.get(
        '/strict',
        auth({ issuerBaseURL: issuer, audience, strict: true }),
        requiredScopes('profile'),
        (req, res) => {
          res.json({ sub: req.auth?.payload.sub });
        },
      );
      const unauthorized: ErrorRequestHandler = (
        error: Error & { status?: number },
        _req,
        res,
        _next,
      ) => {
        res.status(error.status ?? 500).json({ error: error.message });
      };
      api.use(unauthorized);
    });
    afterAll(() => t.close());

    it('accepts our access token, with the keys it found through discovery', async () => {
      expect(decodeProtectedHeader(accessToken).alg).toBe(alg);
      const response = await request(api)
        .get('/orders')
        .set('Authorization', `Bearer ${accessToken}`)
        .expect(200);
      expect(response.body).toEqual({ sub: expect.any(String), scope: 'profile' });
      // OpenID discovery's path is where it looked first, and it needed no other.
      expect(discoveryRequests).toEqual([
        '/.well-known/openid-configuration',
        '/.well-known/jwks.json',
      ]);
    });

    it('accepts it under its strict RFC 9068 profile (typ at+jwt) with a required scope', async () => {
      await request(api).get('/strict').set('Authorization', `Bearer ${accessToken}`).expect(200);
    });

    it.each([
      ['a token with a tampered signature', () => tamperedSignature(accessToken)],
      [
        'a token with a tampered payload',
        () => {
          const [head, body, signature] = accessToken.split('.');
          const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as object;
          const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' }));
          return `${head}.${forged.toString('base64url')}.${signature}`;
        },
      ],
      ['no token', () => undefined],
    ])('refuses %s: 401', async (_case, make) => {
      const token = make();
      const call = request(api).get('/orders');
      await (token ? call.set('Authorization', `Bearer ${token}`) : call).expect(401);
    });

    it('verifies with a generic JOSE library against the JWKS, the algorithm pinned', async () => {
      const metadata = await request(t.server).get('/.well-known/openid-configuration').expect(200);
      const jwks = createRemoteJWKSet(new URL(metadata.body.jwks_uri as string));
      const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, {
        algorithms: [alg],
        issuer: metadata.body.issuer as string,
        audience: t.config.tokens.audience,
        typ: 'at+jwt',
      });
      expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid: expect.any(String) });
      expect(payload).toMatchObject({ client_id: 'demo-app', scope: 'profile' });
      await expect(
        jwtVerify(tamperedSignature(accessToken), jwks, { algorithms: [alg] }),
      ).rejects.toThrow(/signature verification failed/);
    });

    it('serves the RFC 8414 document at the OpenID discovery path, with no ID-token fields', async () => {
      const oauth = await request(t.server)
        .get('/.well-known/oauth-authorization-server')
        .expect(200);
      const openid = await request(t.server).get('/.well-known/openid-configuration').expect(200);
      expect(openid.body).toEqual(oauth.body);
      expect(openid.body).toMatchObject({
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        access_token_signing_alg_values_supported: [alg],
      });
      expect(openid.headers['cache-control']).toBe(oauth.headers['cache-control']);
      expect(openid.headers['cache-control']).toMatch(/max-age=\d+/);
      // express-oauth2-jwt-bearer would take this list as the algorithms it accepts.
      expect(Object.keys(openid.body).filter((name) => name.startsWith('id_token'))).toEqual([]);
    });
  },
);
