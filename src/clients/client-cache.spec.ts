import { ClientCache } from './client-cache.js';

describe('ClientCache', () => {
  let clock: number;
  let loads: string[];
  const load = (id: string): Promise<string | undefined> => {
    loads.push(id);
    return Promise.resolve(id.startsWith('missing') ? undefined : `client ${id}`);
  };
  const cache = (maxEntries = 1000) =>
    new ClientCache<string>({ ttlMs: 60_000, maxEntries, now: () => clock });

  beforeEach(() => {
    clock = 0;
    loads = [];
  });

  describe('get', () => {
    it('loads once and answers from memory within the TTL', async () => {
      const c = cache();
      await expect(c.get('a', load)).resolves.toBe('client a');
      clock = 59_999;
      await expect(c.get('a', load)).resolves.toBe('client a');
      expect(loads).toEqual(['a']);
    });

    it('loads again once the TTL has passed', async () => {
      const c = cache();
      await c.get('a', load);
      clock = 60_000;
      await c.get('a', load);
      expect(loads).toEqual(['a', 'a']);
    });

    it('shares one load among concurrent lookups', async () => {
      const c = cache();
      await Promise.all([c.get('a', load), c.get('a', load), c.get('a', load)]);
      expect(loads).toEqual(['a']);
    });

    it('does not keep "not found", so a client created elsewhere works at once', async () => {
      const c = cache();
      await expect(c.get('missing', load)).resolves.toBeUndefined();
      await c.get('missing', load);
      expect(loads).toEqual(['missing', 'missing']);
      expect(c.size).toBe(0);
    });

    it('does not keep a failed load', async () => {
      const c = cache();
      const failing = () => Promise.reject(new Error('DynamoDB down'));
      await expect(c.get('a', failing)).rejects.toThrow('DynamoDB down');
      await expect(c.get('a', load)).resolves.toBe('client a');
    });

    it('holds at most maxEntries, dropping the least recently used', async () => {
      const c = cache(2);
      await c.get('a', load);
      await c.get('b', load);
      await c.get('a', load); // a is now more recent than b
      await c.get('c', load); // b goes
      expect(c.size).toBe(2);
      loads = [];
      await c.get('a', load);
      await c.get('c', load);
      expect(loads).toEqual([]);
      await c.get('b', load);
      expect(loads).toEqual(['b']);
    });
  });

  describe('invalidate', () => {
    it('makes the next lookup read again', async () => {
      const c = cache();
      await c.get('a', load);
      c.invalidate('a');
      await c.get('a', load);
      expect(loads).toEqual(['a', 'a']);
    });
  });

  describe('prime', () => {
    it('answers from memory without loading, replacing what was there', async () => {
      const c = cache();
      await c.get('a', load);
      c.prime('a', 'fresher a');
      await expect(c.get('a', load)).resolves.toBe('fresher a');
      expect(loads).toEqual(['a']);
    });
  });
});
