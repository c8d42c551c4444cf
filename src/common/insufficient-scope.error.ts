import { ApiError } from './api-error.js';

/** Fixed, so it is always a valid RFC 6750 §3 auth-param (no '"' or '\'). */
const CLIENT_TOKEN_ON_USER_ROUTE =
  'this route acts for a user; a client_credentials token has no user';

/**
 * RFC 6750 §3.1 `insufficient_scope`: the token is valid but does not reach this resource. 403, not
 * 401: the token is fine, and a client that got a 401 would throw it away and get the same one.
 */
export class InsufficientScopeError extends ApiError {
  constructor() {
    super(403, 'insufficient_scope', CLIENT_TOKEN_ON_USER_ROUTE, {
      headers: {
        'WWW-Authenticate': `Bearer error="insufficient_scope", error_description="${CLIENT_TOKEN_ON_USER_ROUTE}"`,
      },
    });
  }
}
