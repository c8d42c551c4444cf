import {
  GetItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { InitializeHandlerOptions, InitializeMiddleware } from '@smithy/types';
import { TABLE_SCHEMA } from './table.schema.js';

type Key = Record<string, AttributeValue>;

/** The table and key of every item a transaction writes (puts, updates and deletes). */
function writtenItems(input: TransactWriteItemsCommandInput): { table: string; key: Key }[] {
  const { partitionKey, sortKey } = TABLE_SCHEMA;
  return (input.TransactItems ?? []).flatMap((item) => {
    if (item.Put?.Item && item.Put.TableName) {
      const { [partitionKey]: pk, [sortKey]: sk } = item.Put.Item;
      return pk && sk
        ? [{ table: item.Put.TableName, key: { [partitionKey]: pk, [sortKey]: sk } }]
        : [];
    }
    const write = item.Update ?? item.Delete;
    return write?.Key && write.TableName ? [{ table: write.TableName, key: write.Key }] : [];
  });
}

/**
 * The inputs of the confirming reads, so that DynamoDbRequestCounter can tell them from the
 * service's own requests (they are DynamoDB Local's alone: the figures for AWS leave them out).
 */
export const confirmingReads = new WeakSet<object>();

/** Its name in the client's middleware stack (the crash test's demonstration removes it by name). */
export const CONFIRM_TRANSACTIONS_MIDDLEWARE = 'confirmTransactionsLocally';

export const confirmTransactionsOptions: InitializeHandlerOptions & { name: string } = {
  step: 'initialize',
  name: CONFIRM_TRANSACTIONS_MIDDLEWARE,
};

/**
 * For DynamoDB Local only: after a TransactWriteItems succeeds, reads every item it wrote with a
 * strongly consistent read before answering. DynamoDB Local can acknowledge a transaction before it
 * is on disk: killed right after the answer it lost some, while a consistent read of the items
 * before answering lost none (shared/DESIGN.md, "Machine facts"). Real DynamoDB is durable on
 * answer and skips this.
 */
export function confirmTransactions(
  client: DynamoDBClient,
): InitializeMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  return (next, context) => async (args) => {
    const result = await next(args);
    if (context.commandName === 'TransactWriteItemsCommand') {
      const items = writtenItems(args.input as TransactWriteItemsCommandInput);
      await Promise.all(
        items.map(({ table, key }) => {
          const input = {
            TableName: table,
            Key: key,
            ConsistentRead: true,
            ProjectionExpression: '#pk',
            ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey },
          };
          confirmingReads.add(input);
          return client.send(new GetItemCommand(input));
        }),
      );
    }
    return result;
  };
}
