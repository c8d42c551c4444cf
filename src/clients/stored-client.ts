import type { OAuthClient } from './client.js';
import type { ClientRegistration } from './client-registration.js';
import { hashClientSecret } from './client-secret.js';
import type { StoredClient } from './clients.repository.js';

/**
 * The domain view: only what the services need, field by field, so that a field added for the
 * registry (like the secret hash or the timestamps) never leaks into a request by default.
 */
export function toOAuthClient(stored: StoredClient): OAuthClient {
  return {
    id: stored.id,
    name: stored.name,
    type: stored.type,
    grantTypes: stored.grantTypes,
    scopes: stored.scopes,
    ...(stored.introspection === true && { introspection: true }),
    ...(stored.accessTokenTtlSeconds !== undefined && {
      accessTokenTtlSeconds: stored.accessTokenTtlSeconds,
    }),
    ...(stored.sessionTtlSeconds !== undefined && { sessionTtlSeconds: stored.sessionTtlSeconds }),
    ...(stored.refreshReuseGraceSeconds !== undefined && {
      refreshReuseGraceSeconds: stored.refreshReuseGraceSeconds,
    }),
  };
}

/**
 * What a registration stores: the secret as its hash, the type it implies, and only the fields it
 * has (a field present but undefined, or introspection: false, is left out), so that a stored
 * client and a declared one compare equal.
 */
export function toStoredClient(registration: ClientRegistration, now: string): StoredClient {
  const { secret, introspection, ...fields } = registration;
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return {
    ...(defined as Omit<ClientRegistration, 'secret' | 'introspection'>),
    type: secret === undefined ? 'public' : 'confidential',
    ...(secret !== undefined && { secretHash: hashClientSecret(secret) }),
    ...(introspection === true && { introspection: true }),
    createdAt: now,
    updatedAt: now,
  };
}

/** Whether the stored client already says what the declaration says (timestamps aside). */
export function sameClient(stored: StoredClient, declared: StoredClient): boolean {
  const comparable = ({ createdAt: _c, updatedAt: _u, ...rest }: StoredClient) =>
    JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
  return comparable(stored) === comparable(declared);
}
