import type { AppConfig } from '../config/app-config.js';
import { createDynamoDbClient } from './dynamodb.client.js';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb.js';
import { ensureTable, warmUp } from './table.setup.js';

export interface PreparedDatabase {
  /** The configuration with the endpoint actually in use. */
  readonly config: AppConfig;
  /** The DynamoDB Local started for this process, to stop when done. */
  readonly local?: LocalDynamoDb;
}

/**
 * For local processes (the server, the CLI): uses DYNAMODB_ENDPOINT when set, otherwise starts
 * DynamoDB Local with its files under DATA_DIR; then creates the table if it is missing and warms
 * it up. A DynamoDB Local just started takes up to a second or more over its first request of each
 * kind: they are made here, with patience, rather than by the app, whose calls give up after one.
 */
export async function prepareDatabase(config: AppConfig): Promise<PreparedDatabase> {
  let local: LocalDynamoDb | undefined;
  if (!config.dynamodb.endpoint) {
    local = await startLocalDynamoDb(config.dataDir);
    config = { ...config, dynamodb: { ...config.dynamodb, endpoint: local.endpoint } };
  }
  const client = createDynamoDbClient({ ...config.dynamodb, patient: true });
  try {
    await ensureTable(client, config.dynamodb.tableName);
    await warmUp(client, config.dynamodb.tableName);
  } catch (error) {
    await local?.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { config, local };
}
