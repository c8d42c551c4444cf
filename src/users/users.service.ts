import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLog } from '../common/audit-log.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import type { UnitOfWork } from '../database/unit-of-work.js';
import { EMAIL_MAX_LENGTH, normalizeEmail } from './email.js';
import {
  accountWindow,
  judgePair,
  overAccountCeiling,
  pairExpiresAt,
  type LoginSettings,
  type Reservation,
} from './lockout.js';
import { LoginAttemptsRepository, type LoginPair } from './login-attempts.repository.js';
import { PasswordHasher } from './password-hasher.js';
import { checkPassword } from './password-policy.js';
import { sourceKey } from './source-address.js';
import type { UserProfile } from './user.js';
import {
  AccountLockedError,
  BadCredentialsError,
  UserNotFoundError,
  WeakPasswordError,
} from './users.errors.js';
import { UsersRepository, type SignInState } from './users.repository.js';
import { VerifiedSignIn } from './verified-sign-in.js';

/** An account as the APIs show it. */
export interface PublicUser {
  readonly id: string;
  readonly email: string;
}

/** The profile fields a session carries for GET /user (SessionsService keeps the snapshot). */
export interface ProfileSnapshot {
  readonly email: string;
  readonly emailVerified: boolean;
}

/** A password sign-in as it arrives: what was typed, and from where. */
export interface SignInAttempt {
  readonly email: string;
  readonly password: string;
  /** The request's source address (`request.ip`). */
  readonly sourceAddress: string | undefined;
}

/**
 * Accounts: registration, the password check with its lockout, profiles. Refusals are the domain
 * errors of users.errors.ts.
 */
@Injectable()
export class UsersService {
  private readonly login: LoginSettings;

  constructor(
    private readonly users: UsersRepository,
    private readonly attempts: LoginAttemptsRepository,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {
    this.login = config.login;
  }

  /** A new account; WeakPasswordError, or EmailTakenError (from the repository's transaction). */
  async register(email: string, password: string): Promise<PublicUser> {
    const problem = await checkPassword(password, this.config.passwords);
    if (problem) throw new WeakPasswordError(problem);
    const now = this.clock.now().toISOString();
    const profile: UserProfile = {
      id: randomUUID(),
      email: normalizeEmail(email),
      emailVerified: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.users.create({ profile, passwordHash: await this.hasher.hash(password) });
    this.audit.record('user.registered', { userId: profile.id });
    return { id: profile.id, email: profile.email };
  }

  /**
   * The one password check, for every API, with the lockout of lockout.ts. Every path makes the
   * same requests and one argon2id verification, so unknown email, wrong password and a lock cost
   * the same time:
   * 1. in parallel, the reservation of this attempt on its (email, source) pair, and one read of
   *    the credential with the email's account-wide failures;
   * 2. the verdict: locked (the pair is full and its lock runs, or the account is over its
   *    ceiling), unknown (no credential), or checked. A pair whose lock has expired is restarted
   *    first, one extra request once per lock;
   * 3. one argon2id verification: the real hash, or the dummy one when unknown or locked;
   * 4. one write: a failure or a refusal counted on the account window. A success writes nothing
   *    here: the caller finishes it with `recordSignIn` in the session's own transaction.
   * Raises BadCredentialsError or AccountLockedError, which every API answers alike.
   */
  async authenticate(attempt: SignInAttempt): Promise<VerifiedSignIn> {
    const email = normalizeEmail(attempt.email);
    // No account can have a longer email (registration refuses it), nor a key that long.
    if ([...email].length > EMAIL_MAX_LENGTH) {
      throw new BadCredentialsError({ reason: 'unknown_account' });
    }
    const pair: LoginPair = { email, source: sourceKey(attempt.sourceAddress) };
    const now = this.clock.now();
    const window = accountWindow(now, this.login);
    const [reservation, state] = await Promise.all([
      this.attempts.reserve(pair, this.login.maxFailures, now, pairExpiresAt(now, this.login)),
      this.users.findForSignIn(email, window.number),
    ]);
    const { credential } = state;
    const refusal = await this.lockoutRefusal(pair, reservation, state, now);

    const matches =
      credential && !refusal
        ? await this.hasher.verify(credential.passwordHash, attempt.password)
        : await this.hasher.verifyAgainstDummy(attempt.password);
    if (refusal) {
      await this.attempts.countRefusal(email, window.number, window.expiresAt);
      throw refusal;
    }
    if (!credential || !matches) {
      await this.attempts.countFailure(email, window.number, window.expiresAt);
      throw new BadCredentialsError(
        credential
          ? { reason: 'wrong_password', userId: credential.userId }
          : { reason: 'unknown_account' },
      );
    }
    return new VerifiedSignIn(
      credential.userId,
      email,
      credential.emailVerified,
      pair.source,
      credential.sessionCount,
    );
  }

  /**
   * Finishes a sign-in inside the unit of work that starts its session: resets its lockout pair
   * (a success resets the pair it came from) and counts the session on the credential. Pass
   * `liveSessions` when the user's sessions were listed and trimmed for this sign-in (the number
   * still live), so the counter is corrected.
   */
  recordSignIn(work: UnitOfWork, signIn: VerifiedSignIn, liveSessions?: number): void {
    this.attempts.reset(work, { email: signIn.email, source: signIn.source });
    this.users.countSession(
      work,
      signIn.email,
      liveSessions === undefined
        ? { kind: 'one_more' }
        : { kind: 'exactly', sessions: liveSessions + 1 },
    );
  }

  /**
   * GET /user: from the session's profile snapshot when the bearer check read one (no request of
   * its own), else from the profile item (sessions started before sessions carried snapshots).
   */
  async profileOf(userId: string, snapshot?: ProfileSnapshot): Promise<PublicUser> {
    if (snapshot) return { id: userId, email: snapshot.email };
    const profile = await this.users.findProfile(userId);
    if (!profile) throw new UserNotFoundError();
    return { id: profile.id, email: profile.email };
  }

  /**
   * The lockout's verdict on an attempt already reserved (or refused a reservation): a refusal, or
   * undefined to check the password. Restarts the pair when its lock has ended (the refusal then
   * goes to whoever loses the race to restart it) or when it had been quiet long enough.
   */
  private async lockoutRefusal(
    pair: LoginPair,
    reservation: Reservation,
    state: SignInState,
    now: Date,
  ): Promise<AccountLockedError | undefined> {
    const userId = state.credential?.userId;
    if (overAccountCeiling(state.accountFailures, this.login)) {
      return new AccountLockedError({ reason: 'account_ceiling', userId });
    }
    const verdict = judgePair(reservation, now, this.login);
    const seen = reservation.before;
    const expiresAt = pairExpiresAt(now, this.login);
    if (verdict.kind === 'locked') {
      return new AccountLockedError({ reason: 'source_locked', userId });
    }
    if (verdict.kind === 'lock_expired' && seen) {
      const restarted = await this.attempts.restart(pair, seen, verdict.level, now, expiresAt);
      return restarted ? undefined : new AccountLockedError({ reason: 'source_locked', userId });
    }
    if (verdict.kind === 'open_stale' && seen) {
      // Tidying only: this attempt is counted either way, so losing the race changes nothing.
      const ours = { attempts: seen.attempts + 1, lastAt: now.getTime() };
      await this.attempts.restart(pair, ours, 0, now, expiresAt);
    }
    return undefined;
  }
}
