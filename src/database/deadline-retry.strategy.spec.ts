import type { RetryErrorInfo, RetryToken } from '@smithy/types';
import { DeadlineRetryStrategy } from './deadline-retry.strategy.js';

const transient: RetryErrorInfo = { errorType: 'TRANSIENT' };
const throttled: RetryErrorInfo = { errorType: 'THROTTLING' };

describe('DeadlineRetryStrategy', () => {
  let clock: number;
  let random: number;
  const strategy = (maxAttempts = 3) =>
    new DeadlineRetryStrategy({
      maxAttempts,
      attemptTimeoutMs: 1_000,
      budgetMs: 1_500,
      baseDelayMs: 50,
      now: () => clock,
      random: () => random,
    });

  beforeEach(() => {
    clock = 10_000;
    random = 0.5;
  });

  it('retries a quick transient failure after a jittered backoff that doubles', async () => {
    const s = strategy();
    const first = await s.acquireInitialRetryToken();
    clock += 5;
    const second = await s.refreshRetryTokenForRetry(first, transient);
    expect(second.getRetryCount()).toBe(1);
    expect(second.getRetryDelay()).toBe(25); // 0.5 × 50 × 2^0
    clock += 30;
    const third = await s.refreshRetryTokenForRetry(second, transient);
    expect(third.getRetryCount()).toBe(2);
    expect(third.getRetryDelay()).toBe(50); // 0.5 × 50 × 2^1
  });

  it('retries throttling', async () => {
    const s = strategy();
    const token = await s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), throttled);
    expect(token.getRetryCount()).toBe(1);
  });

  it('does not retry after a timeout: another attempt would end past the budget', async () => {
    const s = strategy();
    const first = await s.acquireInitialRetryToken();
    clock += 1_000;
    await expect(s.refreshRetryTokenForRetry(first, transient)).rejects.toThrow();
  });

  it('retries as long as the next attempt, timed out, would still end within the budget', async () => {
    const s = strategy();
    const first = await s.acquireInitialRetryToken();
    clock += 475; // 475 + 25 backoff + 1000 attempt = 1500
    await expect(s.refreshRetryTokenForRetry(first, transient)).resolves.toBeDefined();
    const again = await s.acquireInitialRetryToken();
    clock += 476;
    await expect(s.refreshRetryTokenForRetry(again, transient)).rejects.toThrow();
  });

  it('measures the budget from the first attempt, across retries', async () => {
    const s = strategy(10);
    let token: RetryToken = await s.acquireInitialRetryToken();
    clock += 100;
    token = await s.refreshRetryTokenForRetry(token, transient);
    clock += 400; // 500 since the start: 500 + 50 + 1000 > 1500
    await expect(s.refreshRetryTokenForRetry(token, transient)).rejects.toThrow();
  });

  it('stops at maxAttempts', async () => {
    const s = strategy(2);
    const second = await s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), transient);
    await expect(s.refreshRetryTokenForRetry(second, transient)).rejects.toThrow();
  });

  it.each(['CLIENT_ERROR', 'SERVER_ERROR'] as const)('does not retry a %s', async (errorType) => {
    const s = strategy();
    await expect(
      s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), { errorType }),
    ).rejects.toThrow();
  });
});
