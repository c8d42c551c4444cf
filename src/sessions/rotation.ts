import { epochSeconds } from '../common/clock.js';
import type { ParsedRefreshToken } from './refresh-token.js';
import { isLive, type Session } from './session.js';

/**
 * Earlier refresh tokens remembered per session, for reuse detection: a ring of slots, the token
 * of generation g kept in slot g % REUSE_RING_SIZE until generation g + REUSE_RING_SIZE is
 * rotated away over it. So a token up to 32 generations old is recognised as reuse; an older one
 * is forgotten and counts as never issued.
 */
export const REUSE_RING_SIZE = 32;

/** The ring slot a token of this generation moves to once rotated away. */
export function ringSlot(generation: number): string {
  return String(generation % REUSE_RING_SIZE);
}

/** Whether the presented token was issued in this session: current, or rotated away into the ring. */
export function wasIssuedIn(session: Session, presented: ParsedRefreshToken): boolean {
  return (
    session.tokenHash === presented.hash ||
    session.previousHashes[ringSlot(presented.generation)] === presented.hash
  );
}

/** Who presents which refresh token, when, and the grace the client is allowed. */
export interface RotationAttempt {
  readonly presented: ParsedRefreshToken;
  readonly clientId: string;
  readonly now: Date;
  /** Seconds after a rotation during which the token just rotated away is refused alone. */
  readonly reuseGraceSeconds: number;
}

/**
 * What presenting a refresh token means for a session, as it stands:
 * - `current`: it is the session's current token, the session is live and the client's: rotate.
 * - `unknown`: no such session, or a token never issued in it (forged, or forgotten by the ring);
 *   revokes nothing (RFC 9700 §4.14.2 is about tokens that were issued).
 * - `other_client`: issued to another client (RFC 6749 §6); the session is left alone.
 * - `revoked`, `expired`: the session has ended.
 * - `within_grace`: the token rotated away by the session's last rotation, within the client's
 *   grace period (a lost response retried, or a client racing itself), for the first time since
 *   that rotation: refused alone, and recorded on the session (`graceReuses`).
 * - `reused`: any other token rotated away, or that one coming back a second time within the
 *   grace: reuse, which ends the whole session (RFC 9700 §4.14.2).
 */
export type RotationVerdict =
  'current' | 'unknown' | 'other_client' | 'revoked' | 'expired' | 'within_grace' | 'reused';

/**
 * The rotation rule, whole, as one pure function. The repository's conditional write enforces
 * `current` atomically (same token hash, generation, client, not revoked, not expired); when that
 * write is refused, this tells why from the item DynamoDB hands back.
 */
export function classifyRotation(
  session: Session | undefined,
  attempt: RotationAttempt,
): RotationVerdict {
  const { presented, now } = attempt;
  if (!session || !wasIssuedIn(session, presented)) return 'unknown';
  if (session.clientId !== attempt.clientId) return 'other_client';
  if (session.revokedAt !== undefined) return 'revoked';
  if (!isLive(session, epochSeconds(now))) return 'expired';
  if (session.tokenHash === presented.hash) {
    // The hash covers the generation written in the token, so a mismatch means a stored item
    // out of step with its token: nothing a client can be allowed to rotate.
    return presented.generation === session.generation ? 'current' : 'unknown';
  }
  const justRotatedAway =
    attempt.reuseGraceSeconds > 0 &&
    presented.generation === session.generation - 1 &&
    session.rotatedAt !== undefined &&
    now.getTime() - Date.parse(session.rotatedAt) <= attempt.reuseGraceSeconds * 1000;
  // The grace covers one retry: a second one is no lost response, but two holders of the token.
  const firstReuse = (session.graceReuses ?? 0) === 0;
  return justRotatedAway && firstReuse ? 'within_grace' : 'reused';
}
