import type { RevokeReason, Session } from './session.js';

export interface RotateRequest {
  readonly sessionId: string;
  readonly clientId: string;
  readonly presentedHash: string;
  /** Generation of the presented token; its hash moves to the ring slot of this generation. */
  readonly presentedGeneration: number;
  readonly newHash: string;
  readonly now: Date;
}

export type RotateResult =
  | { readonly rotated: true; readonly session: Session }
  /** The conditions failed: the session as it was (to tell reuse from junk), if it exists. */
  | { readonly rotated: false; readonly session?: Session };

/** Storage of sessions; the abstract class is the injection token. */
export abstract class SessionsRepository {
  /** A new session (password grant). */
  abstract create(session: Session): Promise<void>;
  /** Session by id (bearer checks, revocation, introspection). */
  abstract findById(sessionId: string): Promise<Session | undefined>;
  /**
   * Refresh: one conditional write that moves to the new token only if the presented one is
   * current, belongs to the client, and the session is live; so a token rotates at most once.
   */
  abstract rotateIfCurrent(request: RotateRequest): Promise<RotateResult>;
  /** Ends a session; false when it was already ended or does not exist. */
  abstract revoke(sessionId: string, reason: RevokeReason, now: Date): Promise<boolean>;
  /** Sessions of a user (GSI), newest first, including ended ones still stored. */
  abstract listByUser(userId: string): Promise<Session[]>;
}
