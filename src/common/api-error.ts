export interface ApiErrorOptions {
  /** Field-level messages for a 400 on bad input: `{ email: ['must be an email address'] }`. */
  readonly fields?: Readonly<Record<string, readonly string[]>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * An error meant for the caller: its status, an RFC 6749-style code and a description, written by
 * the exception filter as `{error, error_description}`. Anything that is not an ApiError (or one
 * of Nest's HTTP exceptions) leaves as a bare 500 `server_error`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(description);
  }
}

export class BadRequestError extends ApiError {
  constructor(description: string, fields?: ApiErrorOptions['fields']) {
    super(400, 'invalid_request', description, { fields });
  }
}

export class ConflictError extends ApiError {
  constructor(description: string) {
    super(409, 'conflict', description);
  }
}

export class NotFoundError extends ApiError {
  constructor(description: string) {
    super(404, 'not_found', description);
  }
}

/** The protection space of the bearer challenges (RFC 6750 §3, RFC 9110 §11.5). */
export const BEARER_REALM = 'session-service';

/**
 * RFC 6750 §3.1: a request with no credentials at all gets the bare challenge, with no error code
 * ("the resource server SHOULD NOT include an error code or other error information").
 */
export class MissingTokenError extends ApiError {
  constructor(description = 'an access token is required') {
    super(401, 'invalid_token', description, {
      headers: { 'WWW-Authenticate': `Bearer realm="${BEARER_REALM}"` },
    });
  }
}

/** RFC 6750 §3.1: a malformed, expired or revoked bearer token. */
export class InvalidTokenError extends ApiError {
  constructor(description = 'the access token is missing, invalid, expired or revoked') {
    super(401, 'invalid_token', description, {
      headers: { 'WWW-Authenticate': `Bearer realm="${BEARER_REALM}", error="invalid_token"` },
    });
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor(
    description = 'the service is temporarily unavailable; try again shortly',
    retryAfterSeconds = 1,
  ) {
    super(503, 'temporarily_unavailable', description, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/**
 * RFC 6585 §4: a source address over its request rate. The body is OAuth-style like every other
 * error, so OAuth clients can read it; `Retry-After` says when the next request may succeed.
 */
export class TooManyRequestsError extends ApiError {
  constructor(retryAfterSeconds: number) {
    super(429, 'too_many_requests', 'too many requests from this address; slow down', {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}
