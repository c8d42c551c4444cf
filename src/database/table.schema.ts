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

/** Key builders: the one place that knows how items are addressed. */
export const keys = {
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  email: (normalizedEmail: string) => ({ pk: `EMAIL#${normalizedEmail}`, sk: 'EMAIL' }),
  session: (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' }),
  client: (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' }),
  userSessions: (userId: string) => `USER#${userId}`,
} as const;
