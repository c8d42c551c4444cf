import { lastIssuedAt, type Session } from '../sessions/session.js';

/**
 * The original API's rule for PUT /session: only the session's latest access token (expired or
 * not) may come with the refresh. The latest one is the one issued when the session last issued
 * tokens (its start, or its last rotation: `lastIssuedAt`), and tokens are signed just after that
 * write, so the latest token's `iat` is at or after it and every older token's before it.
 *
 * Edge: `iat` has whole seconds. A token issued in the same second as the rotation that replaced
 * it, before it, counts as latest too; the rule errs towards never refusing the real latest token.
 * Such a token still refreshes only together with the current refresh token, which the same
 * rotation has just issued, so the one-second window opens nothing to anyone without it.
 */
export function isLatestAccessToken(session: Session, issuedAtSeconds: number): boolean {
  return issuedAtSeconds >= Math.floor(Date.parse(lastIssuedAt(session)) / 1000);
}
