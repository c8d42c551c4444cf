import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../common/audit-log.js';
import { Clock, epochSeconds } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import type { UnitOfWork } from '../database/unit-of-work.js';
import { AccountMails } from '../mail/account-mails.js';
import { newAccountToken, newSecret, parseAccountToken, tokenFor } from './account-token.js';
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
import type { AccountKey, StoredAccountToken, UserProfile } from './user.js';
import {
  AccountLockedError,
  BadCredentialsError,
  InvalidAccountTokenError,
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

/** An account as GET /user shows it. */
export interface CurrentUser extends PublicUser {
  readonly emailVerified: boolean;
}

/** A password-reset token to mail, for an account that exists. */
export interface ResetMail {
  readonly to: string;
  readonly token: string;
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
  private readonly logger = new Logger(UsersService.name);
  private readonly login: LoginSettings;

  constructor(
    private readonly users: UsersRepository,
    private readonly attempts: LoginAttemptsRepository,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly mails: AccountMails,
  ) {
    this.login = config.login;
  }

  /**
   * A new account; WeakPasswordError, or EmailTakenError (from the repository's transaction).
   * Its credential holds the token of the verification mail sent next (no request of its own); a
   * mail that cannot be sent leaves the account as it is (the user can ask for another one).
   */
  async register(email: string, password: string): Promise<PublicUser> {
    await this.checkNewPassword(password);
    const now = this.clock.now();
    const profile: UserProfile = {
      id: randomUUID(),
      email: normalizeEmail(email),
      emailVerified: false,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const verification = newAccountToken(profile.id);
    await this.users.create({
      profile,
      passwordHash: await this.hasher.hash(password),
      verification: this.stored(verification.hash, this.config.accounts.emailTokenTtlSeconds),
    });
    this.audit.record('user.registered', { userId: profile.id });
    await this.mailVerification(profile.email, verification.token).catch(() => {
      // Logged by the mailer (a code, no address); the account stands.
      this.logger.warn({ event: 'verification_mail.lost', userId: profile.id });
    });
    return { id: profile.id, email: profile.email };
  }

  /**
   * The registration policy (password-policy.ts), for every new password: WeakPasswordError,
   * whose words name `field`, the request's field that holds the password.
   */
  async checkNewPassword(password: string, field = 'password'): Promise<void> {
    const problem = await checkPassword(password, this.config.passwords);
    if (problem) throw new WeakPasswordError(problem.replace(/^password\b/, field), field);
  }

  /**
   * A signed-in user's password, checked exactly as a sign-in checks it (authenticate: the same
   * lockout pair, the same counting of failures), for the routes that ask for it again (change
   * password, delete account). BadCredentialsError or AccountLockedError when refused.
   */
  async verifyPasswordOf(
    userId: string,
    snapshot: ProfileSnapshot | undefined,
    password: string,
    sourceAddress: string | undefined,
  ): Promise<VerifiedSignIn> {
    const email = await this.emailOf(userId, snapshot);
    const signIn = await this.authenticate({ email, password, sourceAddress });
    // The email's account now is another one (deleted and registered again): not this password.
    if (signIn.userId !== userId) throw new BadCredentialsError({ reason: 'wrong_password' });
    return signIn;
  }

  /**
   * Adds a password change to a unit of work: the new hash on the credential (the new password
   * must have passed checkNewPassword) and the release of the attempt its check reserved.
   */
  async addPasswordChange(
    work: UnitOfWork,
    signIn: VerifiedSignIn,
    newPassword: string,
  ): Promise<void> {
    const passwordHash = await this.hasher.hash(newPassword);
    this.users.addPasswordChange(work, this.keyOf(signIn), passwordHash);
    this.releaseAttempt(work, signIn);
  }

  /**
   * Adds the deletion of the account whose password `signIn` checked to a unit of work: its
   * credential (the email claim, so the email can register again), its profile, and the lockout
   * pair its check reserved. UserNotFoundError at commit if it has gone meanwhile.
   */
  addDeletion(work: UnitOfWork, signIn: VerifiedSignIn): void {
    this.users.addDeletion(work, this.keyOf(signIn));
    this.releaseAttempt(work, signIn);
  }

  /** A verified sign-in that goes no further: the attempt it reserved on its pair is given back. */
  releaseAttempt(work: UnitOfWork, signIn: VerifiedSignIn): void {
    this.attempts.reset(work, { email: signIn.email, source: signIn.source });
  }

  /**
   * A new verification mail; its token replaces the previous one. EmailAlreadyVerifiedError when
   * there is nothing to verify; MailDeliveryError when the mail could not be sent.
   */
  async resendVerification(userId: string, snapshot?: ProfileSnapshot): Promise<void> {
    const email = await this.emailOf(userId, snapshot);
    const token = newAccountToken(userId);
    await this.users.setVerificationToken(
      { userId, email },
      this.stored(token.hash, this.config.accounts.emailTokenTtlSeconds),
    );
    await this.mailVerification(email, token.token);
  }

  /**
   * Redeems a verification token (single use, until EMAIL_TOKEN_TTL): the account's email is
   * verified. The account, for the caller to update its sessions' snapshots.
   * InvalidAccountTokenError for any token that does not work.
   */
  async verifyEmail(token: string): Promise<AccountKey> {
    const account = await this.accountOfToken(token, 'email_verification');
    await this.users.markEmailVerified(account, parseAccountToken(token)!.hash, this.clock.now());
    this.audit.record('email.verified', { userId: account.userId });
    return account;
  }

  /**
   * A password reset for the typed email: a new token (valid RESET_TOKEN_TTL) replaces any
   * earlier one, in one write that costs the same whether or not an account has the email, as
   * does everything else here. The mail to send, or undefined when no account has the email.
   */
  async requestPasswordReset(email: string): Promise<ResetMail | undefined> {
    const to = normalizeEmail(email);
    const { secret, hash } = newSecret();
    const userId = await this.users.setResetToken(
      to,
      this.stored(hash, this.config.accounts.resetTokenTtlSeconds),
    );
    return userId === undefined ? undefined : { to, token: tokenFor(userId, secret) };
  }

  /**
   * Redeems a password-reset token (single use, until RESET_TOKEN_TTL, the newest only): the new
   * password (the registration policy's) replaces the old, the email counts as verified (the
   * mail reached its owner: with REQUIRE_VERIFIED_EMAIL, this is the way in for an owner who lost
   * the verification mail and cannot sign in to ask for another), and the email's lockout is
   * cleared.
   * The account, for the caller to end its sessions. WeakPasswordError,
   * InvalidAccountTokenError.
   */
  async confirmPasswordReset(token: string, newPassword: string): Promise<AccountKey> {
    await this.checkNewPassword(newPassword, 'new_password');
    const account = await this.accountOfToken(token, 'password_reset');
    const passwordHash = await this.hasher.hash(newPassword);
    await this.users.resetPassword(
      account,
      parseAccountToken(token)!.hash,
      passwordHash,
      this.clock.now(),
    );
    await this.attempts.clear(account.email);
    this.audit.record('password.reset', { userId: account.userId });
    return account;
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
  async profileOf(userId: string, snapshot?: ProfileSnapshot): Promise<CurrentUser> {
    if (snapshot) {
      return { id: userId, email: snapshot.email, emailVerified: snapshot.emailVerified };
    }
    const profile = await this.users.findProfile(userId);
    if (!profile) throw new UserNotFoundError();
    return { id: profile.id, email: profile.email, emailVerified: profile.emailVerified };
  }

  /** The user's email: from the session's snapshot when the bearer check read one. */
  private async emailOf(userId: string, snapshot?: ProfileSnapshot): Promise<string> {
    if (snapshot) return snapshot.email;
    const profile = await this.users.findProfile(userId);
    if (!profile) throw new UserNotFoundError();
    return profile.email;
  }

  /** The account a well-formed token names (one read of its profile), or the token's refusal. */
  private async accountOfToken(
    token: string,
    kind: InvalidAccountTokenError['kind'],
  ): Promise<AccountKey> {
    const parsed = parseAccountToken(token);
    if (!parsed) throw new InvalidAccountTokenError(kind);
    const profile = await this.users.findProfile(parsed.userId);
    if (!profile) throw new InvalidAccountTokenError(kind);
    return { userId: profile.id, email: profile.email };
  }

  private keyOf(signIn: VerifiedSignIn): AccountKey {
    return { userId: signIn.userId, email: signIn.email };
  }

  /** A token's hash as stored, with its end `ttlSeconds` from now. */
  private stored(hash: string, ttlSeconds: number): StoredAccountToken {
    return { hash, expiresAt: epochSeconds(this.clock.now()) + ttlSeconds };
  }

  private mailVerification(to: string, token: string): Promise<void> {
    return this.mails.sendVerification(to, token, this.config.accounts.emailTokenTtlSeconds);
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
