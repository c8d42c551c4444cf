import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock, epochSeconds } from '../common/clock.js';
import { newRefreshToken, parseRefreshToken } from './refresh-token.js';
import { classifyRotation, wasIssuedIn, type RotationVerdict } from './rotation.js';
import { isLive, type RevokeReason, type Session } from './session.js';
import { SessionNotFoundError } from './sessions.errors.js';
import { SessionsRepository } from './sessions.repository.js';

export interface StartSession {
  readonly userId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly ttlSeconds: number;
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

/** Sessions: refresh-token families. Speaks the domain: results and domain errors, never HTTP. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {}

  async start(request: StartSession): Promise<IssuedSession> {
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
    };
    await this.sessions.create(session);
    return { session, refreshToken: token };
  }

  /**
   * Rotates a refresh token (RFC 6749 §6, RFC 9700 §4.14.2): one conditional write, and on its
   * refusal the verdict of classifyRotation on the item as it was. Reuse ends the whole session
   * here, so every API that refreshes ends it alike.
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
      return { outcome: 'rotated', session: written.session, refreshToken: next.token };
    }
    const session = written.session;
    const verdict = classifyRotation(session, {
      presented,
      clientId: request.clientId,
      now,
      reuseGraceSeconds: request.reuseGraceSeconds,
    });
    if (verdict === 'current') return { outcome: 'raced' };
    if (verdict === 'reused' && session) {
      await this.sessions.revoke(session.id, 'refresh_token_reuse', now);
      this.logger.warn(
        `refresh token reuse: session ${session.id} of client ${session.clientId} revoked`,
      );
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
      await this.sessions.revoke(session.id, 'revoked', this.clock.now());
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

  revoke(sessionId: string, reason: RevokeReason = 'revoked'): Promise<boolean> {
    return this.sessions.revoke(sessionId, reason, this.clock.now());
  }

  /** Live sessions of a user, newest first. */
  async listLive(userId: string): Promise<Session[]> {
    return (await this.sessions.listByUser(userId)).filter((session) => this.isLive(session));
  }

  /** Ends one of the user's own live sessions; SessionNotFoundError for any other id. */
  async revokeOwn(userId: string, sessionId: string): Promise<void> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.userId !== userId || !this.isLive(session)) {
      throw new SessionNotFoundError();
    }
    await this.sessions.revoke(sessionId, 'signed_out', this.clock.now());
  }

  /** "Sign out everywhere". Returns how many sessions were ended. */
  async revokeAllOwn(userId: string): Promise<number> {
    const sessions = await this.sessions.listByUser(userId);
    const now = this.clock.now();
    const ended = await Promise.all(
      sessions.map((session) => this.sessions.revoke(session.id, 'signed_out', now)),
    );
    return ended.filter(Boolean).length;
  }

  private isLive(session: Session): boolean {
    return isLive(session, epochSeconds(this.clock.now()));
  }
}
