import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

export interface DeadlineRetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The longest one attempt can take (the HTTP handler's request timeout). */
  readonly attemptTimeoutMs: number;
  /** Every attempt of one call, and the waits between them, end within this. */
  readonly budgetMs: number;
  /** Backoff before retry n (0-based) is random in [0, baseDelayMs × 2^n) ("full jitter"). */
  readonly baseDelayMs: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

class DeadlineRetryToken implements RetryToken {
  constructor(
    readonly startedAt: number,
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  /** The SDK's retry middleware waits this long before the next attempt. */
  getRetryDelay(): number {
    return this.delay;
  }
}

/**
 * Retries a failed DynamoDB call only when the retry can still finish within a fixed budget, so a
 * caller waiting on the database learns "unavailable" within that budget, however it fails.
 *
 * The SDK's StandardRetryStrategy bounds attempts, not time: three 1 s timeouts and their
 * backoff (which it sleeps inside the strategy) come to well over 3 s. Here a quick failure (a
 * refused connection, a keep-alive socket the peer had closed, throttling) is retried after a
 * short jittered backoff, while a timeout, which used up most of the budget, is not: a database
 * that hangs for one second will most likely hang for the next one too.
 */
export class DeadlineRetryStrategy implements RetryStrategyV2 {
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: DeadlineRetryOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  acquireInitialRetryToken(): Promise<RetryToken> {
    return Promise.resolve(new DeadlineRetryToken(this.now(), 0, 0));
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const previous = token as DeadlineRetryToken;
    const { maxAttempts, attemptTimeoutMs, budgetMs, baseDelayMs } = this.options;
    const retryable = errorInfo.errorType === 'TRANSIENT' || errorInfo.errorType === 'THROTTLING';
    const attemptsMade = previous.getRetryCount() + 1;
    const delay = Math.floor(this.random() * baseDelayMs * 2 ** previous.getRetryCount());
    const finishesBy = this.now() - previous.startedAt + delay + attemptTimeoutMs;
    if (!retryable || attemptsMade >= maxAttempts || finishesBy > budgetMs) {
      // The middleware answers a refusal by throwing the call's own error.
      return Promise.reject(new Error('no retry within the time budget'));
    }
    return Promise.resolve(new DeadlineRetryToken(previous.startedAt, attemptsMade, delay));
  }

  recordSuccess(): void {
    // Nothing to record: no retry quota, the budget bounds the work per call.
  }
}
