import { BusyError } from '../common/busy.error.js';
import { ClientGoneError, runInRequestContext } from '../common/request-context.js';
import type { AppConfig } from '../config/app-config.js';
import { PasswordHasher } from './password-hasher.js';

const bounded = (concurrency: number, queueMax: number) =>
  new PasswordHasher({ hashing: { concurrency, queueMax } } as AppConfig);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id and OWASP parameters, as a PHC string', async () => {
    const phc = await hasher.hash('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const phc = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify(phc, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(phc, 'correct horse battery stapl')).resolves.toBe(false);
  });

  it('treats a malformed stored hash as a mismatch, not an error', async () => {
    await expect(hasher.verify('not a phc string', 'anything')).resolves.toBe(false);
  });

  it('spends a real verification for unknown users and always refuses', async () => {
    const started = process.hrtime.bigint();
    await expect(hasher.verifyAgainstDummy('anything at all')).resolves.toBe(false);
    // An argon2id verification with m=19 MiB takes milliseconds, not microseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThan(1);
  });

  describe('bounds (HASH_CONCURRENCY, HASH_QUEUE_MAX)', () => {
    it('runs `concurrency`, queues `queueMax`, and refuses the rest at once with BusyError', async () => {
      const limited = bounded(1, 2);
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => limited.hash(`password ${i}`)),
      );
      const statuses = results.map((result) => result.status);
      // One running and two waiting are served, in order; the other three are refused.
      expect(statuses).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
        'rejected',
        'rejected',
      ]);
      for (const result of results.slice(3)) {
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(BusyError);
        expect((result as PromiseRejectedResult).reason).toMatchObject({ retryAfterSeconds: 1 });
      }
    });

    it('bounds verification (real and dummy) the same way, and frees slots as work ends', async () => {
      const limited = bounded(1, 0);
      const phc = await limited.hash('correct horse battery staple');
      await limited.verifyAgainstDummy('makes the dummy hash, once');
      const [first, second] = await Promise.allSettled([
        limited.verify(phc, 'correct horse battery staple'),
        limited.verifyAgainstDummy('anything'),
      ]);
      expect(first).toEqual({ status: 'fulfilled', value: true });
      expect(second.status).toBe('rejected');
      // Once the first is done, the next one is served.
      await expect(limited.verifyAgainstDummy('anything')).resolves.toBe(false);
    });

    it('a queue of 0 still runs `concurrency` operations at once', async () => {
      const limited = bounded(2, 0);
      const results = await Promise.allSettled([
        limited.hash('a'),
        limited.hash('b'),
        limited.hash('c'),
      ]);
      expect(results.map((result) => result.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
    });
  });

  describe('work of a client that has gone', () => {
    it('is not run when its turn comes: it fails with ClientGoneError', async () => {
      const limited = bounded(1, 10);
      const gone = new AbortController();
      const running = limited.hash('served first');
      const queued = runInRequestContext(gone.signal, () => limited.hash('queued, then left'));
      gone.abort(new ClientGoneError());
      await expect(running).resolves.toMatch(/^\$argon2id\$/);
      await expect(queued).rejects.toBeInstanceOf(ClientGoneError);
    });

    it('costs no hashing time: a queue of abandoned work clears in about one hash', async () => {
      const limited = bounded(1, 20);
      // Interleaved samples: one hash alone, then one hash followed by 8 abandoned ones.
      const alone: number[] = [];
      const withAbandoned: number[] = [];
      for (let sample = 0; sample < 5; sample++) {
        alone.push(await elapsedMs(() => limited.hash('alone')));
        withAbandoned.push(
          await elapsedMs(async () => {
            const gone = new AbortController();
            const first = limited.hash('first');
            const abandoned = Array.from({ length: 8 }, () =>
              runInRequestContext(gone.signal, () => limited.hash('abandoned')).catch(
                (error: unknown) => error,
              ),
            );
            gone.abort(new ClientGoneError());
            await first;
            const errors = await Promise.all(abandoned);
            expect(errors.every((error) => error instanceof ClientGoneError)).toBe(true);
          }),
        );
      }
      // Run, the 8 would cost about 9 hashes; skipped, about 1. A wide margin for a busy machine.
      expect(median(withAbandoned)).toBeLessThan(median(alone) * 4);
    });

    it('runs work whose client is still there', async () => {
      const limited = bounded(1, 10);
      const here = new AbortController();
      await expect(
        runInRequestContext(here.signal, () => limited.hash('still here')),
      ).resolves.toMatch(/^\$argon2id\$/);
    });
  });
});
