import { createHash, randomBytes } from 'node:crypto';

/**
 * The single-use tokens the account mails carry (email verification, password reset):
 * `<user id>.<secret>`, where the secret is 256 random bits (base64url). The user id says which
 * account the token is for, so redeeming it reads that account directly; only the SHA-256 of the
 * secret is stored, on the account's credential (a high-entropy secret needs no slow hash), and
 * the stored hash is compared by DynamoDB's condition on the write that redeems it.
 */
export interface AccountToken {
  /** What goes into the mail. */
  readonly token: string;
  /** What is stored. */
  readonly hash: string;
}

export interface ParsedAccountToken {
  readonly userId: string;
  readonly hash: string;
}

const FORMAT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** The longest token this service issues (a UUID, a dot, 43 base64url characters). */
export const ACCOUNT_TOKEN_LENGTH = 36 + 1 + 43;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/**
 * A fresh secret and its hash, before the account is known (a password reset only learns the user
 * id from its write): `tokenFor` puts the user id in front once it is.
 */
export function newSecret(): { readonly secret: string; readonly hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

export function tokenFor(userId: string, secret: string): string {
  return `${userId}.${secret}`;
}

export function newAccountToken(userId: string): AccountToken {
  const { secret, hash } = newSecret();
  return { token: tokenFor(userId, secret), hash };
}

/** Undefined for anything not shaped like one of our account tokens. */
export function parseAccountToken(token: string): ParsedAccountToken | undefined {
  const match = FORMAT.exec(token);
  if (!match) return undefined;
  return { userId: match[1], hash: hashSecret(match[2]) };
}
