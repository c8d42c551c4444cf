import { clientSecretMatches, generateClientSecret, hashClientSecret } from './client-secret.js';

describe('client secrets', () => {
  describe('generateClientSecret', () => {
    it('makes 32 random bytes as base64url', () => {
      const secret = generateClientSecret();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    });

    it('never repeats', () => {
      const secrets = new Set(Array.from({ length: 100 }, generateClientSecret));
      expect(secrets.size).toBe(100);
    });
  });

  describe('hashClientSecret', () => {
    it('stores a prefixed SHA-256 digest, not the secret', () => {
      const secret = generateClientSecret();
      const hash = hashClientSecret(secret);
      expect(hash).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
      expect(hash).not.toContain(secret);
    });

    it('is deterministic, so an unchanged secret can be recognised', () => {
      expect(hashClientSecret('a'.repeat(40))).toBe(hashClientSecret('a'.repeat(40)));
    });

    it('matches a known SHA-256 test vector', () => {
      // SHA-256("abc"), FIPS 180-2 appendix B.1.
      const hex = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
      expect(hashClientSecret('abc')).toBe(
        `sha256:${Buffer.from(hex, 'hex').toString('base64url')}`,
      );
    });
  });

  describe('clientSecretMatches', () => {
    const secret = generateClientSecret();
    const hash = hashClientSecret(secret);

    it.each([
      ['the right secret', hash, secret, true],
      ['a wrong secret', hash, generateClientSecret(), false],
      ['the secret with one character changed', hash, `${secret.slice(0, -1)}!`, false],
      ['an empty secret', hash, '', false],
      ['a much longer secret', hash, secret.repeat(10), false],
      ['no stored hash (unknown client)', undefined, secret, false],
      ['a stored hash without the prefix', hash.slice('sha256:'.length), secret, false],
      ['a truncated stored hash', hash.slice(0, -4), secret, false],
      ['an unknown scheme', `md5:${hash.slice(7)}`, secret, false],
    ])('%s → %s', (_case, stored, presented, expected) => {
      expect(clientSecretMatches(stored, presented)).toBe(expected);
    });
  });
});
