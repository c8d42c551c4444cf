import { Injectable } from '@nestjs/common';
import type { ClientCredentials, OAuthClient } from './client.js';
import { ClientCache } from './client-cache.js';
import { CLIENT_ID_PATTERN } from './client-registration.js';
import { clientSecretMatches } from './client-secret.js';
import type { StoredClient } from './clients.repository.js';
import { toOAuthClient } from './stored-client.js';

/**
 * Why client authentication failed. `unknown-or-wrong-secret` deliberately does not say which:
 * answering differently for unknown ids would tell an attacker which ids exist.
 */
export type ClientRefusal = 'unknown-or-wrong-secret' | 'public-client-sent-secret';

export type ClientAuthentication =
  | { readonly client: OAuthClient; readonly refusal?: never }
  | { readonly client?: never; readonly refusal: ClientRefusal };

/**
 * The clients on the request path: authenticating the client of a request and looking one up by
 * id, both through the per-process cache. Managing clients is ClientRegistry's job (the CLI);
 * declaring them at start ClientBootstrap's.
 */
@Injectable()
export class ClientsService {
  constructor(private readonly cache: ClientCache) {}

  /**
   * RFC 6749 §2.3.1: the client these credentials prove. Confidential clients must present their
   * secret; public clients must not present one. Unknown ids spend the same secret comparison, so
   * timing does not reveal which ids exist.
   */
  async authenticate(credentials: ClientCredentials): Promise<ClientAuthentication> {
    const refused = { refusal: 'unknown-or-wrong-secret' } as const;
    const stored = await this.lookup(credentials.clientId);
    if (!stored) {
      clientSecretMatches(undefined, credentials.clientSecret ?? '');
      return refused;
    }
    if (stored.type === 'public') {
      if (credentials.clientSecret !== undefined) return { refusal: 'public-client-sent-secret' };
      return { client: toOAuthClient(stored) };
    }
    if (!clientSecretMatches(stored.secretHash, credentials.clientSecret ?? '')) return refused;
    return { client: toOAuthClient(stored) };
  }

  /** A client by id without authenticating it (e.g. a legacy client header, a session's client). */
  async findById(clientId: string): Promise<OAuthClient | undefined> {
    const stored = await this.lookup(clientId);
    return stored && toOAuthClient(stored);
  }

  /** Ids that could never have been registered are refused without a read. */
  private lookup(clientId: string): Promise<StoredClient | undefined> {
    if (!CLIENT_ID_PATTERN.test(clientId)) return Promise.resolve(undefined);
    return this.cache.get(clientId);
  }
}
