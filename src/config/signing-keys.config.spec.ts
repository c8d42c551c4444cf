import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { ConfigError, loadConfig } from './load-config.js';
import { parseSigningKeySet, signingKeysConfig } from './signing-keys.config.js';

const ec = (): JsonWebKey =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
const rsa = (bits = 2048): JsonWebKey =>
  generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'jwk' });
const publicPart = ({ kty, crv, x, y, n, e }: JsonWebKey): JsonWebKey =>
  JSON.parse(JSON.stringify({ kty, crv, x, y, n, e })) as JsonWebKey;
const set = (...keys: object[]): string => JSON.stringify({ keys });

// Made once: RSA key generation takes a while.
const EC_KEY = { ...ec(), kid: 'ec-1' };
const EC_OTHER = { ...ec(), kid: 'ec-2' };
const RSA_KEY = { ...rsa(), kid: 'rsa-1' };
const RSA_OTHER = { ...rsa(), kid: 'rsa-2' };
const RSA_SMALL = { ...rsa(1024), kid: 'rsa-small' };

describe('signingKeysConfig (ACCESS_TOKEN_ALG, JWT_SIGNING_KEYS)', () => {
  it('defaults to ES256 and to local keys', () => {
    expect(signingKeysConfig({})).toEqual({ accessTokenAlg: 'ES256', signingKeys: undefined });
  });

  it.each([
    ['ES256', [EC_KEY, { ...publicPart(EC_OTHER), kid: 'ec-2' }]],
    ['RS256', [RSA_KEY, { ...publicPart(RSA_OTHER), kid: 'rsa-2' }]],
  ] as const)('reads a %s set whose first key signs and whose others only verify', (alg, keys) => {
    const parsed = signingKeysConfig({ alg, keys: set(...keys) });
    expect(parsed.accessTokenAlg).toBe(alg);
    expect(parsed.signingKeys?.map((key) => key.kid)).toEqual(keys.map((key) => key.kid));
    expect(parsed.signingKeys?.[0].d).toBe(keys[0].d);
  });

  it('is what loadConfig puts in config.tokens', () => {
    const config = loadConfig({ ACCESS_TOKEN_ALG: 'RS256', JWT_SIGNING_KEYS: set(RSA_KEY) });
    expect(config.tokens.accessTokenAlg).toBe('RS256');
    expect(config.tokens.signingKeys?.map((key) => key.kid)).toEqual(['rsa-1']);
  });

  it.each<[string, { alg?: string; keys?: string }, RegExp]>([
    ['an unknown algorithm', { alg: 'HS256' }, /^ACCESS_TOKEN_ALG must be one of ES256, RS256/],
    ['not JSON', { keys: '{' }, /^JWT_SIGNING_KEYS must be a JSON JWK set/],
    ['no keys', { keys: '{"keys":[]}' }, /^JWT_SIGNING_KEYS must be a JWK set .* at least one/],
    ['a bare array', { keys: JSON.stringify([EC_KEY]) }, /^JWT_SIGNING_KEYS must be a JWK set/],
    ['a key that is not an object', { keys: '{"keys":["x"]}' }, /keys\[0\] must be a JWK object/],
    ['a key without kid', { keys: set({ ...EC_KEY, kid: undefined }) }, /keys\[0\] needs a kid/],
    [
      'an RSA key for ES256',
      { keys: set(RSA_KEY) },
      /^JWT_SIGNING_KEYS: keys\[0\] is not an EC P-256 key, which ACCESS_TOKEN_ALG=ES256 needs/,
    ],
    [
      'an EC key for RS256',
      { alg: 'RS256', keys: set(RSA_KEY, EC_OTHER) },
      /^JWT_SIGNING_KEYS: keys\[1\] is not an RSA key of at least 2048 bits/,
    ],
    [
      'an RSA key under 2048 bits',
      { alg: 'RS256', keys: set(RSA_SMALL) },
      /keys\[0\] is not an RSA key of at least 2048 bits/,
    ],
    [
      'a P-384 key for ES256',
      {
        keys: set({
          ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
            format: 'jwk',
          }),
          kid: 'p384',
        }),
      },
      /keys\[0\] is not an EC P-256 key/,
    ],
    [
      'a key marked for another algorithm',
      { keys: set({ ...EC_KEY, alg: 'ES384' }) },
      /keys\[0\] is marked for another algorithm than ACCESS_TOKEN_ALG=ES256/,
    ],
    [
      'a key marked for encryption',
      { keys: set({ ...EC_KEY, use: 'enc' }) },
      /keys\[0\] is marked for a use other than signing/,
    ],
    [
      'a key whose numbers are not a key',
      { keys: set({ ...EC_KEY, x: 'AAAA' }) },
      /keys\[0\] is not a valid public or private JWK/,
    ],
    [
      'a private part of another key',
      { keys: set({ ...EC_KEY, d: EC_OTHER.d }) },
      /keys\[0\]: its private part does not belong to its public part/,
    ],
    [
      'a first key without its private part',
      { keys: set({ ...publicPart(EC_KEY), kid: 'ec-1' }) },
      /^JWT_SIGNING_KEYS: keys\[0\] signs tokens and needs its private part/,
    ],
    [
      'two keys with one kid',
      { keys: set(EC_KEY, { ...EC_OTHER, kid: 'ec-1' }) },
      /^JWT_SIGNING_KEYS: two keys have the same kid/,
    ],
  ])('refuses %s with one line naming the variable', (_case, raw, message) => {
    expect(() => signingKeysConfig(raw)).toThrow(ConfigError);
    expect(() => signingKeysConfig(raw)).toThrow(message);
  });

  it('never quotes key material in its messages', () => {
    const mismatched = { ...EC_KEY, d: EC_OTHER.d };
    const secrets = [EC_KEY.d, EC_OTHER.d, EC_KEY.x, RSA_KEY.d, RSA_KEY.n] as string[];
    for (const keys of [set(mismatched), set(RSA_KEY), set({ ...EC_KEY, x: 'AAAA' })]) {
      let message = '';
      try {
        signingKeysConfig({ keys });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^JWT_SIGNING_KEYS/);
      expect(message).not.toContain('\n');
      for (const secret of secrets) expect(message).not.toContain(secret.slice(0, 12));
    }
  });

  it('names the file it read when the set comes from a file', () => {
    expect(() => parseSigningKeySet(set(RSA_KEY), 'ES256', '/data/signing-keys.json')).toThrow(
      /^\/data\/signing-keys\.json: keys\[0\] is not an EC P-256 key/,
    );
  });
});
