import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { TABLE_NAME } from './database.tokens.js';
import { keys } from './table.schema.js';

@Injectable()
export class DatabaseHealth {
  constructor(
    private readonly db: DynamoDBClient,
    @Inject(TABLE_NAME) private readonly table: string,
  ) {}

  /**
   * True when the table answers a read (a data-plane call: DescribeTable is rate-limited). Bounded
   * in time like every call (DYNAMODB_TIMEOUTS), so a hung database reads as "not reachable".
   */
  async isReachable(): Promise<boolean> {
    try {
      await this.db.send(
        new GetItemCommand({ TableName: this.table, Key: marshall(keys.health()) }),
      );
      return true;
    } catch {
      return false;
    }
  }
}
