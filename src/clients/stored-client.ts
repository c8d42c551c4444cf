import type { OAuthClient } from './client.js';
import type { ClientRegistration } from './client-registration.js';
import { hashClientSecret } from './client-secret.js';
import type { StoredClient } from './clients.repository.js';

/** The domain view: strips what only the registry should see (the secret hash, timestamps). */
export function toOAuthClient(stored: StoredClient): OAuthClient {
  const { secretHash: _hash, createdAt: _created, updatedAt: _updated, ...client } = stored;
  return client;
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
