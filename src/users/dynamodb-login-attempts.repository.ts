import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  paginateQuery,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { TABLE_NAME } from '../database/database.tokens.js';
import { keys } from '../database/table.schema.js';
import { dynamoDbUnitOfWork, type UnitOfWork } from '../database/unit-of-work.js';
import type { PairState, Reservation } from './lockout.js';
import { LoginAttemptsRepository, type LoginPair } from './login-attempts.repository.js';

/** `LOGIN#<email>` / `SOURCE#<source>`; `ttl` is a reserved word, hence `#ttl` in expressions. */
interface PairItem {
  attempts?: number;
  level?: number;
  lastAt?: number;
}

function toPairState(item: Record<string, AttributeValue> | undefined): PairState | undefined {
  if (!item) return undefined;
  const pair = unmarshall(item) as PairItem;
  return { attempts: pair.attempts ?? 0, level: pair.level ?? 0, lastAt: pair.lastAt ?? 0 };
}

@Injectable()
export class DynamoDbLoginAttemptsRepository extends LoginAttemptsRepository {
  constructor(
    private readonly db: DynamoDBClient,
    @Inject(TABLE_NAME) private readonly table: string,
  ) {
    super();
  }

  async reserve(
    pair: LoginPair,
    maxAttempts: number,
    now: Date,
    expiresAt: number,
  ): Promise<Reservation> {
    try {
      const result = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.loginPair(pair.email, pair.source)),
          UpdateExpression: 'ADD attempts :one SET lastAt = :now, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :max',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':now': now.getTime(),
            ':ttl': expiresAt,
            ':max': maxAttempts,
          }),
          // The pair as it was: the new count is one more, and its lastAt says whether it was stale.
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { reserved: true, before: toPairState(result.Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const before = toPairState(error.Item);
      // The condition can only fail on an item that exists and is full.
      if (!before) throw error;
      return { reserved: false, before };
    }
  }

  async restart(
    pair: LoginPair,
    seen: Pick<PairState, 'attempts' | 'lastAt'>,
    level: number,
    now: Date,
    expiresAt: number,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.loginPair(pair.email, pair.source)),
          UpdateExpression: 'SET attempts = :one, #level = :level, lastAt = :now, #ttl = :ttl',
          ConditionExpression: 'attempts = :seenAttempts AND lastAt = :seenLastAt',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#level': 'level' },
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':level': level,
            ':now': now.getTime(),
            ':ttl': expiresAt,
            ':seenAttempts': seen.attempts,
            ':seenLastAt': seen.lastAt,
          }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  countFailure(email: string, window: number, expiresAt: number): Promise<void> {
    return this.add(email, window, 'failures', expiresAt);
  }

  countRefusal(email: string, window: number, expiresAt: number): Promise<void> {
    return this.add(email, window, 'refusals', expiresAt);
  }

  reset(work: UnitOfWork, pair: LoginPair): void {
    dynamoDbUnitOfWork(work).delete({
      TableName: this.table,
      Key: marshall(keys.loginPair(pair.email, pair.source)),
    });
  }

  async clear(email: string): Promise<void> {
    const pages = paginateQuery(
      { client: this.db, pageSize: 25 },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': keys.loginItems(email) }),
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      },
    );
    // A page at a time, its items deleted together: bounded however many sources were counted.
    for await (const page of pages) {
      await Promise.all(
        (page.Items ?? []).map((item) =>
          this.db.send(
            new DeleteItemCommand({ TableName: this.table, Key: { pk: item.pk, sk: item.sk } }),
          ),
        ),
      );
    }
  }

  /** One counter of `LOGIN#<email>` / `WINDOW#<n>`: the same request whichever counter it is. */
  private async add(
    email: string,
    window: number,
    counter: 'failures' | 'refusals',
    expiresAt: number,
  ): Promise<void> {
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(keys.loginWindow(email, window)),
        UpdateExpression: 'ADD #counter :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#counter': counter, '#ttl': 'ttl' },
        ExpressionAttributeValues: marshall({ ':one': 1, ':ttl': expiresAt }),
      }),
    );
  }
}
