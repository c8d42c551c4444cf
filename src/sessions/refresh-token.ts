import { createHash, randomBytes } from 'node:crypto';

/**
 * Refresh tokens are opaque to clients: `<session id>.<generation>.<secret>`, where the secret is
 * 256 random bits. Carrying the session id lets a refresh address its session directly (one
 * conditional write); the generation says which ring slot holds the token once rotated away.
 * Only the SHA-256 of the whole token is stored: it is high-entropy, so a slow hash buys nothing.
 */
export interface ParsedRefreshToken {
  readonly sessionId: string;
  readonly generation: number;
  readonly hash: string;
}

const FORMAT = /^([0-9a-f-]{36})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function newRefreshToken(
  sessionId: string,
  generation: number,
): {
  token: string;
  hash: string;
} {
  const token = `${sessionId}.${generation}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

/** Undefined for anything that is not shaped like one of our refresh tokens. */
export function parseRefreshToken(token: string): ParsedRefreshToken | undefined {
  const match = FORMAT.exec(token);
  if (!match) return undefined;
  return { sessionId: match[1], generation: Number(match[2]), hash: hashToken(token) };
}
