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

/** The password breaks the policy (password-policy.ts); `problem` says how, for the caller. */
export class WeakPasswordError extends Error {
  override readonly name = 'WeakPasswordError';
  constructor(readonly problem: string) {
    super(problem);
  }
}

/** No account has this email, or the password is not its password: deliberately one error. */
export class BadCredentialsError extends Error {
  override readonly name = 'BadCredentialsError';
  readonly code = 'bad_credentials';
  constructor() {
    super('no account has this email and password');
  }
}

/**
 * The account is locked after too many failed sign-ins (lockout.ts); the password was not looked
 * at. Every API answers it exactly as it answers BadCredentialsError, so guessing learns nothing;
 * it is a type of its own so that logs and audits can tell the two apart.
 */
export class AccountLockedError extends Error {
  override readonly name = 'AccountLockedError';
  readonly code = 'account_locked';
  constructor() {
    super('the account is locked for a while after repeated failed sign-ins');
  }
}

export class UserNotFoundError extends Error {
  override readonly name = 'UserNotFoundError';
  constructor() {
    super('no such user');
  }
}

/** A refused sign-in, whichever the reason. */
export type SignInError = BadCredentialsError | AccountLockedError;
export type SignInRefusal = SignInError['code'];

export function isSignInError(error: unknown): error is SignInError {
  return error instanceof BadCredentialsError || error instanceof AccountLockedError;
}
