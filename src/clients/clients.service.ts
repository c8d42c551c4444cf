import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BadRequestError, ConflictError } from '../common/api-error.js';
import { InvalidClientError } from '../common/oauth-errors.js';
import { AppConfig } from '../config/app-config.js';
import { parseBootstrapClients } from './bootstrap-clients.js';
import type { ClientCredentials, GrantType, OAuthClient } from './client.js';
import { ClientCache } from './client-cache.js';
import { parseClientCredentials } from './client-credentials.js';
import {
  checkRegistration,
  CLIENT_ID_PATTERN,
  type ClientRegistration,
} from './client-registration.js';
import { clientSecretMatches, generateClientSecret, hashClientSecret } from './client-secret.js';
import { ClientExistsError, ClientsRepository, type StoredClient } from './clients.repository.js';

/** The public client a local run starts with, for Swagger UI and trying things out. */
export const DEMO_CLIENT: ClientRegistration = {
  id: 'demo-app',
  name: 'Demo app',
  grantTypes: ['password', 'refresh_token'],
  scopes: ['profile'],
};

/** What `create` needs; `confidential` makes the service generate a secret. */
export interface NewClient {
  readonly id: string;
  readonly name?: string;
  readonly confidential: boolean;
  readonly grantTypes: readonly GrantType[];
  readonly scopes?: readonly string[];
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
 * Lookups are cached per process so that, on a warm instance, authenticating the client costs no
 * DynamoDB read: a password grant has three requests to spend in all. The price is that a client
 * changed or deleted from another process (the CLI) is seen here up to a minute later.
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 1_000;

/** Strips what only the registry should see (the secret hash, timestamps). */
function toOAuthClient(stored: StoredClient): OAuthClient {
  return {
    id: stored.id,
    name: stored.name,
    type: stored.type,
    grantTypes: stored.grantTypes,
    scopes: stored.scopes,
    ...(stored.accessTokenTtlSeconds !== undefined && {
      accessTokenTtlSeconds: stored.accessTokenTtlSeconds,
    }),
    ...(stored.sessionTtlSeconds !== undefined && { sessionTtlSeconds: stored.sessionTtlSeconds }),
    ...(stored.refreshReuseGraceSeconds !== undefined && {
      refreshReuseGraceSeconds: stored.refreshReuseGraceSeconds,
    }),
  };
}

function toStored(registration: ClientRegistration, now: string): StoredClient {
  const { secret, ...fields } = registration;
  // Drop keys present but undefined, so a stored client and a declared one compare equal.
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return {
    ...(defined as Omit<ClientRegistration, 'secret'>),
    type: secret === undefined ? 'public' : 'confidential',
    ...(secret !== undefined && { secretHash: hashClientSecret(secret) }),
    createdAt: now,
    updatedAt: now,
  };
}

/** Whether the stored client already says what the registration says (timestamps aside). */
function sameClient(stored: StoredClient, wanted: StoredClient): boolean {
  const comparable = ({ createdAt: _c, updatedAt: _u, ...rest }: StoredClient) =>
    JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
  return comparable(stored) === comparable(wanted);
}

@Injectable()
export class ClientsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ClientsService.name);
  private readonly cache = new ClientCache<StoredClient>({
    ttlMs: CACHE_TTL_MS,
    maxEntries: CACHE_MAX_ENTRIES,
  });

  constructor(
    private readonly clients: ClientsRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.ensureClientsAtStart();
  }

  /** RFC 6749 §2.3.1; see parseClientCredentials. Throws invalid_request or invalid_client. */
  parseCredentials(
    authorizationHeader: string | undefined,
    body: Record<string, unknown>,
  ): ClientCredentials {
    return parseClientCredentials(authorizationHeader, body);
  }

  /**
   * The client these credentials prove, or InvalidClientError (401, with WWW-Authenticate when
   * Basic was tried). Confidential clients must present their secret; public clients must not
   * present one. Unknown ids spend the same secret comparison, so timing does not reveal which
   * ids exist.
   */
  async authenticate(credentials: ClientCredentials): Promise<OAuthClient> {
    const triedBasic = credentials.method === 'client_secret_basic';
    const refused = () =>
      new InvalidClientError('unknown client or wrong client secret', triedBasic);
    const stored = await this.lookup(credentials.clientId);
    if (!stored) {
      clientSecretMatches(undefined, credentials.clientSecret ?? '');
      throw refused();
    }
    if (stored.type === 'public') {
      if (credentials.clientSecret !== undefined) {
        throw new InvalidClientError('public clients have no secret', triedBasic);
      }
      return toOAuthClient(stored);
    }
    if (credentials.clientSecret === undefined) {
      clientSecretMatches(undefined, '');
      throw refused();
    }
    if (!clientSecretMatches(stored.secretHash, credentials.clientSecret)) throw refused();
    return toOAuthClient(stored);
  }

  /** A client by id without authenticating it (e.g. to name a session's client); cached. */
  async findById(clientId: string): Promise<OAuthClient | undefined> {
    const stored = await this.lookup(clientId);
    return stored && toOAuthClient(stored);
  }

  /**
   * Registers a new client (the CLI). Fails with ConflictError when the id is taken, so that a
   * mistyped command cannot replace a live client's secret, and BadRequestError on bad input.
   */
  async create(input: NewClient): Promise<CreatedClient> {
    const secret = input.confidential ? generateClientSecret() : undefined;
    const registration: ClientRegistration = {
      id: input.id,
      name: input.name ?? input.id,
      grantTypes: input.grantTypes,
      scopes: input.scopes ?? [],
      ...(secret !== undefined && { secret }),
      ...(input.accessTokenTtlSeconds !== undefined && {
        accessTokenTtlSeconds: input.accessTokenTtlSeconds,
      }),
      ...(input.sessionTtlSeconds !== undefined && { sessionTtlSeconds: input.sessionTtlSeconds }),
      ...(input.refreshReuseGraceSeconds !== undefined && {
        refreshReuseGraceSeconds: input.refreshReuseGraceSeconds,
      }),
    };
    const problem = checkRegistration(registration);
    if (problem) throw new BadRequestError(problem);
    const stored = toStored(registration, new Date().toISOString());
    try {
      await this.clients.create(stored);
    } catch (error) {
      if (error instanceof ClientExistsError) {
        throw new ConflictError(`client ${input.id} already exists`);
      }
      throw error;
    }
    this.cache.invalidate(input.id);
    return { client: toOAuthClient(stored), ...(secret !== undefined && { secret }) };
  }

  /** Every registered client (the CLI); reads the whole table, so never on a request path. */
  async list(): Promise<OAuthClient[]> {
    return (await this.clients.listAll()).map(toOAuthClient);
  }

  /** Removes a client; false when there was none. Other instances notice within the cache TTL. */
  async delete(clientId: string): Promise<boolean> {
    const deleted = await this.clients.delete(clientId);
    this.cache.invalidate(clientId);
    return deleted;
  }

  /**
   * Declares the start-up clients: `demo-app` when DEMO_CLIENT is on, then every BOOTSTRAP_CLIENTS
   * entry (so an entry named demo-app wins). A bad entry throws ConfigError before anything is
   * written. Each client is read first and written only when it differs, so restarts (every Lambda
   * cold start) leave the table, and updatedAt, alone; what was read or written then fills the
   * cache, so the first token request of a fresh instance reads no client either.
   */
  async ensureClientsAtStart(): Promise<void> {
    const declared = parseBootstrapClients(this.config.clients.bootstrap);
    const wanted = new Map<string, ClientRegistration>();
    if (this.config.clients.demoClient) wanted.set(DEMO_CLIENT.id, DEMO_CLIENT);
    for (const registration of declared) wanted.set(registration.id, registration);
    const now = new Date().toISOString();
    await Promise.all(
      [...wanted.values()].map(async (registration) => {
        const client = toStored(registration, now);
        const existing = await this.clients.findById(client.id);
        if (existing && sameClient(existing, client)) {
          this.cache.prime(client.id, existing);
          return;
        }
        await this.clients.upsert(client);
        this.cache.prime(client.id, client);
        this.logger.log(`client ${client.id} ${existing ? 'updated' : 'created'} at start`);
      }),
    );
  }

  /** Ids that could never have been registered are refused without a read. */
  private lookup(clientId: string): Promise<StoredClient | undefined> {
    if (!CLIENT_ID_PATTERN.test(clientId)) return Promise.resolve(undefined);
    return this.cache.get(clientId, (id) => this.clients.findById(id));
  }
}
