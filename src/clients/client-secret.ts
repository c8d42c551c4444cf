import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets are 256 random bits, so a plain SHA-256 is enough to store them: a slow KDF such
 * as argon2 protects guessable human passwords, and nobody brute-forces 2^256. argon2 would also add
 * ~20 ms to every confidential client's token request. The `sha256:` prefix leaves room to change
 * the scheme later without guessing what a stored value is.
 */
const PREFIX = 'sha256:';
const DIGEST_BYTES = 32;

/** A new client secret: 32 random bytes, base64url (43 characters). Shown once, never stored. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** The stored form of a secret. Deterministic (no salt), so a start-up upsert can tell it is unchanged. */
export function hashClientSecret(secret: string): string {
  return PREFIX + digest(secret).toString('base64url');
}

function decode(storedHash: string): Buffer | undefined {
  if (!storedHash.startsWith(PREFIX)) return undefined;
  const bytes = Buffer.from(storedHash.slice(PREFIX.length), 'base64url');
  return bytes.length === DIGEST_BYTES ? bytes : undefined;
}

/** Compares against this when there is no real hash, so that path costs the same time. */
const DUMMY_DIGEST = digest('no such client: a comparison that only spends time');

/**
 * Whether `presented` is the secret behind `storedHash`. Both sides are SHA-256 digests of equal
 * length, compared with timingSafeEqual, so the time taken says nothing about how much matched.
 * A malformed stored hash never matches (and still spends the comparison).
 */
export function clientSecretMatches(storedHash: string | undefined, presented: string): boolean {
  const expected = storedHash === undefined ? undefined : decode(storedHash);
  const equal = timingSafeEqual(expected ?? DUMMY_DIGEST, digest(presented));
  return equal && expected !== undefined;
}
