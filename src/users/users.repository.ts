import type { UnitOfWork } from '../database/unit-of-work.js';
import type {
  AccountKey,
  Credential,
  NewAccount,
  StoredAccountToken,
  UserProfile,
} from './user.js';

/** What a password sign-in reads first, in one request. */
export interface SignInState {
  /** Undefined when no account has the typed email. */
  readonly credential?: Credential;
  /** Failures of the typed email from every source in the current account window. */
  readonly accountFailures: number;
}

/** How a sign-in changes the credential's session counter. */
export type SessionCount =
  | { readonly kind: 'one_more' }
  /** After the user's sessions were listed and trimmed: those still live, plus the new one. */
  | { readonly kind: 'exactly'; readonly sessions: number };

/** Storage of accounts; the abstract class is the injection token. */
export abstract class UsersRepository {
  /**
   * Registration: the profile and the credential (which claims the email) in one transaction;
   * EmailTakenError if the email is claimed.
   */
  abstract create(account: NewAccount): Promise<void>;
  /** Profile by id (GET /user for a session that carries no profile snapshot). */
  abstract findProfile(userId: string): Promise<UserProfile | undefined>;
  /**
   * Password sign-in: the credential of the typed email and the email's failures in the current
   * account window (`window`, lockout.ts), in one strongly consistent BatchGetItem.
   */
  abstract findForSignIn(normalizedEmail: string, window: number): Promise<SignInState>;
  /**
   * Adds the session counter's change to a sign-in's unit of work. If the account has gone since
   * it was read, the commit raises BadCredentialsError.
   */
  abstract countSession(work: UnitOfWork, normalizedEmail: string, change: SessionCount): void;

  /**
   * A new verification token on the credential, replacing any earlier one (one conditional
   * UpdateItem); EmailAlreadyVerifiedError when the email is verified, UserNotFoundError when the
   * account is gone.
   */
  abstract setVerificationToken(account: AccountKey, token: StoredAccountToken): Promise<void>;
  /**
   * Redeems a verification token: the credential and the profile say `emailVerified` and the token
   * is gone, in one transaction conditioned on the token being the credential's current one and
   * unexpired at `now`; InvalidAccountTokenError otherwise.
   */
  abstract markEmailVerified(account: AccountKey, tokenHash: string, now: Date): Promise<void>;
  /**
   * A new password-reset token on the credential of `normalizedEmail`, replacing any earlier one:
   * one UpdateItem conditioned on the credential existing, which costs the same whether or not it
   * does. The account's user id, or undefined when no account has this email.
   */
  abstract setResetToken(
    normalizedEmail: string,
    token: StoredAccountToken,
  ): Promise<string | undefined>;
  /**
   * Redeems a password-reset token: the new hash replaces the old, the token is gone and the
   * email is verified (the mail reached its owner), on the credential and the profile in one
   * transaction conditioned on the token being current and unexpired at `now`;
   * InvalidAccountTokenError otherwise.
   */
  abstract resetPassword(
    account: AccountKey,
    tokenHash: string,
    passwordHash: string,
    now: Date,
  ): Promise<void>;
  /**
   * Adds a password change to a unit of work: the credential's new hash (any pending reset token
   * dropped with the old password). UserNotFoundError at commit if the account has gone.
   */
  abstract addPasswordChange(work: UnitOfWork, account: AccountKey, passwordHash: string): void;
  /**
   * Adds the deletion of the account (credential and profile) to a unit of work;
   * UserNotFoundError at commit if the account has gone. Once it commits no sign-in can start a
   * session (each one's transaction needs the credential).
   */
  abstract addDeletion(work: UnitOfWork, account: AccountKey): void;
}
