/** A session: one refresh-token family, from a password grant until revocation, expiry or reuse. */
export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly clientId: string;
  /** Space-delimited scope granted at sign-in; refreshes never widen it. */
  readonly scope: string;
  /** SHA-256 of the refresh token that is current now. */
  readonly tokenHash: string;
  /** How many times the refresh token has rotated; part of the token itself. */
  readonly generation: number;
  /** Hashes of earlier refresh tokens, in a ring of slots (rotation.ts, `ringSlot`). */
  readonly previousHashes: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly lastUsedAt: string;
  /** When the refresh token last rotated (ISO time). */
  readonly rotatedAt?: string;
  /** Absolute end of the session, epoch seconds. */
  readonly expiresAt: number;
  readonly revokedAt?: string;
  readonly revokeReason?: RevokeReason;
  /**
   * Times the token rotated away by the last rotation came back within the client's grace period
   * (rotation.ts); a rotation sets it back to none.
   */
  readonly graceReuses?: number;
  /** The user's profile fields GET /user returns, written at sign-in (see SessionProfile). */
  readonly profile?: SessionProfile;
}

/**
 * A snapshot of the profile fields GET /user returns, kept on the session so that the bearer
 * check's one read of the session answers GET /user. Whoever changes these fields updates the
 * user's live sessions too (SessionsService.refreshProfile).
 */
export interface SessionProfile {
  readonly email: string;
  readonly emailVerified: boolean;
}

/**
 * Why a session ended: the user signed out (signed_out), a client revoked a token (revoked), a
 * rotated-away refresh token came back (refresh_token_reuse), a sign-in beyond
 * MAX_SESSIONS_PER_USER ended the least recently used (session_limit), or the user changed
 * (password_changed: every other session) or reset (password_reset: every one) the password.
 */
export type RevokeReason =
  | 'signed_out'
  | 'revoked'
  | 'refresh_token_reuse'
  | 'session_limit'
  | 'password_changed'
  | 'password_reset';

export function isLive(session: Session, nowSeconds: number): boolean {
  return session.revokedAt === undefined && session.expiresAt > nowSeconds;
}

/** When the session last issued tokens: its last rotation, or its start. */
export function lastIssuedAt(session: Session): string {
  return session.rotatedAt ?? session.createdAt;
}
