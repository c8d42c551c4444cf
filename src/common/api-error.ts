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

/** RFC 6750 §3.1: a missing, malformed, expired or revoked bearer token. */
export class InvalidTokenError extends ApiError {
  constructor(description = 'the access token is missing, invalid, expired or revoked') {
    super(401, 'invalid_token', description, {
      headers: { 'WWW-Authenticate': `Bearer error="invalid_token"` },
    });
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor(description = 'the service is temporarily unavailable; try again shortly') {
    super(503, 'temporarily_unavailable', description, { headers: { 'Retry-After': '1' } });
  }
}
