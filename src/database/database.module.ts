import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppConfig } from '../config/app-config.js';
import { DatabaseHealth } from './database.health.js';
import { TABLE_NAME } from './database.tokens.js';
import { createDynamoDbClient, DynamoDbRequestCounter } from './dynamodb.client.js';

@Global()
@Module({
  providers: [
    DynamoDbRequestCounter,
    DatabaseHealth,
    {
      provide: DynamoDBClient,
      inject: [AppConfig, DynamoDbRequestCounter],
      useFactory: (config: AppConfig, counter: DynamoDbRequestCounter) =>
        createDynamoDbClient(config.dynamodb, counter),
    },
    {
      provide: TABLE_NAME,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => config.dynamodb.tableName,
    },
  ],
  exports: [DynamoDBClient, DynamoDbRequestCounter, DatabaseHealth, TABLE_NAME],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DynamoDBClient) private readonly client: DynamoDBClient) {}

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
