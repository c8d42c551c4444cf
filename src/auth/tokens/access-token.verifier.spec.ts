import { createHmac, generateKeyPairSync } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { loadConfig } from '../../config/load-config.js';
import type { AccessTokenAlg } from '../../config/signing-keys.config.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { generateSigningKeySet } from '../keys/signing-keys.js';
import { AccessTokenService } from './access-token.service.js';
import { AccessTokenVerifier, isClientToken } from './access-token.verifier.js';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);
const OTHER_ALG: Record<AccessTokenAlg, AccessTokenAlg> = { ES256: 'RS256', RS256: 'ES256' };
const newPrivateKey = (alg: AccessTokenAlg) =>
  alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

/**
 * The verifier that introspection, revocation and the legacy API use (the bearer strategy uses
 * its parts: test/bearer-guard.e2e-spec.ts), against tokens forged with an independent library
 * (jose), so only the part under test is wrong.
 */
describe.each<AccessTokenAlg>(['ES256', 'RS256'])('AccessTokenVerifier (%s)', (alg) => {
  const current = JSON.parse(generateSigningKeySet(alg)) as { keys: object[] };
  const previous = JSON.parse(generateSigningKeySet(alg)) as { keys: object[] };
  const config = loadConfig({
    ISSUER: 'https://auth.example.com',
    ACCESS_TOKEN_ALG: alg,
    JWT_SIGNING_KEYS: JSON.stringify({ keys: [...current.keys, ...previous.keys] }),
  });
  const keys = new SigningKeysService(config);
  keys.onModuleInit();
  const jwt = new JwtService();
  const verifier = new AccessTokenVerifier(keys, jwt, config);
  const accessTokens = new AccessTokenService(keys, jwt, verifier, config);
  const [, previousKid] = keys.publicJwks().keys.map((key) => key.kid);
  let token: string;
  let claims: JWTPayload;

  beforeAll(async () => {
    ({ token } = await accessTokens.issue({
      userId: 'user-1',
      clientId: 'app',
      sessionId: 'session-1',
      scope: 'profile',
      ttlSeconds: 900,
      notAfter: now() + 3600,
    }));
    claims = decodeJwt(token);
  });

  /** Signs with a key of the set (the current one unless a kid says otherwise). */
  function signed(overrides: JWTPayload = {}, header: Record<string, string> = {}) {
    const kid = header.kid ?? keys.current().kid;
    const privateKey =
      kid === previousKid ? keys.find(kid)!.privateKey! : keys.current().privateKey;
    return new SignJWT({ ...claims, ...overrides })
      .setProtectedHeader({ alg, kid: keys.current().kid, typ: 'at+jwt', ...header })
      .sign(privateKey);
  }

  it('issues RFC 9068 tokens it accepts: header alg, kid, typ; all claims', () => {
    const [head] = token.split('.');
    expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({
      alg,
      typ: 'at+jwt',
      kid: keys.current().kid,
    });
    expect(verifier.verify(token)).toEqual({
      iss: 'https://auth.example.com',
      sub: 'user-1',
      aud: 'https://auth.example.com',
      client_id: 'app',
      sid: 'session-1',
      scope: 'profile',
      iat: expect.any(Number),
      exp: (claims.iat ?? 0) + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('never lets a token outlive its session', async () => {
    const notAfter = now() + 60;
    const { token: short, expiresIn } = await accessTokens.issue({
      userId: 'user-1',
      clientId: 'app',
      sessionId: 'session-1',
      scope: '',
      jti: 'given-jti',
      ttlSeconds: 900,
      notAfter,
    });
    expect(decodeJwt(short)).toMatchObject({ exp: notAfter, jti: 'given-jti' });
    expect(expiresIn).toBeLessThanOrEqual(60);
  });

  describe('client_credentials tokens (no session)', () => {
    it('issues them with sub = client_id and no sid, and accepts them as client tokens', async () => {
      const { token: clientToken, expiresIn } = await accessTokens.issueForClient({
        clientId: 'reports-job',
        scope: 'reports:read',
        ttlSeconds: 300,
      });
      expect(expiresIn).toBe(300);
      const verified = verifier.verify(clientToken);
      expect(verified).toEqual({
        iss: 'https://auth.example.com',
        sub: 'reports-job',
        aud: 'https://auth.example.com',
        client_id: 'reports-job',
        scope: 'reports:read',
        iat: expect.any(Number),
        exp: expect.any(Number),
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(verified && isClientToken(verified)).toBe(true);
      expect(isClientToken(verifier.verify(token)!)).toBe(false);
    });

    it('are no session token to the legacy refresh, expired or not', async () => {
      const expired = await signed({
        sub: 'app',
        sid: undefined,
        iat: now() - 1000,
        exp: now() - 10,
      });
      expect(await accessTokens.verify(expired, { ignoreExpiration: true })).toMatchObject({
        sub: 'app',
        client_id: 'app',
      });
      expect(await accessTokens.verifyIgnoringExpiry(expired)).toBeUndefined();
      expect(await accessTokens.verify(expired)).toBeUndefined();
    });
  });

  it.each<[string, () => Promise<string> | string]>([
    ['a token signed by the previous key (rotation)', () => signed({}, { kid: previousKid })],
    ['typ application/at+jwt (RFC 9068 §4)', () => signed({}, { typ: 'application/at+jwt' })],
  ])('accepts %s', async (_case, make) => {
    expect(verifier.verify(await make())).toMatchObject({ sub: 'user-1', sid: 'session-1' });
  });

  it('refuses an expired token, unless told to ignore expiry', async () => {
    const expired = await signed({ iat: now() - 1000, exp: now() - 10 });
    expect(verifier.verify(expired)).toBeUndefined();
    expect(await accessTokens.verify(expired)).toBeUndefined();
    expect(await accessTokens.verifyIgnoringExpiry(expired)).toMatchObject({ sub: 'user-1' });
  });

  it.each<[string, () => Promise<string> | string]>([
    ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`],
    [
      'HS256 keyed with the public key',
      () => {
        const head = b64({ alg: 'HS256', typ: 'at+jwt', kid: keys.current().kid });
        const pem = keys.current().publicKey.export({ format: 'pem', type: 'spki' });
        const mac = createHmac('sha256', pem)
          .update(`${head}.${b64(claims)}`)
          .digest('base64url');
        return `${head}.${b64(claims)}.${mac}`;
      },
    ],
    [
      `the other algorithm (${OTHER_ALG[alg]}) under our kid`,
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: OTHER_ALG[alg], kid: keys.current().kid, typ: 'at+jwt' })
          .sign(newPrivateKey(OTHER_ALG[alg])),
    ],
    [
      'a key that is not ours under our kid',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg, kid: keys.current().kid, typ: 'at+jwt' })
          .sign(newPrivateKey(alg)),
    ],
    ['an unknown kid', () => signed({}, { kid: 'not-a-published-key' })],
    [
      'no kid',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg, typ: 'at+jwt' })
          .sign(keys.current().privateKey),
    ],
    ['typ JWT', () => signed({}, { typ: 'JWT' })],
    [
      'no typ',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg, kid: keys.current().kid })
          .sign(keys.current().privateKey),
    ],
    ['a wrong issuer', () => signed({ iss: 'https://evil.example' })],
    ['a wrong audience', () => signed({ aud: 'https://other-api.example' })],
    ['no sid, where sub is not the client (not a client token)', () => signed({ sid: undefined })],
    ['an empty sid', () => signed({ sid: '' })],
    ['a sid that is not a string', () => signed({ sid: 42 })],
    ['no jti', () => signed({ jti: undefined })],
    ['a token not yet valid', () => signed({ nbf: now() + 600 })],
    [
      'a tampered payload',
      () => {
        const [head, , signature] = token.split('.');
        return `${head}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`;
      },
    ],
    ['garbage', () => 'not.a.jwt'],
    ['an empty string', () => ''],
  ])('refuses %s', async (_case, make) => {
    const forged = await make();
    expect(verifier.verify(forged)).toBeUndefined();
    expect(verifier.verify(forged, { ignoreExpiration: true })).toBeUndefined();
  });
});
