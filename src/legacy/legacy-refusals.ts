import { ApiError } from '../common/api-error.js';
import { EMAIL_NOT_VERIFIED, type Refusal } from '../auth/token/oauth-refusals.js';
import { isSignInError } from '../users/users.errors.js';

/**
 * The original API answered 401 whenever credentials or tokens were refused, where RFC 6749 has
 * /oauth/token answer 400. Legacy routes keep the original's status with the OAuth code and the
 * words /oauth/token uses, so a client sees the same reasons on both APIs; only sign-in speaks of
 * the email, the field this API calls it by.
 */
export function unauthorizedGrant(description: string): ApiError {
  return new ApiError(401, 'invalid_grant', description);
}

const WRONG_CREDENTIALS = 'the email or password is incorrect';

/** The original API's answer to each refusal of the domain: the one table for /session. */
const LEGACY_REFUSALS: { readonly [R in Refusal]: () => ApiError } = {
  bad_credentials: () => unauthorizedGrant(WRONG_CREDENTIALS),
  account_locked: () => unauthorizedGrant(WRONG_CREDENTIALS),
  email_not_verified: () => unauthorizedGrant(EMAIL_NOT_VERIFIED),
  unknown: () => unauthorizedGrant('the refresh token is invalid'),
  other_client: () => unauthorizedGrant('the refresh token was issued to another client'),
  revoked: () => unauthorizedGrant('the session has ended'),
  expired: () => unauthorizedGrant('the session has expired'),
  within_grace: () => unauthorizedGrant('the refresh token was just used'),
  raced: () => unauthorizedGrant('the refresh token was just used'),
  reused: () => unauthorizedGrant('the refresh token was already used; the session has been ended'),
};

export function legacyRefusal(refusal: Refusal): ApiError {
  return LEGACY_REFUSALS[refusal]();
}

/** A sign-in refusal as the original API answers it; any other error as it is. */
export function asLegacyError(error: unknown): unknown {
  return isSignInError(error) ? legacyRefusal(error.code) : error;
}
