import {
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AppConfig } from '../config/app-config.js';
import { createDynamoDbClient } from './dynamodb.client.js';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb.js';
import { keys } from './table.schema.js';
import { ensureTable } from './table.setup.js';

export interface PreparedDatabase {
  /** The configuration with the endpoint actually in use. */
  readonly config: AppConfig;
  /** The DynamoDB Local started for this process, to stop when done. */
  readonly local?: LocalDynamoDb;
}

/**
 * One request of each kind the app makes (a read, a put, a transaction, an update), so that a
 * DynamoDB Local just started has its slow first time behind it. The writes are conditional on an
 * item that never exists, so they fail and write nothing.
 */
async function warmUp(client: DynamoDBClient, table: string): Promise<void> {
  const key = marshall(keys.health());
  const never = 'attribute_exists(pk)';
  const failed = () => undefined;
  await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
  await client
    .send(new PutItemCommand({ TableName: table, Item: key, ConditionExpression: never }))
    .catch(failed);
  await client
    .send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { ConditionCheck: { TableName: table, Key: key, ConditionExpression: never } },
        ],
      }),
    )
    .catch(failed);
  await client
    .send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET warm = :true',
        ConditionExpression: never,
        ExpressionAttributeValues: marshall({ ':true': true }),
      }),
    )
    .catch(failed);
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
