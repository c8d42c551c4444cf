import { Module } from '@nestjs/common';
import { ClientsRepository } from './clients.repository.js';
import { ClientsService } from './clients.service.js';
import { DynamoDbClientsRepository } from './dynamodb-clients.repository.js';

/**
 * The OAuth client registry and client authentication. Needs only the global ConfigModule and
 * DatabaseModule, so the CLI can load it without the rest of the app.
 */
@Module({
  providers: [ClientsService, { provide: ClientsRepository, useClass: DynamoDbClientsRepository }],
  exports: [ClientsService],
})
export class ClientsModule {}
