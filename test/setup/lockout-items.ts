import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createDynamoDbClient } from '../../src/database/dynamodb.client.js';
import { keys } from '../../src/database/table.schema.js';
import { accountWindow } from '../../src/users/lockout.js';
import type { TestApp } from './test-app.js';

/**
 * The lockout's items as stored in the test app's table, read directly: what the service counted
 * (a failure is counted only after a password was checked and found wrong).
 */
export async function lockoutItems(t: TestApp, email: string, source: string) {
  const client = createDynamoDbClient(t.config.dynamodb);
  try {
    const read = async (key: Record<string, string>) => {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: t.config.dynamodb.tableName,
          Key: marshall(key),
          ConsistentRead: true,
        }),
      );
      return Item ? unmarshall(Item) : undefined;
    };
    const window = accountWindow(new Date(), t.config.login);
    const pair = (await read(keys.loginPair(email, source))) as
      { attempts: number; level?: number; lastAt: number } | undefined;
    const counts = (await read(keys.loginWindow(email, window.number))) as
      { failures?: number; refusals?: number } | undefined;
    return {
      pair,
      failures: counts?.failures ?? 0,
      refusals: counts?.refusals ?? 0,
    };
  } finally {
    client.destroy();
  }
}
