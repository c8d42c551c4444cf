/**
 * A bounded resource (the password hasher's queue) is full: the request may succeed shortly.
 * Domain code throws it without knowing HTTP; the exception filter answers every API alike with
 * 503 `temporarily_unavailable` and `Retry-After`, as for DatabaseUnavailableError.
 */
export class BusyError extends Error {
  override readonly name = 'BusyError';
  constructor(
    readonly resource: string,
    /** When a retry is worth trying, in whole seconds. */
    readonly retryAfterSeconds = 1,
  ) {
    super(`${resource} is busy; try again in ${retryAfterSeconds} s`);
  }
}
