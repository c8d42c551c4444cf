import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import { DatabaseUnavailableError } from './database-unavailable.error.js';

/**
 * Whether a failed DynamoDB call means "the database is not there right now" (503, try again)
 * rather than "this request is wrong" or a bug. Decided the way the SDK decides what to retry,
 * with its own classifiers, which read the error's structure, never its message:
 * - throttling: HTTP 429, a throttling error name, or `$retryable.throttling`;
 * - transient: `$retryable` set by the service, `TimeoutError` and its kin, the socket error codes
 *   a dead or hung peer gives (ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, EHOSTUNREACH,
 *   ENETUNREACH, ENOTFOUND, EAI_AGAIN), HTTP 500/502/503/504 in `$metadata`, also in `cause`;
 * - server: any other 5xx in `$metadata`.
 */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  // Duck-typed, not `instanceof Error`: socket errors can come from another realm (as under jest).
  if (typeof error !== 'object' || error === null) return false;
  const sdkError = error as SdkError;
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError);
}

/**
 * Node's socket errors come from Node's own realm, which is not the code's when it runs in a vm
 * context (as under jest): there they are not `instanceof Error`, and the SDK's retry middleware
 * replaces such a value with a new Error that keeps only its message, losing the `code` that says
 * "connection refused". A copy made here keeps name, code and cause.
 */
export function sameRealmError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  return Object.assign(new Error(String(message), { cause: error }), {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof code === 'string' ? { code } : {}),
  });
}
