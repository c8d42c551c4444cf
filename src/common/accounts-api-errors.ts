import { SessionNotFoundError } from '../sessions/sessions.errors.js';
import { EmailTakenError, UserNotFoundError, WeakPasswordError } from '../users/users.errors.js';
import { ApiError, BadRequestError, ConflictError, NotFoundError } from './api-error.js';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;
type Rule<E extends Error> = readonly [ErrorClass<E>, (error: E) => ApiError];
const rule = <E extends Error>(type: ErrorClass<E>, answer: (error: E) => ApiError): Rule<E> => [
  type,
  answer,
];

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
    (error) => new BadRequestError(error.problem, { password: [error.problem] }),
  ),
  rule(UserNotFoundError, () => new NotFoundError('no such user')),
  rule(SessionNotFoundError, () => new NotFoundError('no such session')),
] as const;

/** The accounts API's answer to a domain error, or undefined when the table has none. */
export function accountsApiError(error: unknown): ApiError | undefined {
  for (const [type, answer] of ACCOUNTS_API_ERRORS as readonly Rule<Error>[]) {
    if (error instanceof type) return answer(error);
  }
  return undefined;
}
