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
}

export type RevokeReason = 'signed_out' | 'revoked' | 'refresh_token_reuse';

export function isLive(session: Session, nowSeconds: number): boolean {
  return session.revokedAt === undefined && session.expiresAt > nowSeconds;
}

/** When the session last issued tokens: its last rotation, or its start. */
export function lastIssuedAt(session: Session): string {
  return session.rotatedAt ?? session.createdAt;
}
