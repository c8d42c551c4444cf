import { Injectable } from '@nestjs/common';
import type { GrantType, OAuthClient } from './client.js';
import { ClientCache } from './client-cache.js';
import {
  checkRegistration,
  InvalidClientRegistrationError,
  type ClientRegistration,
} from './client-registration.js';
import { generateClientSecret } from './client-secret.js';
import { ClientsRepository } from './clients.repository.js';
import { toOAuthClient, toStoredClient } from './stored-client.js';

/** What `create` needs; `confidential` makes the registry generate a secret. */
export interface NewClient {
  readonly id: string;
  readonly name?: string;
  readonly confidential: boolean;
  readonly grantTypes: readonly GrantType[];
  readonly scopes?: readonly string[];
  readonly introspection?: boolean;
  readonly accessTokenTtlSeconds?: number;
  readonly sessionTtlSeconds?: number;
  readonly refreshReuseGraceSeconds?: number;
}

export interface CreatedClient {
  readonly client: OAuthClient;
  /** The plaintext secret of a confidential client: returned this once, stored only as a hash. */
  readonly secret?: string;
}

/**
 * Managing clients: create, list, delete (the CLI). Other processes see a change within their
 * cache time (CLIENT_CACHE_SECONDS); this one at once.
 */
@Injectable()
export class ClientRegistry {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly cache: ClientCache,
  ) {}

  /**
   * Registers a new client. ClientExistsError when the id is taken, so that a mistyped command
   * cannot replace a live client's secret; InvalidClientRegistrationError on bad input.
   */
  async create(input: NewClient): Promise<CreatedClient> {
    const { confidential, ...fields } = input;
    const secret = confidential ? generateClientSecret() : undefined;
    const registration: ClientRegistration = {
      ...fields,
      name: input.name ?? input.id,
      scopes: input.scopes ?? [],
      ...(secret !== undefined && { secret }),
    };
    const problem = checkRegistration(registration);
    if (problem !== undefined) throw new InvalidClientRegistrationError(problem);
    const stored = toStoredClient(registration, new Date().toISOString());
    await this.clients.create(stored);
    this.cache.forget(input.id);
    return { client: toOAuthClient(stored), ...(secret !== undefined && { secret }) };
  }

  /** Every registered client; reads the whole table, so never on a request path. */
  async list(): Promise<OAuthClient[]> {
    return (await this.clients.listAll()).map(toOAuthClient);
  }

  /** Removes a client; false when there was none. */
  async delete(clientId: string): Promise<boolean> {
    const deleted = await this.clients.delete(clientId);
    this.cache.forget(clientId);
    return deleted;
  }
}
