import {
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  type ArgumentsHost,
} from '@nestjs/common';
import { DatabaseUnavailableError } from '../database/database-unavailable.error.js';
import { SessionNotFoundError } from '../sessions/sessions.errors.js';
import {
  EmailNotVerifiedError,
  EmailTakenError,
  UserNotFoundError,
  WeakPasswordError,
} from '../users/users.errors.js';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { InvalidTokenError, MissingTokenError, TooManyRequestsError } from './api-error.js';
import { BusyError } from './busy.error.js';
import { ClientGoneError } from './request-context.js';
import { InvalidClientError } from './oauth-errors.js';

/** What the filter wrote: status, headers and JSON body, through Express's response methods. */
function answer(exception: unknown, headersSent = false, requestHeaders: object = {}) {
  const written = {
    status: undefined as number | undefined,
    headers: {} as Record<string, string>,
    body: undefined as unknown,
  };
  const response = {
    headersSent,
    status: (status: number) => (written.status = status),
    setHeader: (name: string, value: string) => (written.headers[name.toLowerCase()] = value),
    json: (body: unknown) => (written.body = body),
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => response,
      getRequest: () => ({ headers: requestHeaders }),
    }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return written;
}

/** body-parser's errors (http-errors): a status, and `expose` when the message is safe to show. */
function bodyParserError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status, expose: true });
}

describe('AllExceptionsFilter', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it.each([
    [
      'an RFC 6750 refusal of a bad token, with its error code in the challenge',
      new InvalidTokenError(),
      401,
      { error: 'invalid_token', error_description: expect.any(String) },
      { 'www-authenticate': 'Bearer realm="session-service", error="invalid_token"' },
    ],
    [
      // RFC 6750 §3.1: no credentials at all, no error information in the challenge.
      'a request without credentials, with the bare challenge',
      new MissingTokenError(),
      401,
      { error: 'invalid_token', error_description: 'an access token is required' },
      { 'www-authenticate': 'Bearer realm="session-service"' },
    ],
    [
      'a rate limit, with when to come back',
      new TooManyRequestsError(41.2),
      429,
      { error: 'too_many_requests', error_description: expect.any(String) },
      { 'retry-after': '42' },
    ],
    [
      'an RFC 6749 client refusal after HTTP Basic',
      new InvalidClientError('bad secret', true),
      401,
      { error: 'invalid_client', error_description: 'bad secret' },
      { 'www-authenticate': expect.stringMatching(/^Basic /) },
    ],
    // The accounts API's table (accounts-api-errors.ts).
    [
      'a taken email',
      new EmailTakenError(),
      409,
      { error: 'conflict', error_description: 'an account with this email already exists' },
      {},
    ],
    [
      'a weak password, naming the field',
      new WeakPasswordError('password is too common; choose another'),
      400,
      {
        error: 'invalid_request',
        error_description: 'password is too common; choose another',
        fields: { password: ['password is too common; choose another'] },
      },
      {},
    ],
    [
      'an unknown user',
      new UserNotFoundError(),
      404,
      { error: 'not_found', error_description: 'no such user' },
      {},
    ],
    [
      'a session not the caller’s',
      new SessionNotFoundError(),
      404,
      { error: 'not_found', error_description: 'no such session' },
      {},
    ],
    // Nest's and Express's own errors.
    [
      "Nest's 404 for an unknown route",
      new NotFoundException('Cannot GET /nowhere'),
      404,
      { error: 'not_found', error_description: 'Cannot GET /nowhere' },
      {},
    ],
    [
      "Nest's 413",
      new PayloadTooLargeException(),
      413,
      { error: 'request_too_large', error_description: expect.any(String) },
      {},
    ],
    [
      "body-parser's malformed JSON",
      bodyParserError(400, 'Unexpected end of JSON input'),
      400,
      { error: 'invalid_request', error_description: 'Unexpected end of JSON input' },
      {},
    ],
    [
      'DynamoDB out of reach, as a 503 to retry',
      new DatabaseUnavailableError('connect ECONNREFUSED 127.0.0.1:9'),
      503,
      { error: 'temporarily_unavailable', error_description: expect.any(String) },
      { 'retry-after': '1' },
    ],
    [
      'a full queue (password hashing), as a 503 to retry, whichever API',
      new BusyError('password hashing', 2),
      503,
      {
        error: 'temporarily_unavailable',
        error_description: 'the server is busy; try again shortly',
      },
      { 'retry-after': '2' },
    ],
    [
      'work dropped because its client left, as 499 (no 5xx: nobody reads it)',
      new ClientGoneError(),
      499,
      { error: 'client_closed_request', error_description: expect.any(String) },
      {},
    ],
  ])('answers %s', (_case, exception, status, body, headers) => {
    const written = answer(exception, false, { authorization: 'Bearer some.sent.token' });
    expect(written.status).toBe(status);
    expect(written.body).toEqual(body);
    expect(written.headers).toMatchObject({
      'cache-control': 'no-store',
      pragma: 'no-cache',
      ...headers,
    });
  });

  it.each([
    ['an unexpected error', new TypeError('cannot read secret-token-123 of undefined')],
    [
      'a server-side body-parser error',
      Object.assign(new Error('stream secret-token-123'), { status: 500, expose: false }),
    ],
    // A sign-in refusal is answered by each API's own edge; one reaching the filter is a bug.
    ['a domain error no table of this API maps', new EmailNotVerifiedError()],
  ])('answers %s with a bare 500 that tells nothing', (_case, exception) => {
    const written = answer(exception);
    expect(written.status).toBe(500);
    expect(written.body).toEqual({
      error: 'server_error',
      error_description: 'the server could not complete the request',
    });
  });

  it('answers a bearer refusal of a request with no credentials with the bare challenge (RFC 6750 §3.1)', () => {
    const written = answer(new InvalidTokenError(), false, {});
    expect(written.status).toBe(401);
    expect(written.headers['www-authenticate']).toBe('Bearer realm="session-service"');
    expect(written.body).toEqual({
      error: 'invalid_token',
      error_description: 'an access token is required',
    });
  });

  it('writes nothing once the response has started', () => {
    const written = answer(new EmailTakenError(), true);
    expect(written).toEqual({ status: undefined, headers: {}, body: undefined });
  });
});
