export interface ClientCacheOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** The clock, replaceable in tests. */
  readonly now?: () => number;
}

/**
 * A small per-process cache of lookups by id with a time-to-live and a size bound (least recently
 * used out first). It holds promises, so concurrent cold lookups of one id share one read. A lookup
 * that fails or finds nothing is not kept: a client created a moment ago must work at once, and a
 * flood of made-up ids must not push the real clients out.
 */
export class ClientCache<T> {
  private readonly entries = new Map<string, { value: Promise<T | undefined>; expires: number }>();
  private readonly now: () => number;

  constructor(private readonly options: ClientCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get(id: string, load: (id: string) => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.now();
    const hit = this.entries.get(id);
    this.entries.delete(id);
    if (hit && hit.expires > now) {
      this.entries.set(id, hit); // re-insert: Map order is our recency order
      return hit.value;
    }
    const value = load(id);
    const entry = { value, expires: now + this.options.ttlMs };
    this.entries.set(id, entry);
    const forget = (): void => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    };
    value.then((found) => found === undefined && forget(), forget);
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }

  /** Stores a value known to be current (just read or written), as a lookup would. */
  prime(id: string, value: T): void {
    this.entries.delete(id);
    void this.get(id, () => Promise.resolve(value));
  }

  /** After a local write: the next lookup reads the store again. */
  invalidate(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
