import { ApiError } from '../common/api-error.js';

/**
 * The original API answered 401 whenever credentials or tokens were refused, where RFC 6749 has
 * /oauth/token answer 400 `invalid_grant`. Legacy routes keep the original status and the OAuth
 * code and description, so a client sees the same words on both APIs.
 */
export function asUnauthorized(error: ApiError): ApiError {
  return new ApiError(401, error.error, error.description, error.options);
}
