import { LRUCache } from 'lru-cache';
import type { StoredClient } from './clients.repository.js';

export interface ClientCacheOptions {
  /** Reads one client from the store; undefined when there is none. */
  readonly load: (clientId: string) => Promise<StoredClient | undefined>;
  /** CLIENT_CACHE_SECONDS; 0 reads the store on every lookup. */
  readonly ttlSeconds: number;
  readonly maxEntries?: number;
  /** A clock in milliseconds, for tests. */
  readonly now?: () => number;
}

/**
 * The per-process cache of clients read on the request path, so that on a warm instance
 * authenticating a client costs no DynamoDB read (a password grant has three requests to spend in
 * all). lru-cache gives the properties it needs: a time-to-live, a size bound (least recently
 * used out first), concurrent cold lookups of one id sharing one read (`fetch`), and nothing kept
 * for a read that fails or finds nothing, so a client created a moment ago works at once and a
 * flood of made-up ids cannot push real clients out. The price of the TTL: a client changed or
 * deleted by another process (the CLI) is seen here up to `ttlSeconds` later.
 */
export class ClientCache {
  private readonly cache?: LRUCache<string, StoredClient>;

  constructor(private readonly options: ClientCacheOptions) {
    if (options.ttlSeconds === 0) return;
    const now = options.now;
    this.cache = new LRUCache<string, StoredClient>({
      max: options.maxEntries ?? 1_000,
      ttl: options.ttlSeconds * 1000,
      fetchMethod: (clientId) => options.load(clientId),
      // Read the clock on every check: the default 1 ms memo would hide a test clock's steps.
      ttlResolution: 0,
      ...(now && { perf: { now } }),
    });
  }

  /** The client, from memory while it is fresh, otherwise read once however many ask at once. */
  get(clientId: string): Promise<StoredClient | undefined> {
    return this.cache ? this.cache.fetch(clientId) : this.options.load(clientId);
  }

  /** Keeps a client just read or written, as a lookup would have. */
  prime(client: StoredClient): void {
    this.cache?.set(client.id, client);
  }

  /** After a local write: the next lookup reads the store again. */
  forget(clientId: string): void {
    this.cache?.delete(clientId);
  }

  get size(): number {
    return this.cache?.size ?? 0;
  }
}
