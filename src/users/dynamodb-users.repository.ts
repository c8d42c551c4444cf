import {
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONFIRM_TRANSACTIONS, TABLE_NAME } from '../database/database.tokens.js';
import { keys } from '../database/table.schema.js';
import type { User } from './user.js';
import { EmailTakenError } from './users.errors.js';
import { UsersRepository } from './users.repository.js';

interface UserItem {
  pk: string;
  sk: string;
  type: 'user';
  id: string;
  email: string;
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
  failedLogins?: number;
  lockedUntil?: string;
}

function toUser(item: UserItem): User {
  return {
    id: item.id,
    email: item.email,
    passwordHash: item.passwordHash,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    failedLogins: item.failedLogins,
    lockedUntil: item.lockedUntil,
  };
}

@Injectable()
export class DynamoDbUsersRepository extends UsersRepository {
  constructor(
    private readonly db: DynamoDBClient,
    @Inject(TABLE_NAME) private readonly table: string,
    @Inject(CONFIRM_TRANSACTIONS) private readonly confirmTransactions: boolean,
  ) {
    super();
  }

  async create(user: User): Promise<void> {
    const item: UserItem = { ...keys.user(user.id), type: 'user', ...user };
    const transaction = new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.table,
            Item: marshall({ ...keys.email(user.email), type: 'email', userId: user.id }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: marshall(item),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });
    // A transaction that collides with another one on the same email claim is cancelled with
    // TransactionConflict; trying again settles it: either ours wins or the claim now exists.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(transaction);
        if (this.confirmTransactions) await this.findById(user.id);
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // The email claim is the first item: its condition failing means the email is taken.
        if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new EmailTakenError();
        const conflict = reasons.some((reason) => reason.Code === 'TransactionConflict');
        if (!conflict || attempt === 5) throw error;
        await sleep(10 * attempt + Math.random() * 20);
      }
    }
  }

  async findByEmail(normalizedEmail: string): Promise<User | undefined> {
    const claim = await this.db.send(
      new GetItemCommand({
        TableName: this.table,
        Key: marshall(keys.email(normalizedEmail)),
        ProjectionExpression: 'userId',
        ConsistentRead: true,
      }),
    );
    if (!claim.Item) return undefined;
    const { userId } = unmarshall(claim.Item) as { userId: string };
    return this.findById(userId);
  }

  async findById(userId: string): Promise<User | undefined> {
    const result = await this.db.send(
      new GetItemCommand({
        TableName: this.table,
        Key: marshall(keys.user(userId)),
        ConsistentRead: true,
      }),
    );
    return result.Item ? toUser(unmarshall(result.Item) as UserItem) : undefined;
  }

  async recordFailedLogin(userId: string, lockedUntil: Date | undefined): Promise<void> {
    // ADD is atomic, so concurrent failures are all counted.
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(keys.user(userId)),
        UpdateExpression: lockedUntil
          ? 'ADD failedLogins :one SET lockedUntil = :until'
          : 'ADD failedLogins :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: marshall({
          ':one': 1,
          ...(lockedUntil ? { ':until': lockedUntil.toISOString() } : {}),
        }),
      }),
    );
  }

  async clearFailedLogins(userId: string): Promise<void> {
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(keys.user(userId)),
        UpdateExpression: 'REMOVE failedLogins, lockedUntil',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }
}
