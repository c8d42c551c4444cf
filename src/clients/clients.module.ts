import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ClientBootstrap } from './client-bootstrap.service.js';
import { ClientCache } from './client-cache.js';
import { ClientRegistry } from './client-registry.service.js';
import { ClientsRepository } from './clients.repository.js';
import { ClientsService } from './clients.service.js';
import { DynamoDbClientsRepository } from './dynamodb-clients.repository.js';

/**
 * OAuth clients, split by job: ClientsService authenticates and looks up clients on the request
 * path (through ClientCache), ClientRegistry manages them (the CLI), ClientBootstrap declares the
 * configured ones at start. Needs only the global ConfigModule and DatabaseModule, so the CLI can
 * load it without the rest of the app.
 */
@Module({
  providers: [
    { provide: ClientsRepository, useClass: DynamoDbClientsRepository },
    {
      provide: ClientCache,
      inject: [ClientsRepository, AppConfig],
      useFactory: (clients: ClientsRepository, config: AppConfig) =>
        new ClientCache({
          load: (clientId) => clients.findById(clientId),
          ttlSeconds: config.clients.cacheSeconds,
        }),
    },
    ClientsService,
    ClientRegistry,
    ClientBootstrap,
  ],
  exports: [ClientsService, ClientRegistry],
})
export class ClientsModule {}
