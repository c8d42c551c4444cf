import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ClientCache } from './client-cache.js';
import type { ClientRegistration } from './client-registration.js';
import { ClientsRepository } from './clients.repository.js';
import { sameClient, toStoredClient } from './stored-client.js';

/** The public client a local run starts with, for Swagger UI and trying things out. */
export const DEMO_CLIENT: ClientRegistration = {
  id: 'demo-app',
  name: 'Demo app',
  grantTypes: ['password', 'refresh_token'],
  scopes: ['profile'],
};

/**
 * Declares the start-up clients: `demo-app` when DEMO_CLIENT is on, then every BOOTSTRAP_CLIENTS
 * entry (so an entry named demo-app wins). The configuration arrives parsed and checked. Each client
 * is read first and written only when it differs, so restarts (every Lambda cold start) leave the
 * table, and updatedAt, alone; what was read or written then fills the cache, so the first token
 * request of a fresh instance reads no client either.
 */
@Injectable()
export class ClientBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(ClientBootstrap.name);

  constructor(
    private readonly clients: ClientsRepository,
    private readonly cache: ClientCache,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.declareClients();
  }

  async declareClients(): Promise<void> {
    const declared = new Map<string, ClientRegistration>();
    if (this.config.clients.demoClient) declared.set(DEMO_CLIENT.id, DEMO_CLIENT);
    for (const registration of this.config.clients.bootstrap) {
      declared.set(registration.id, registration);
    }
    const now = new Date().toISOString();
    await Promise.all(
      [...declared.values()].map(async (registration) => {
        const client = toStoredClient(registration, now);
        const existing = await this.clients.findById(client.id);
        if (existing && sameClient(existing, client)) {
          this.cache.prime(existing);
          return;
        }
        await this.clients.upsert(client);
        this.cache.prime(client);
        this.logger.log(`client ${client.id} ${existing ? 'updated' : 'created'} at start`);
      }),
    );
  }
}
