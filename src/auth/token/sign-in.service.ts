import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../common/audit-log.js';
import { AppConfig } from '../../config/app-config.js';
import { UnitOfWorkFactory } from '../../database/unit-of-work.js';
import { SessionsService, type IssuedSession } from '../../sessions/sessions.service.js';
import { EmailNotVerifiedError, isSignInError } from '../../users/users.errors.js';
import { UsersService, type SignInAttempt } from '../../users/users.service.js';
import type { VerifiedSignIn } from '../../users/verified-sign-in.js';

/** A password sign-in as a client sends it. */
export interface ClientSignInAttempt extends SignInAttempt {
  readonly clientId: string;
}

/** The session a verified sign-in asks for. */
export interface SignInSession {
  readonly clientId: string;
  readonly scope: string;
  readonly ttlSeconds: number;
}

/**
 * A password sign-in, for both APIs (the password grant and the original POST /session), across
 * the two modules it touches: UsersService checks the password with its lockout, SessionsService
 * starts the session, and one unit of work commits the session with the sign-in's own writes
 * (the lockout pair's reset, the session counter), so a success is one transaction. Audits every
 * outcome: `login.succeeded`, `login.failed`, `login.locked` (never the typed email or password).
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly units: UnitOfWorkFactory,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The password check (UsersService.authenticate); its refusals are audited and rethrown. With
   * REQUIRE_VERIFIED_EMAIL, a right password on an account whose email is not verified is refused
   * (EmailNotVerifiedError, which says why: the caller knows the password); the attempt it
   * reserved is released, so an owner waiting for the mail does not lock the account out.
   */
  async verify(attempt: ClientSignInAttempt): Promise<VerifiedSignIn> {
    try {
      const signIn = await this.users.authenticate(attempt);
      if (this.config.accounts.requireVerifiedEmail && !signIn.emailVerified) {
        const work = this.units.begin();
        this.users.releaseAttempt(work, signIn);
        await work.commit();
        throw new EmailNotVerifiedError({ reason: 'email_not_verified', userId: signIn.userId });
      }
      return signIn;
    } catch (error) {
      this.auditRefusal(error, attempt.clientId);
      throw error;
    }
  }

  /**
   * Starts the session of a verified sign-in: at MAX_SESSIONS_PER_USER (by the credential's
   * counter) the least recently used sessions end first; then one transaction puts the session,
   * resets the lockout pair and counts the session.
   */
  async startSession(signIn: VerifiedSignIn, request: SignInSession): Promise<IssuedSession> {
    const max = this.config.sessions.maxPerUser;
    const live =
      signIn.sessionCount >= max ? await this.sessions.makeRoomFor(signIn.userId, max) : undefined;
    const work = this.units.begin();
    this.users.recordSignIn(work, signIn, live);
    const issued = this.sessions.startWithin(work, {
      userId: signIn.userId,
      clientId: request.clientId,
      scope: request.scope,
      ttlSeconds: request.ttlSeconds,
      profile: { email: signIn.email, emailVerified: signIn.emailVerified },
    });
    try {
      await work.commit();
    } catch (error) {
      this.auditRefusal(error, request.clientId);
      throw error;
    }
    this.audit.record('login.succeeded', {
      userId: signIn.userId,
      clientId: request.clientId,
      sessionId: issued.session.id,
    });
    return issued;
  }

  private auditRefusal(error: unknown, clientId: string): void {
    if (!isSignInError(error)) return;
    const event = error.code === 'account_locked' ? 'login.locked' : 'login.failed';
    this.audit.record(event, {
      userId: error.detail.userId,
      clientId,
      reason: error.detail.reason,
    });
  }
}
