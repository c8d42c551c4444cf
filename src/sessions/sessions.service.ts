import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError } from '../common/api-error.js';
import { InvalidGrantError } from '../common/oauth-errors.js';
import { newRefreshToken, parseRefreshToken, type ParsedRefreshToken } from './refresh-token.js';
import { isLive, type RevokeReason, type Session } from './session.js';
import { SessionsRepository } from './sessions.repository.js';

/** Earlier refresh tokens remembered per session for reuse detection (a ring of slots). */
export const REUSE_RING_SIZE = 32;

export interface StartSession {
  readonly userId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly ttlSeconds: number;
  readonly accessJti: string;
}

export interface RotateSession {
  readonly refreshToken: string;
  readonly clientId: string;
  readonly accessJti: string;
  /** Seconds during which the just-rotated token is refused without ending the session. */
  readonly reuseGraceSeconds: number;
}

export interface IssuedSession {
  readonly session: Session;
  readonly refreshToken: string;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Whether the presented token was issued in this session: current, or rotated away into the ring. */
function wasIssuedIn(session: Session, presented: ParsedRefreshToken): boolean {
  return (
    session.tokenHash === presented.hash ||
    session.previousHashes[String(presented.generation % REUSE_RING_SIZE)] === presented.hash
  );
}

@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(private readonly sessions: SessionsRepository) {}

  async start(request: StartSession): Promise<IssuedSession> {
    const id = randomUUID();
    const { token, hash } = newRefreshToken(id, 0);
    const now = new Date();
    const session: Session = {
      id,
      userId: request.userId,
      clientId: request.clientId,
      scope: request.scope,
      tokenHash: hash,
      generation: 0,
      previousHashes: {},
      accessJti: request.accessJti,
      createdAt: now.toISOString(),
      lastUsedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + request.ttlSeconds,
    };
    await this.sessions.create(session);
    return { session, refreshToken: token };
  }

  /**
   * Rotates a refresh token (RFC 6749 §6). A token that was already rotated away is reuse: its
   * whole session is revoked (RFC 9700 §4.14.2), unless it is the one rotated away within the
   * client's grace period, which is refused alone. A token never issued revokes nothing.
   */
  async rotate(request: RotateSession): Promise<IssuedSession> {
    const presented = parseRefreshToken(request.refreshToken);
    if (!presented) throw new InvalidGrantError('the refresh token is invalid');
    const next = newRefreshToken(presented.sessionId, presented.generation + 1);
    const now = new Date();
    const result = await this.sessions.rotateIfCurrent({
      sessionId: presented.sessionId,
      clientId: request.clientId,
      presentedHash: presented.hash,
      presentedGeneration: presented.generation,
      newHash: next.hash,
      accessJti: request.accessJti,
      now,
      ringSize: REUSE_RING_SIZE,
    });
    if (result.rotated) return { session: result.session, refreshToken: next.token };

    const session = result.session;
    if (!session) throw new InvalidGrantError('the refresh token is invalid');
    if (!wasIssuedIn(session, presented))
      throw new InvalidGrantError('the refresh token is invalid');
    if (session.clientId !== request.clientId) {
      throw new InvalidGrantError('the refresh token was issued to another client');
    }
    if (session.revokedAt !== undefined) {
      throw new InvalidGrantError('the session has ended');
    }
    if (!isLive(session, Math.floor(now.getTime() / 1000))) {
      throw new InvalidGrantError('the session has expired');
    }
    if (session.tokenHash === presented.hash) {
      // Current but the condition failed: a concurrent rotation won between write and read.
      throw new InvalidGrantError('the refresh token was just used');
    }
    const justRotated =
      request.reuseGraceSeconds > 0 &&
      presented.generation === session.generation - 1 &&
      session.rotatedAt !== undefined &&
      now.getTime() - Date.parse(session.rotatedAt) <= request.reuseGraceSeconds * 1000;
    if (justRotated) throw new InvalidGrantError('the refresh token was just used');

    await this.sessions.revoke(session.id, 'refresh_token_reuse', now);
    this.logger.warn(
      `refresh token reuse: session ${session.id} of client ${session.clientId} revoked`,
    );
    throw new InvalidGrantError('the refresh token was already used; the session has been ended');
  }

  /** The session if it is live and belongs to the user (bearer-token checks). */
  async findLive(sessionId: string, userId: string): Promise<Session | undefined> {
    const session = await this.sessions.findById(sessionId);
    return session && session.userId === userId && isLive(session, nowSeconds())
      ? session
      : undefined;
  }

  /** The live session whose current refresh token this is (revocation, introspection). */
  async findByRefreshToken(refreshToken: string): Promise<Session | undefined> {
    const presented = parseRefreshToken(refreshToken);
    if (!presented) return undefined;
    const session = await this.sessions.findById(presented.sessionId);
    return session && session.tokenHash === presented.hash && isLive(session, nowSeconds())
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
      await this.sessions.revoke(session.id, 'revoked', new Date());
    }
  }

  /** The session id a refresh token names (its prefix), or undefined when it is not one of ours. */
  sessionIdOf(refreshToken: string): string | undefined {
    return parseRefreshToken(refreshToken)?.sessionId;
  }

  /**
   * Whether this is the session's current refresh token, on a session already read (the original
   * API's refresh, which must tell a stale access token from a rotated-away refresh token).
   */
  isCurrentRefreshToken(session: Session, refreshToken: string): boolean {
    return parseRefreshToken(refreshToken)?.hash === session.tokenHash;
  }

  revoke(sessionId: string, reason: RevokeReason = 'revoked'): Promise<boolean> {
    return this.sessions.revoke(sessionId, reason, new Date());
  }

  /** Live sessions of a user, newest first. */
  async listLive(userId: string): Promise<Session[]> {
    const now = nowSeconds();
    return (await this.sessions.listByUser(userId)).filter((session) => isLive(session, now));
  }

  /** Ends one of the user's own sessions; someone else's is "not found", not "forbidden". */
  async revokeOwn(userId: string, sessionId: string): Promise<void> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.userId !== userId || !isLive(session, nowSeconds())) {
      throw new NotFoundError('no such session');
    }
    await this.sessions.revoke(sessionId, 'signed_out', new Date());
  }

  /** "Sign out everywhere". Returns how many sessions were ended. */
  async revokeAllOwn(userId: string): Promise<number> {
    const sessions = await this.sessions.listByUser(userId);
    const now = new Date();
    const ended = await Promise.all(
      sessions.map((session) => this.sessions.revoke(session.id, 'signed_out', now)),
    );
    return ended.filter(Boolean).length;
  }
}
