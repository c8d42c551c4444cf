import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.setup.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createDynamoDbClient } from '../../src/database/dynamodb.client.js';
import { ensureTable } from '../../src/database/table.setup.js';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly config: AppConfig;
  /** The Node HTTP server, for supertest. */
  readonly server: ReturnType<NestExpressApplication['getHttpServer']>;
  close(): Promise<void>;
}

/**
 * The real application, configured by app.setup.ts as in production, on the run's DynamoDB Local
 * with a fresh table of its own, so test files never see each other's data.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { createTable?: boolean } = {},
): Promise<TestApp> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run through jest (global setup)');
  const config = loadConfig({
    NODE_ENV: 'test',
    DYNAMODB_ENDPOINT: endpoint,
    TABLE_NAME: `test-${randomUUID()}`,
    DATA_DIR: join(tmpdir(), `session-service-test-${randomUUID()}`),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  // An unreachable endpoint (outage tests) gets no table; another DynamoDB Local asks for one.
  if (options.createTable ?? config.dynamodb.endpoint === endpoint) {
    const client = createDynamoDbClient(config.dynamodb);
    await ensureTable(client, config.dynamodb.tableName);
    client.destroy();
  }
  const app = await createApp(config);
  return { app, config, server: app.getHttpServer(), close: () => app.close() };
}
