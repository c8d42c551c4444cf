import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createApp } from '../../src/app.setup.js';
import { Clock } from '../../src/common/clock.js';
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

/** The app's configuration for a test: the jest-wide DynamoDB Local, a table and folder of its own. */
function testConfig(env: Record<string, string>) {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run through jest (global setup)');
  return loadConfig({
    NODE_ENV: 'test',
    DYNAMODB_ENDPOINT: endpoint,
    TABLE_NAME: `test-${randomUUID()}`,
    DATA_DIR: join(tmpdir(), `session-service-test-${randomUUID()}`),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}

/**
 * The real application, configured by app.setup.ts as in production, on the run's DynamoDB Local
 * with a fresh table of its own, so test files never see each other's data.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { createTable?: boolean } = {},
): Promise<TestApp> {
  const config = testConfig(env);
  // An unreachable endpoint (outage tests) gets no table; another DynamoDB Local asks for one.
  if (options.createTable ?? config.dynamodb.endpoint === process.env.DYNAMODB_ENDPOINT) {
    const client = createDynamoDbClient(config.dynamodb);
    await ensureTable(client, config.dynamodb.tableName);
    client.destroy();
  }
  const app = await createApp(config);
  return { app, config, server: app.getHttpServer(), close: () => app.close() };
}

/**
 * A clock that runs with the wall clock, moved on by `advance` (an offset): the app's own
 * decisions (token and session expiry) see the moved time, while JWTs and everything else that
 * reads the wall clock still agree with each other.
 */
export class ShiftedClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(seconds: number): this {
    this.offsetMs += seconds * 1000;
    return this;
  }
}

/**
 * The real application as createTestApp builds it, with `clock` in place of the system clock in
 * every module (the one provider a test replaces).
 */
export async function createTestAppWithClock(
  clock: Clock,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const config = testConfig(env);
  const client = createDynamoDbClient(config.dynamodb);
  await ensureTable(client, config.dynamodb.tableName);
  client.destroy();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  await app.init();
  return { app, config, server: app.getHttpServer(), close: () => app.close() };
}
