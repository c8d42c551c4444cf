import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDynamoDbClient } from '../../../src/database/dynamodb.client.js';
import { keys } from '../../../src/database/table.schema.js';

/**
 * Waits until DynamoDB Local serves a read of the table. It answers HTTP before that: on a busy
 * machine, its first reads after a start can take seconds, or fail while it opens the data.
 */
export async function waitUntilServingReads(endpoint: string, table: string): Promise<void> {
  const client = createDynamoDbClient({ region: 'us-east-1', endpoint, patient: true });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      try {
        await client.send(
          new GetItemCommand({
            TableName: table,
            Key: marshall(keys.health()),
            ConsistentRead: true,
          }),
        );
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}
