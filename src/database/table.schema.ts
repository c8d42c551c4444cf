/**
 * The single-table schema, defined once: table creation for local runs and tests uses it, and a
 * test checks that the table in serverless.yml matches it.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /** "Sessions of a user": gsi1pk = USER#<id>, gsi1sk = SESSION#<created>#<sid>. */
  userSessionsIndex: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** Key prefixes, so a scan or a query by kind names the same strings the key builders write. */
export const KEY_PREFIX = {
  user: 'USER#',
  email: 'EMAIL#',
  session: 'SESSION#',
  client: 'CLIENT#',
  login: 'LOGIN#',
} as const;

/** Key builders: the one place that knows how items are addressed. */
export const keys = {
  user: (userId: string) => ({ pk: `${KEY_PREFIX.user}${userId}`, sk: 'PROFILE' }),
  /** The email claim, which is also the credential (user id, password hash): keyed by the email. */
  email: (normalizedEmail: string) => ({
    pk: `${KEY_PREFIX.email}${normalizedEmail}`,
    sk: 'EMAIL',
  }),
  /** Sign-in attempts of one (typed email, source address) pair: the per-source lockout. */
  loginPair: (normalizedEmail: string, source: string) => ({
    pk: `${KEY_PREFIX.login}${normalizedEmail}`,
    sk: `SOURCE#${source}`,
  }),
  /** The partition of every lockout item of one typed email (pairs and windows). */
  loginItems: (normalizedEmail: string) => `${KEY_PREFIX.login}${normalizedEmail}`,
  /** Failed sign-ins of one typed email from every source, in fixed window number `window`. */
  loginWindow: (normalizedEmail: string, window: number) => ({
    pk: `${KEY_PREFIX.login}${normalizedEmail}`,
    sk: `WINDOW#${window}`,
  }),
  session: (sessionId: string) => ({ pk: `${KEY_PREFIX.session}${sessionId}`, sk: 'SESSION' }),
  client: (clientId: string) => ({ pk: `${KEY_PREFIX.client}${clientId}`, sk: 'CLIENT' }),
  /** An item that never exists: the health check reads it to prove the table answers. */
  health: () => ({ pk: 'HEALTH', sk: 'HEALTH' }),
  /** gsi1 keys of a session: its user's partition, sorted by creation time. */
  userSessions: (userId: string) => `${KEY_PREFIX.user}${userId}`,
  userSessionsSort: (createdAt: string, sessionId: string) =>
    `${KEY_PREFIX.session}${createdAt}#${sessionId}`,
} as const;
