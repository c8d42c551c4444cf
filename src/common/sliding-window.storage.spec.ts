import { jest } from '@jest/globals';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { SlidingWindowStorage } from './sliding-window.storage.js';

/**
 * The sliding windows the rate limits count in: the same answers as @nestjs/throttler's own
 * storage (blockDuration 0), at any number of hits.
 */
describe('SlidingWindowStorage', () => {
  const MINUTE = 60_000;
  let now: number;
  let dateNow: jest.SpiedFunction<typeof Date.now>;

  beforeEach(() => {
    now = 1_700_000_000_000;
    dateNow = jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => dateNow.mockRestore());

  it('counts up to the limit, then refuses without counting, until the oldest hit is a ttl old', async () => {
    const storage = new SlidingWindowStorage();
    const hit = () => storage.increment('1.2.3.4', MINUTE, 3, 0, 'other');
    expect((await hit()).isBlocked).toBe(false);
    now += 10_000;
    await hit();
    await hit();
    now += 5_000;
    const refused = await hit();
    expect(refused).toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 45 });
    // The refusal was not counted: once the first hit expires, exactly one more is allowed.
    now += 45_000;
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
    storage.onApplicationShutdown();
  });

  it('keeps keys and limits apart', async () => {
    const storage = new SlidingWindowStorage();
    await storage.increment('a', MINUTE, 1, 0, 'other');
    expect((await storage.increment('a', MINUTE, 1, 0, 'other')).isBlocked).toBe(true);
    expect((await storage.increment('b', MINUTE, 1, 0, 'other')).isBlocked).toBe(false);
    expect((await storage.increment('a', MINUTE, 1, 0, 'credentials')).isBlocked).toBe(false);
    storage.onApplicationShutdown();
  });

  it("answers as the library's storage does, request by request", async () => {
    const ours = new SlidingWindowStorage();
    const theirs = new ThrottlerStorageService();
    const steps = [0, 1_000, 20_000, 500, 30_000, 9_000, 1, 60_000, 100, 59_999, 2, 0, 15_000];
    for (const step of steps) {
      now += step;
      const [a, b] = await Promise.all([
        ours.increment('k', MINUTE, 4, 0, 'other'),
        theirs.increment('k', MINUTE, 4, 0, 'other'),
      ]);
      expect({ isBlocked: a.isBlocked, totalHits: a.totalHits, wait: a.timeToBlockExpire }).toEqual(
        {
          isBlocked: b.isBlocked,
          totalHits: b.totalHits,
          wait: b.timeToBlockExpire,
        },
      );
    }
    ours.onApplicationShutdown();
    theirs.onApplicationShutdown();
  });

  it('stays O(1) per request at a large limit, and drops idle keys', async () => {
    const storage = new SlidingWindowStorage();
    for (let i = 0; i < 200_000; i += 1) {
      now += 1;
      await storage.increment('busy', MINUTE, 1_000_000, 0, 'other');
    }
    // The library's storage throws RangeError (Math.min over the spread list) long before this.
    expect((await storage.increment('busy', MINUTE, 1_000_000, 0, 'other')).isBlocked).toBe(false);
    storage.sweep(now + MINUTE + 1);
    expect(storage.size).toBe(0);
    storage.onApplicationShutdown();
  });

  it('refuses a block duration, which the rate limits never use', async () => {
    const storage = new SlidingWindowStorage();
    await expect(storage.increment('k', MINUTE, 1, 1_000, 'other')).rejects.toThrow(
      'blockDuration 0 only',
    );
  });
});
