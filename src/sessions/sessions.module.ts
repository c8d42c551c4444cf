import { Module } from '@nestjs/common';
import { clockProvider } from '../common/clock.js';
import { DynamoDbSessionsRepository } from './dynamodb-sessions.repository.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

@Module({
  controllers: [SessionsController],
  providers: [
    SessionsService,
    clockProvider,
    { provide: SessionsRepository, useClass: DynamoDbSessionsRepository },
  ],
  exports: [SessionsService],
})
export class SessionsModule {}
