import { ClientCache } from './client-cache.js';
import type { StoredClient } from './clients.repository.js';

const client = (id: string, name = id): StoredClient => ({
  id,
  name,
  type: 'public',
  grantTypes: ['password'],
  scopes: [],
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
});

describe('ClientCache', () => {
  // lru-cache takes a start time of 0 for "no TTL", so the test clock starts elsewhere.
  const START = 1_000_000;
  let clock: number;
  let loads: string[];
  const load = (id: string): Promise<StoredClient | undefined> => {
    loads.push(id);
    return Promise.resolve(id.startsWith('missing') ? undefined : client(id));
  };
  const cache = (options: { ttlSeconds?: number; maxEntries?: number } = {}) =>
    new ClientCache({ load, ttlSeconds: 60, now: () => clock, ...options });

  beforeEach(() => {
    clock = START;
    loads = [];
  });

  describe('get', () => {
    it('loads once and answers from memory within the TTL', async () => {
      const c = cache();
      await expect(c.get('a')).resolves.toMatchObject({ id: 'a' });
      clock = START + 59_999;
      await expect(c.get('a')).resolves.toMatchObject({ id: 'a' });
      expect(loads).toEqual(['a']);
    });

    it('loads again once the TTL has passed', async () => {
      const c = cache();
      await c.get('a');
      clock = START + 60_001;
      await c.get('a');
      expect(loads).toEqual(['a', 'a']);
    });

    it('takes its TTL from the configured seconds', async () => {
      const c = cache({ ttlSeconds: 2 });
      await c.get('a');
      clock = START + 1_999;
      await c.get('a');
      clock = START + 2_001;
      await c.get('a');
      expect(loads).toEqual(['a', 'a']);
    });

    it('shares one load among concurrent lookups', async () => {
      const c = cache();
      const all = await Promise.all([c.get('a'), c.get('a'), c.get('a')]);
      expect(loads).toEqual(['a']);
      expect(all.map((found) => found?.id)).toEqual(['a', 'a', 'a']);
    });

    it('does not keep "not found", so a client created elsewhere works at once', async () => {
      const c = cache();
      await expect(c.get('missing')).resolves.toBeUndefined();
      await c.get('missing');
      expect(loads).toEqual(['missing', 'missing']);
      expect(c.size).toBe(0);
    });

    it('does not keep a failed load', async () => {
      let fail = true;
      const c = new ClientCache({
        ttlSeconds: 60,
        now: () => clock,
        load: (id) => (fail ? Promise.reject(new Error('DynamoDB down')) : load(id)),
      });
      await expect(c.get('a')).rejects.toThrow('DynamoDB down');
      fail = false;
      await expect(c.get('a')).resolves.toMatchObject({ id: 'a' });
    });

    it('holds at most maxEntries, dropping the least recently used', async () => {
      const c = cache({ maxEntries: 2 });
      await c.get('a');
      await c.get('b');
      await c.get('a'); // a is now more recent than b
      await c.get('c'); // b goes
      expect(c.size).toBe(2);
      loads = [];
      await c.get('a');
      await c.get('c');
      expect(loads).toEqual([]);
      await c.get('b');
      expect(loads).toEqual(['b']);
    });

    it('reads on every lookup when the TTL is 0', async () => {
      const c = cache({ ttlSeconds: 0 });
      c.prime(client('a'));
      await c.get('a');
      await c.get('a');
      expect(loads).toEqual(['a', 'a']);
    });
  });

  describe('forget', () => {
    it('makes the next lookup read again', async () => {
      const c = cache();
      await c.get('a');
      c.forget('a');
      await c.get('a');
      expect(loads).toEqual(['a', 'a']);
    });
  });

  describe('prime', () => {
    it('answers from memory without loading, replacing what was there', async () => {
      const c = cache();
      await c.get('a');
      c.prime(client('a', 'fresher a'));
      await expect(c.get('a')).resolves.toMatchObject({ name: 'fresher a' });
      expect(loads).toEqual(['a']);
    });

    it('keeps the primed client for the TTL, like a lookup', async () => {
      const c = cache();
      c.prime(client('a'));
      clock = START + 59_000;
      await c.get('a');
      clock = START + 61_000;
      await c.get('a');
      expect(loads).toEqual(['a']);
    });
  });
});
