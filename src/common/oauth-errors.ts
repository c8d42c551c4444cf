import { ApiError } from './api-error.js';

/** RFC 6749 §5.2 error responses of the token endpoint, one class per code, each with its status. */

export class InvalidRequestError extends ApiError {
  constructor(description: string) {
    super(400, 'invalid_request', description);
  }
}

export class InvalidGrantError extends ApiError {
  constructor(description: string) {
    super(400, 'invalid_grant', description);
  }
}

export class UnsupportedGrantTypeError extends ApiError {
  constructor(description: string) {
    super(400, 'unsupported_grant_type', description);
  }
}

export class InvalidScopeError extends ApiError {
  constructor(description: string) {
    super(400, 'invalid_scope', description);
  }
}

export class UnauthorizedClientError extends ApiError {
  constructor(description: string) {
    super(400, 'unauthorized_client', description);
  }
}

/** 401; when the client tried HTTP Basic, the response names the scheme (RFC 6749 §5.2). */
export class InvalidClientError extends ApiError {
  constructor(description: string, triedBasic = false) {
    super(401, 'invalid_client', description, {
      headers: triedBasic ? { 'WWW-Authenticate': 'Basic realm="oauth", charset="UTF-8"' } : {},
    });
  }
}
