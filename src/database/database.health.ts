import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { TABLE_NAME } from './database.tokens.js';

@Injectable()
export class DatabaseHealth {
  constructor(
    private readonly db: DynamoDBClient,
    @Inject(TABLE_NAME) private readonly table: string,
  ) {}

  /** True when the table answers a read (a data-plane call: DescribeTable is rate-limited). */
  async isReachable(): Promise<boolean> {
    try {
      await this.db.send(
        new GetItemCommand({
          TableName: this.table,
          Key: { pk: { S: 'HEALTH' }, sk: { S: 'HEALTH' } },
        }),
      );
      return true;
    } catch {
      return false;
    }
  }
}
