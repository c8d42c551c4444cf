import { createHmac, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import request from 'supertest';
import { SigningKeysService } from '../src/auth/keys/signing-keys.service.js';
import { signIn, type Tokens } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('bearer access tokens (JwtAuthGuard)', () => {
  let t: TestApp;
  let tokens: Tokens;
  let claims: JWTPayload;

  beforeAll(async () => {
    t = await createTestApp();
    ({ tokens } = await signIn(t));
    claims = decodeJwt(tokens.access_token);
  });
  afterAll(() => t.close());

  /** Signs with the service's own current key, so only the part under test is wrong. */
  async function signed(
    overrides: JWTPayload = {},
    header: Record<string, string> = {},
  ): Promise<string> {
    const key = t.app.get(SigningKeysService).current();
    return new SignJWT({ ...claims, ...overrides })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...header })
      .sign(key.privateKey);
  }

  const getUser = (token: string) =>
    request(t.server).get('/user').set('Authorization', `Bearer ${token}`);

  it('accepts the access token it issued', async () => {
    const response = await getUser(tokens.access_token).expect(200);
    expect(response.body).toEqual({ id: claims.sub, email: expect.any(String) });
  });

  it('accepts a token it signs itself with the same claims (the harness is sound)', async () => {
    await getUser(await signed()).expect(200);
  });

  const now = () => Math.floor(Date.now() / 1000);

  it.each<[string, () => Promise<string> | string]>([
    ['no token', () => ''],
    ['an expired token', () => signed({ iat: now() - 1000, exp: now() - 10 })],
    ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...claims })}.`],
    [
      'HS256 signed with the public key as secret',
      () => {
        const key = t.app.get(SigningKeysService).current();
        const head = b64({ alg: 'HS256', typ: 'at+jwt', kid: key.kid });
        const body = b64({ ...claims });
        const mac = createHmac('sha256', key.publicPem)
          .update(`${head}.${body}`)
          .digest('base64url');
        return `${head}.${body}.${mac}`;
      },
    ],
    ['an unknown kid', () => signed({}, { kid: 'not-a-published-key' })],
    [
      'a key that is not ours',
      () =>
        new SignJWT({ ...claims })
          .setProtectedHeader({
            alg: 'ES256',
            kid: t.app.get(SigningKeysService).current().kid,
            typ: 'at+jwt',
          })
          .sign(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
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
});
