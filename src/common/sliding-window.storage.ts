import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** What ThrottlerGuard reads back from a storage (@nestjs/throttler's ThrottlerStorageRecord). */
interface HitRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** One key's counted hits under one limit: their expiry times, oldest first, from `head` on. */
interface Window {
  expiries: number[];
  head: number;
}

/** How often windows with no hit left are dropped, so idle sources cost no memory. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * In-memory sliding windows for @nestjs/throttler, with the semantics of its own storage for
 * `blockDuration: 0` (the only kind rate-limit.ts configures): a request is counted if fewer than
 * `limit` counted hits of its key are younger than `ttl`, refused (and not counted) otherwise,
 * and a refusal's `timeToBlockExpire` is the seconds until the oldest counted hit expires, which
 * is when the next request is allowed (Retry-After).
 *
 * Why not the library's: it filters the whole list of a key's hits and spreads it into Math.min
 * on every request, O(limit) per request (and a RangeError past ~100,000 hits). Hits are appended
 * in expiry order (one `ttl` per limit), so the expired ones are always at the front: dropping
 * them and reading the oldest is amortised O(1).
 */
export class SlidingWindowStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private sweeper?: NodeJS.Timeout;

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<HitRecord> {
    if (blockDuration > 0) {
      return Promise.reject(new Error('SlidingWindowStorage supports blockDuration 0 only'));
    }
    this.sweeper ??= setInterval(() => this.sweep(Date.now()), SWEEP_INTERVAL_MS).unref();
    const now = Date.now();
    const id = `${throttlerName}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window) {
      window = { expiries: [], head: 0 };
      this.windows.set(id, window);
    }
    dropExpired(window, now);
    const counted = window.expiries.length - window.head;
    const blocked = counted >= limit;
    if (!blocked) window.expiries.push(now + ttl);
    // Seconds until the oldest counted hit expires: when a refused request may come back.
    const untilOldestExpires = Math.ceil((window.expiries[window.head] - now) / 1000);
    return Promise.resolve({
      totalHits: counted + 1,
      timeToExpire: untilOldestExpires,
      isBlocked: blocked,
      timeToBlockExpire: blocked ? untilOldestExpires : 0,
    });
  }

  /** Drops the windows with no hit left. */
  sweep(now: number): void {
    for (const [id, window] of this.windows) {
      dropExpired(window, now);
      if (window.head === window.expiries.length) this.windows.delete(id);
    }
  }

  /** Windows held (for tests: idle ones go at the next sweep). */
  get size(): number {
    return this.windows.size;
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.windows.clear();
  }
}

/** Moves `head` past the expired hits; compacts the array once the dead part is half of it. */
function dropExpired(window: Window, now: number): void {
  const { expiries } = window;
  while (window.head < expiries.length && expiries[window.head] <= now) window.head += 1;
  if (window.head > 64 && window.head * 2 >= expiries.length) {
    expiries.splice(0, window.head);
    window.head = 0;
  }
}
