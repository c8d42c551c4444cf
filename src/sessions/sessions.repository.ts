import type { UnitOfWork } from '../database/unit-of-work.js';
import type { RevokeReason, Session, SessionProfile } from './session.js';

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

/** One page of a user's sessions (GET /user/sessions). */
export interface SessionPage {
  readonly sessions: readonly Session[];
  /** Where the next page starts (opaque, session-cursor.ts); absent on the last page. */
  readonly next?: string;
}

/** Storage of sessions; the abstract class is the injection token. */
export abstract class SessionsRepository {
  /** A new session on its own (one conditional write). */
  abstract create(session: Session): Promise<void>;
  /** A new session as part of a sign-in's unit of work (it exists once the work commits). */
  abstract addCreate(work: UnitOfWork, session: Session): void;
  /** Session by id (bearer checks, revocation, introspection). */
  abstract findById(sessionId: string): Promise<Session | undefined>;
  /**
   * Refresh: one conditional write that moves to the new token only if the presented one is
   * current, belongs to the client, and the session is live; so a token rotates at most once.
   */
  abstract rotateIfCurrent(request: RotateRequest): Promise<RotateResult>;
  /**
   * Counts a return of the token rotated away at `generation` within the grace, if the session is
   * still live and has not rotated since: the session after the count, or undefined.
   */
  abstract recordGraceReuse(
    sessionId: string,
    generation: number,
    now: Date,
  ): Promise<Session | undefined>;
  /** Ends a session: the session as ended, or undefined when it was already ended or is unknown. */
  abstract revoke(sessionId: string, reason: RevokeReason, now: Date): Promise<Session | undefined>;
  /**
   * Every session of a user still in the index (GSI; ended ones leave it, expired ones stay until
   * their TTL), newest first, one Query page (of `pageSize`, default 25) at a time: the session
   * limit and "sign out everywhere".
   */
  abstract listByUser(userId: string, pageSize?: number): AsyncIterable<readonly Session[]>;
  /**
   * A page of a user's unexpired sessions in the index, newest first, from the start or from
   * `cursor` (checked by the caller with decodeSessionCursor).
   */
  abstract pageByUser(
    userId: string,
    limit: number,
    now: Date,
    cursor?: string,
  ): Promise<SessionPage>;
  /** Rewrites the profile snapshot of a live session; false when it has ended or is unknown. */
  abstract updateProfile(sessionId: string, profile: SessionProfile): Promise<boolean>;
  /** Adds the deletion of a session to a unit of work (account deletion). */
  abstract addDelete(work: UnitOfWork, sessionId: string): void;
  /** Deletes a session on its own (one DeleteItem); nothing happens if it is gone already. */
  abstract delete(sessionId: string): Promise<void>;
}
