import { createHmac, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import request from 'supertest';
import { SigningKeysService } from '../src/auth/keys/signing-keys.service.js';
import type { AccessTokenAlg } from '../src/config/signing-keys.config.js';
import { signIn, type Tokens } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const OTHER_ALG: Record<AccessTokenAlg, AccessTokenAlg> = { ES256: 'RS256', RS256: 'ES256' };
const newPrivateKey = (alg: AccessTokenAlg) =>
  alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

describe.each<AccessTokenAlg>(['ES256', 'RS256'])(
  'bearer access tokens (JwtAuthGuard, passport-jwt), ACCESS_TOKEN_ALG=%s',
  (alg) => {
    let t: TestApp;
    let tokens: Tokens;
    let claims: JWTPayload;
    const key = () => t.app.get(SigningKeysService).current();

    beforeAll(async () => {
      // Keys generated locally under a fresh DATA_DIR, as on a first `npm start`.
      t = await createTestApp({ ACCESS_TOKEN_ALG: alg });
      ({ tokens } = await signIn(t));
      claims = decodeJwt(tokens.access_token);
    });
    afterAll(() => t.close());

    /** Signs with the service's own current key, so only the part under test is wrong. */
    async function signed(
      overrides: JWTPayload = {},
      header: Record<string, string> = {},
    ): Promise<string> {
      return new SignJWT({ ...claims, ...overrides })
        .setProtectedHeader({ alg, kid: key().kid, typ: 'at+jwt', ...header })
        .sign(key().privateKey);
    }

    const getUser = (token: string) =>
      request(t.server).get('/user').set('Authorization', `Bearer ${token}`);

    it(`accepts the ${alg} access token it issued`, async () => {
      expect(
        JSON.parse(Buffer.from(tokens.access_token.split('.')[0], 'base64url').toString()),
      ).toEqual({ alg, typ: 'at+jwt', kid: key().kid });
      const response = await getUser(tokens.access_token).expect(200);
      expect(response.body).toEqual({
        id: claims.sub,
        email: expect.any(String),
        email_verified: false,
      });
    });

    it('accepts a token it signs itself with the same claims (the harness is sound)', async () => {
      await getUser(await signed()).expect(200);
    });

    it('accepts the scheme in any case and typ application/at+jwt (RFC 6750 §2.1, RFC 9068 §4)', async () => {
      await request(t.server)
        .get('/user')
        .set('Authorization', `bearer ${tokens.access_token}`)
        .expect(200);
      await getUser(await signed({}, { typ: 'application/at+jwt' })).expect(200);
    });

    const now = () => Math.floor(Date.now() / 1000);

    it.each<[string, () => Promise<string> | string]>([
      ['no token', () => ''],
      ['an expired token', () => signed({ iat: now() - 1000, exp: now() - 10 })],
      ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...claims })}.`],
      [
        'HS256 signed with the public key as secret',
        () => {
          const head = b64({ alg: 'HS256', typ: 'at+jwt', kid: key().kid });
          const body = b64({ ...claims });
          const pem = key().publicKey.export({ format: 'pem', type: 'spki' });
          const mac = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url');
          return `${head}.${body}.${mac}`;
        },
      ],
      [
        `the other algorithm (${OTHER_ALG[alg]}) under our kid`,
        () =>
          new SignJWT({ ...claims })
            .setProtectedHeader({ alg: OTHER_ALG[alg], kid: key().kid, typ: 'at+jwt' })
            .sign(newPrivateKey(OTHER_ALG[alg])),
      ],
      ['an unknown kid', () => signed({}, { kid: 'not-a-published-key' })],
      [
        'a key that is not ours',
        () =>
          new SignJWT({ ...claims })
            .setProtectedHeader({ alg, kid: key().kid, typ: 'at+jwt' })
            .sign(newPrivateKey(alg)),
      ],
      [
        'a tampered payload',
        () => {
          const [head, , signature] = tokens.access_token.split('.');
          return `${head}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`;
        },
      ],
      ['a wrong issuer', () => signed({ iss: 'https://evil.example' })],
      ['a wrong audience', () => signed({ aud: 'https://other-api.example' })],
      ['a wrong typ (plain JWT)', () => signed({}, { typ: 'JWT' })],
      ['an ID-token-like typ', () => signed({}, { typ: 'id+jwt' })],
      ['a token without sid', () => signed({ sid: undefined })],
      ['a sid of another session', () => signed({ sid: '00000000-0000-4000-8000-000000000000' })],
      ['garbage', () => 'not.a.jwt'],
    ])('refuses %s with 401 invalid_token', async (_case, make) => {
      const token = await make();
      const response = await (token ? getUser(token) : request(t.server).get('/user')).expect(401);
      expect(response.body).toEqual({
        error: 'invalid_token',
        error_description: expect.any(String),
      });
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it.each([
      ['another scheme', (token: string) => `Basic ${token}`],
      ['the token twice', (token: string) => `Bearer ${token} ${token}`],
      ['a token in quotes', (token: string) => `Bearer "${token}"`],
    ])('refuses an Authorization header with %s (one extraction rule)', async (_case, header) => {
      await request(t.server)
        .get('/user')
        .set('Authorization', header(tokens.access_token))
        .expect(401);
    });

    it('refuses a token of an ended session at once', async () => {
      const other = await signIn(t);
      await getUser(other.tokens.access_token).expect(200);
      await request(t.server)
        .delete('/user/sessions')
        .set('Authorization', `Bearer ${other.tokens.access_token}`)
        .expect(204);
      const response = await getUser(other.tokens.access_token).expect(401);
      expect(response.body.error_description).toMatch(/session/);
    });
  },
);
