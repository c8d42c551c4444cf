import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys, TABLE_SCHEMA } from './table.schema.js';

/**
 * Creates the table from TABLE_SCHEMA if it does not exist, with TTL on `ttl`. For local runs and
 * tests only: in AWS the table comes from serverless.yml.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { partitionKey, sortKey, userSessionsIndex: gsi } = TABLE_SCHEMA;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [partitionKey, sortKey, gsi.partitionKey, gsi.sortKey].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: gsi.name,
          KeySchema: [
            { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
            { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    }),
  );
  return true;
}

/**
 * One request of each kind the app makes (a read, a put, a transaction, an update), so that a
 * DynamoDB Local just started has its slow first time behind it. The writes are conditional on an
 * item that never exists, so they fail and write nothing.
 */
export async function warmUp(client: DynamoDBClient, table: string): Promise<void> {
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
