import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { jwkThumbprint, publicJwk } from './jwk.js';

/** RFC 7638 §3.1's example key (RFC 7517 Appendix A.1) and its thumbprint. */
const RFC_7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

describe('jwkThumbprint (RFC 7638)', () => {
  it("gives the RFC's example thumbprint", () => {
    expect(jwkThumbprint(RFC_7638_KEY)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it.each([
    ['EC P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['RSA', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ])('agrees with jose for a new %s key, private or public', async (_kind, generate) => {
    const { privateKey, publicKey } = generate();
    const jwk = privateKey.export({ format: 'jwk' });
    const expected = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }));
    expect(jwkThumbprint(jwk)).toBe(expected);
    expect(jwkThumbprint(publicKey.export({ format: 'jwk' }))).toBe(expected);
  });
});

describe('publicJwk', () => {
  it('keeps only the public members, which still make the same public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'k', use: 'sig' };
    const part = publicJwk(jwk);
    expect(Object.keys(part).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(createPublicKey({ key: part, format: 'jwk' }).equals(publicKey)).toBe(true);
  });

  it('refuses a key type it does not know', () => {
    expect(() => publicJwk({ kty: 'oct', k: 'c2VjcmV0' })).toThrow(/EC and RSA/);
  });
});
