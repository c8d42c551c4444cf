/**
 * What UsersService refuses, in the domain's words. Each API says it in its own: the accounts
 * API through the exception filter's table (common/accounts-api-errors.ts), /oauth/token through
 * RFC 6749 §5.2 (auth/token/oauth-refusals.ts), the original API through its 401s
 * (legacy/legacy-refusals.ts).
 */

/** Another account holds this email (its claim item exists). */
export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
  constructor() {
    super('an account with this email already exists');
  }
}

/**
 * The password breaks the policy (password-policy.ts); `problem` says how, for the caller, naming
 * `field`, the request's field that held it (`password`, or `new_password` when changing it).
 */
export class WeakPasswordError extends Error {
  override readonly name = 'WeakPasswordError';
  constructor(
    readonly problem: string,
    readonly field = 'password',
  ) {
    super(problem);
  }
}

/** Why a sign-in was refused, for audits and logs only: every API answers each one alike. */
export type SignInRefusalReason =
  'unknown_account' | 'wrong_password' | 'source_locked' | 'account_ceiling' | 'email_not_verified';

/** What a refused sign-in's audit may say: never the email or password that were typed. */
export interface SignInRefusalDetail {
  readonly reason: SignInRefusalReason;
  /** The account whose email was typed, when there is one. */
  readonly userId?: string;
}

/** No account has this email, or the password is not its password: deliberately one error. */
export class BadCredentialsError extends Error {
  override readonly name = 'BadCredentialsError';
  readonly code = 'bad_credentials';
  constructor(
    readonly detail: SignInRefusalDetail & {
      readonly reason: 'unknown_account' | 'wrong_password';
    } = { reason: 'wrong_password' },
  ) {
    super('no account has this email and password');
  }
}

/**
 * The sign-in was refused by the lockout (lockout.ts): this (email, source) pair is locked, or the
 * account is over its account-wide ceiling; the password was not checked. Every API answers it
 * exactly as it answers BadCredentialsError, so guessing learns nothing; it is a type of its own
 * so that audits can tell the two apart.
 */
export class AccountLockedError extends Error {
  override readonly name = 'AccountLockedError';
  readonly code = 'account_locked';
  constructor(
    readonly detail: SignInRefusalDetail & {
      readonly reason: 'source_locked' | 'account_ceiling';
    } = { reason: 'source_locked' },
  ) {
    super('sign-ins are locked for a while after repeated failures');
  }
}

/**
 * The password was right, but REQUIRE_VERIFIED_EMAIL is on and the account's email has not been
 * verified yet. Only ever raised after a successful password check, so it tells nothing to
 * someone who does not know the password.
 */
export class EmailNotVerifiedError extends Error {
  override readonly name = 'EmailNotVerifiedError';
  readonly code = 'email_not_verified';
  constructor(
    readonly detail: SignInRefusalDetail & { readonly reason: 'email_not_verified' } = {
      reason: 'email_not_verified',
    },
  ) {
    super('the email address of this account has not been verified');
  }
}

/** Which mail a single-use account token came in. */
export type AccountTokenKind = 'email_verification' | 'password_reset';

/**
 * A token from an account mail that is malformed, unknown, expired, already used, or replaced by
 * a newer one: deliberately one error, as the reason helps nobody but someone guessing.
 */
export class InvalidAccountTokenError extends Error {
  override readonly name = 'InvalidAccountTokenError';
  constructor(readonly kind: AccountTokenKind) {
    super('the token is invalid, expired or already used');
  }
}

/** A verification mail was asked for an email that is verified already. */
export class EmailAlreadyVerifiedError extends Error {
  override readonly name = 'EmailAlreadyVerifiedError';
  constructor() {
    super('the email address is already verified');
  }
}

export class UserNotFoundError extends Error {
  override readonly name = 'UserNotFoundError';
  constructor() {
    super('no such user');
  }
}

/** A refused sign-in, whichever the reason. */
export type SignInError = BadCredentialsError | AccountLockedError | EmailNotVerifiedError;
export type SignInRefusal = SignInError['code'];

export function isSignInError(error: unknown): error is SignInError {
  return (
    error instanceof BadCredentialsError ||
    error instanceof AccountLockedError ||
    error instanceof EmailNotVerifiedError
  );
}
