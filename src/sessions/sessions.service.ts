import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLog } from '../common/audit-log.js';
import { Clock, epochSeconds } from '../common/clock.js';
import type { UnitOfWork } from '../database/unit-of-work.js';
import { newRefreshToken, parseRefreshToken } from './refresh-token.js';
import { classifyRotation, wasIssuedIn, type RotationVerdict } from './rotation.js';
import { isLive, type RevokeReason, type Session, type SessionProfile } from './session.js';
import { SessionNotFoundError } from './sessions.errors.js';
import { SessionsRepository, type SessionPage } from './sessions.repository.js';

/** Sessions ended together, at most (each is one conditional write). */
const BATCH = 25;

export interface StartSession {
  readonly userId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly ttlSeconds: number;
  /** The profile fields GET /user returns, from the sign-in's credential read. */
  readonly profile?: SessionProfile;
}

export interface RotateSession {
  readonly refreshToken: string;
  readonly clientId: string;
  /** Seconds during which the just-rotated token is refused without ending the session. */
  readonly reuseGraceSeconds: number;
}

export interface IssuedSession {
  readonly session: Session;
  readonly refreshToken: string;
}

/**
 * Why a refresh token did not rotate: a verdict of classifyRotation (rotation.ts), or `raced`
 * when the conditional write was refused although the item it handed back looked rotatable (a
 * concurrent change the returned item does not show). For `reused` the session has been ended.
 */
export type RotationRefusal = Exclude<RotationVerdict, 'current'> | 'raced';

export type RotationResult =
  ({ readonly outcome: 'rotated' } & IssuedSession) | { readonly outcome: RotationRefusal };

/** GET /user/sessions: at most `limit` sessions, after `cursor` (checked by the caller). */
export interface SessionsPageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * Sessions: refresh-token families. Speaks the domain: results and domain errors, never HTTP.
 * Audits what it decides: refreshes, reuse, and every way a session ends.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** A session on its own: one conditional write. */
  async start(request: StartSession): Promise<IssuedSession> {
    const issued = this.newSession(request);
    await this.sessions.create(issued.session);
    return issued;
  }

  /**
   * A session started by a sign-in, as part of its unit of work: it exists once `work` commits
   * (with the sign-in's own writes, in one transaction).
   */
  startWithin(work: UnitOfWork, request: StartSession): IssuedSession {
    const issued = this.newSession(request);
    this.sessions.addCreate(work, issued.session);
    return issued;
  }

  /**
   * Rotates a refresh token (RFC 6749 §6, RFC 9700 §4.14.2): one conditional write, and on its
   * refusal the verdict of classifyRotation on the item as it was. Reuse ends the whole session
   * here, so every API that refreshes ends it alike. The token just rotated away, back within the
   * client's grace, is counted on the session and refused alone the first time; a second return
   * (or a concurrent one that loses the count) is reuse.
   */
  async rotate(request: RotateSession): Promise<RotationResult> {
    const presented = parseRefreshToken(request.refreshToken);
    if (!presented) return { outcome: 'unknown' };
    const next = newRefreshToken(presented.sessionId, presented.generation + 1);
    const now = this.clock.now();
    const written = await this.sessions.rotateIfCurrent({
      sessionId: presented.sessionId,
      clientId: request.clientId,
      presentedHash: presented.hash,
      presentedGeneration: presented.generation,
      newHash: next.hash,
      now,
    });
    if (written.rotated) {
      const { session } = written;
      this.audit.record('token.refreshed', this.fieldsOf(session));
      return { outcome: 'rotated', session, refreshToken: next.token };
    }
    const session = written.session;
    let verdict = classifyRotation(session, {
      presented,
      clientId: request.clientId,
      now,
      reuseGraceSeconds: request.reuseGraceSeconds,
    });
    if (verdict === 'current') return { outcome: 'raced' };
    if (verdict === 'within_grace' && session) {
      const counted = await this.sessions.recordGraceReuse(session.id, session.generation, now);
      // Not counted: the session rotated again or ended meanwhile, and the token is older now.
      if (counted && (counted.graceReuses ?? 0) <= 1) {
        this.audit.record('refresh_token.reused', {
          ...this.fieldsOf(session),
          reason: 'within_grace',
        });
        return { outcome: 'within_grace' };
      }
      verdict = 'reused';
    }
    if (verdict === 'reused' && session) {
      this.audit.record('refresh_token.reused', { ...this.fieldsOf(session), reason: 'reuse' });
      await this.end(session.id, 'refresh_token_reuse', now);
    }
    return { outcome: verdict };
  }

  /** The session if it is live and belongs to the user (bearer-token checks). */
  async findLive(sessionId: string, userId: string): Promise<Session | undefined> {
    const session = await this.sessions.findById(sessionId);
    return session && session.userId === userId && this.isLive(session) ? session : undefined;
  }

  /** The live session whose current refresh token this is (revocation, introspection). */
  async findByRefreshToken(refreshToken: string): Promise<Session | undefined> {
    const presented = parseRefreshToken(refreshToken);
    if (!presented) return undefined;
    const session = await this.sessions.findById(presented.sessionId);
    return session && session.tokenHash === presented.hash && this.isLive(session)
      ? session
      : undefined;
  }

  /**
   * RFC 7009 for refresh tokens: ends the session of a token this client was issued, current or
   * rotated away; anything else is ignored (the caller answers 200 regardless).
   */
  async revokeByRefreshToken(refreshToken: string, clientId: string): Promise<void> {
    const presented = parseRefreshToken(refreshToken);
    if (!presented) return;
    const session = await this.sessions.findById(presented.sessionId);
    if (!session || session.clientId !== clientId) return;
    if (wasIssuedIn(session, presented)) {
      await this.end(session.id, 'revoked', this.clock.now());
    }
  }

  /** The session id a refresh token names (its prefix), or undefined when it is not one of ours. */
  sessionIdOf(refreshToken: string): string | undefined {
    return parseRefreshToken(refreshToken)?.sessionId;
  }

  /** Whether this is the session's current refresh token, on a session already read. */
  isCurrentRefreshToken(session: Session, refreshToken: string): boolean {
    return parseRefreshToken(refreshToken)?.hash === session.tokenHash;
  }

  /** Ends a session; false when it had ended already or does not exist. */
  async revoke(sessionId: string, reason: RevokeReason = 'revoked'): Promise<boolean> {
    return (await this.end(sessionId, reason, this.clock.now())) !== undefined;
  }

  /**
   * A page of the user's live sessions, newest first. `cursor` must have passed
   * decodeSessionCursor (the DTO checks it).
   */
  page(userId: string, request: SessionsPageRequest): Promise<SessionPage> {
    return this.sessions.pageByUser(userId, request.limit, this.clock.now(), request.cursor);
  }

  /** Ends one of the user's own live sessions; SessionNotFoundError for any other id. */
  async revokeOwn(userId: string, sessionId: string): Promise<void> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.userId !== userId || !this.isLive(session)) {
      throw new SessionNotFoundError();
    }
    await this.end(sessionId, 'signed_out', this.clock.now());
  }

  /**
   * "Sign out everywhere", in bounded batches: one Query page of the user's sessions at a time,
   * that page's sessions ended together, then the next. Returns how many were ended.
   */
  revokeAllOwn(userId: string): Promise<number> {
    return this.endAll(userId, 'signed_out');
  }

  /**
   * Ends every session of the user but `keep` (the caller's own, when a password change keeps
   * it), a Query page and its conditional writes at a time. Returns how many were ended.
   */
  async endAll(userId: string, reason: RevokeReason, keep?: string): Promise<number> {
    const now = this.clock.now();
    let ended = 0;
    for await (const batch of this.sessions.listByUser(userId)) {
      const results = await Promise.all(
        batch
          .filter((session) => session.id !== keep)
          .map((session) => this.end(session.id, reason, now)),
      );
      ended += results.filter(Boolean).length;
    }
    return ended;
  }

  /**
   * The ids of every session of the user still in the index (live, or expired and not yet
   * removed by TTL), in Query pages as large as a user at the limit needs (usually one).
   */
  async idsOf(userId: string, pageSize: number): Promise<string[]> {
    const ids: string[] = [];
    for await (const batch of this.sessions.listByUser(userId, pageSize)) {
      ids.push(...batch.map((session) => session.id));
    }
    return ids;
  }

  /** Adds the deletion of these sessions to a unit of work (account deletion). */
  deleteWithin(work: UnitOfWork, sessionIds: readonly string[]): void {
    for (const id of sessionIds) this.sessions.addDelete(work, id);
  }

  /** Deletes these sessions, BATCH at a time (what did not fit in a transaction). */
  async deleteAll(sessionIds: readonly string[]): Promise<void> {
    for (let i = 0; i < sessionIds.length; i += BATCH) {
      await Promise.all(sessionIds.slice(i, i + BATCH).map((id) => this.sessions.delete(id)));
    }
  }

  /**
   * Makes room for one more session under a limit of `max` live sessions per user: ends the least
   * recently used beyond `max - 1` (a batch at a time) and returns how many are live after. For a
   * sign-in whose credential's session counter has reached the limit (UsersService.recordSignIn
   * then corrects the counter).
   */
  async makeRoomFor(userId: string, max: number): Promise<number> {
    const now = this.clock.now();
    const live: Session[] = [];
    // Pages large enough that a user at the limit is usually one Query.
    for await (const batch of this.sessions.listByUser(userId, max + BATCH)) {
      live.push(...batch.filter((session) => isLive(session, epochSeconds(now))));
    }
    // Most recently used first; ties by the newer start.
    live.sort(
      (a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt) || b.createdAt.localeCompare(a.createdAt),
    );
    const beyond = live.slice(Math.max(0, max - 1));
    for (let i = 0; i < beyond.length; i += BATCH) {
      await Promise.all(
        beyond.slice(i, i + BATCH).map((session) => this.end(session.id, 'session_limit', now)),
      );
    }
    return live.length - beyond.length;
  }

  /**
   * Rewrites the profile snapshot on every live session of the user, a batch at a time: for
   * whoever changes the fields GET /user returns (email verification).
   */
  async refreshProfile(userId: string, profile: SessionProfile): Promise<void> {
    for await (const batch of this.sessions.listByUser(userId)) {
      await Promise.all(batch.map((session) => this.sessions.updateProfile(session.id, profile)));
    }
  }

  private newSession(request: StartSession): IssuedSession {
    const id = randomUUID();
    const { token, hash } = newRefreshToken(id, 0);
    const now = this.clock.now();
    const session: Session = {
      id,
      userId: request.userId,
      clientId: request.clientId,
      scope: request.scope,
      tokenHash: hash,
      generation: 0,
      previousHashes: {},
      createdAt: now.toISOString(),
      lastUsedAt: now.toISOString(),
      expiresAt: epochSeconds(now) + request.ttlSeconds,
      profile: request.profile,
    };
    return { session, refreshToken: token };
  }

  /** Ends a session and audits it; the ended session, or undefined if it had ended already. */
  private async end(
    sessionId: string,
    reason: RevokeReason,
    now: Date,
  ): Promise<Session | undefined> {
    const ended = await this.sessions.revoke(sessionId, reason, now);
    if (ended) this.audit.record('session.ended', { ...this.fieldsOf(ended), reason });
    return ended;
  }

  private fieldsOf(session: Session) {
    return { userId: session.userId, clientId: session.clientId, sessionId: session.id };
  }

  private isLive(session: Session): boolean {
    return isLive(session, epochSeconds(this.clock.now()));
  }
}
