import { MailDeliveryError } from '../mail/mail-delivery.error.js';
import { SessionNotFoundError } from '../sessions/sessions.errors.js';
import {
  AccountLockedError,
  BadCredentialsError,
  EmailAlreadyVerifiedError,
  EmailTakenError,
  InvalidAccountTokenError,
  UserNotFoundError,
  WeakPasswordError,
} from '../users/users.errors.js';
import {
  ApiError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from './api-error.js';

/**
 * A password asked again (PUT /user/password, DELETE /user) that was wrong, or refused by the
 * lockout: one answer for both, as the token endpoint gives (RFC 6749 §5.2 `invalid_grant`).
 */
const WRONG_PASSWORD = () => new ApiError(400, 'invalid_grant', 'the password is incorrect');

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;
type Rule<E extends Error> = readonly [ErrorClass<E>, (error: E) => ApiError];
const rule = <E extends Error>(type: ErrorClass<E>, answer: (error: E) => ApiError): Rule<E> => [
  type,
  answer,
];

const TOKEN_NAMES: Readonly<Record<InvalidAccountTokenError['kind'], string>> = {
  email_verification: 'verification token',
  password_reset: 'password-reset token',
};

/**
 * The accounts API (/user, /user/sessions): the domain errors its services raise, and the answer
 * each gets. The one table for this API; the exception filter applies it, so the controllers of
 * users/ and sessions/ stay free of HTTP errors. /oauth/token and the original /session API have
 * tables of their own (auth/token/oauth-refusals.ts, legacy/legacy-refusals.ts).
 */
const ACCOUNTS_API_ERRORS = [
  rule(EmailTakenError, () => new ConflictError('an account with this email already exists')),
  rule(
    WeakPasswordError,
    (error) => new BadRequestError(error.problem, { [error.field]: [error.problem] }),
  ),
  rule(UserNotFoundError, () => new NotFoundError('no such user')),
  rule(BadCredentialsError, WRONG_PASSWORD),
  rule(AccountLockedError, WRONG_PASSWORD),
  rule(
    InvalidAccountTokenError,
    (error) =>
      new ApiError(
        400,
        'invalid_grant',
        `the ${TOKEN_NAMES[error.kind]} is invalid, expired or already used`,
      ),
  ),
  rule(EmailAlreadyVerifiedError, () => new ConflictError('the email address is already verified')),
  rule(
    MailDeliveryError,
    () => new ServiceUnavailableError('the mail could not be sent; try again later', 60),
  ),
  rule(SessionNotFoundError, () => new NotFoundError('no such session')),
] as const;

/** The accounts API's answer to a domain error, or undefined when the table has none. */
export function accountsApiError(error: unknown): ApiError | undefined {
  for (const [type, answer] of ACCOUNTS_API_ERRORS as readonly Rule<Error>[]) {
    if (error instanceof type) return answer(error);
  }
  return undefined;
}
