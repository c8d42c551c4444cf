import type { ApiError } from '../../common/api-error.js';
import { InvalidGrantError } from '../../common/oauth-errors.js';
import type { RotationRefusal } from '../../sessions/sessions.service.js';
import { isSignInError, type SignInRefusal } from '../../users/users.errors.js';

/** Every refusal of the domain the token endpoint can meet: a sign-in's, or a refresh's. */
export type Refusal = SignInRefusal | RotationRefusal;

/** One message for unknown email, wrong password and a locked account: nothing to learn. */
const WRONG_CREDENTIALS = 'the username or password is incorrect';

/** REQUIRE_VERIFIED_EMAIL: said only to someone who gave the right password. */
export const EMAIL_NOT_VERIFIED =
  'the email address of this account has not been verified: follow the link in the verification mail (POST /user/email/verify/resend sends a new one)';

/**
 * The token endpoint's answer to each refusal (RFC 6749 §5.2): the one table for /oauth/token,
 * used by the password grant's guard and the refresh grant. Every refusal here is `invalid_grant`:
 * the grant (credentials or refresh token) is "invalid, expired, revoked, … or was issued to
 * another client".
 */
const OAUTH_REFUSALS: { readonly [R in Refusal]: () => ApiError } = {
  bad_credentials: () => new InvalidGrantError(WRONG_CREDENTIALS),
  account_locked: () => new InvalidGrantError(WRONG_CREDENTIALS),
  email_not_verified: () => new InvalidGrantError(EMAIL_NOT_VERIFIED),
  unknown: () => new InvalidGrantError('the refresh token is invalid'),
  other_client: () => new InvalidGrantError('the refresh token was issued to another client'),
  revoked: () => new InvalidGrantError('the session has ended'),
  expired: () => new InvalidGrantError('the session has expired'),
  within_grace: () => new InvalidGrantError('the refresh token was just used'),
  raced: () => new InvalidGrantError('the refresh token was just used'),
  reused: () =>
    new InvalidGrantError('the refresh token was already used; the session has been ended'),
};

export function oauthRefusal(refusal: Refusal): ApiError {
  return OAUTH_REFUSALS[refusal]();
}

/** A sign-in refusal as the token endpoint answers it; any other error as it is. */
export function asOAuthError(error: unknown): unknown {
  return isSignInError(error) ? oauthRefusal(error.code) : error;
}
