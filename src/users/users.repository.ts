import type { UnitOfWork } from '../database/unit-of-work.js';
import type { Credential, NewAccount, UserProfile } from './user.js';

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
}
