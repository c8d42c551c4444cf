import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds } from '../common/clock.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { TABLE_NAME } from '../database/database.tokens.js';
import { keys } from '../database/table.schema.js';
import {
  DynamoDbUnitOfWork,
  dynamoDbUnitOfWork,
  type UnitOfWork,
} from '../database/unit-of-work.js';
import type {
  AccountKey,
  Credential,
  NewAccount,
  StoredAccountToken,
  UserProfile,
} from './user.js';
import {
  BadCredentialsError,
  EmailAlreadyVerifiedError,
  EmailTakenError,
  InvalidAccountTokenError,
  UserNotFoundError,
} from './users.errors.js';
import { UsersRepository, type SessionCount, type SignInState } from './users.repository.js';

interface ProfileItem {
  pk: string;
  sk: string;
  type: 'user';
  id: string;
  email: string;
  emailVerified: boolean;
  createdAt: string;
  updatedAt: string;
}

interface CredentialItem {
  pk: string;
  sk: string;
  type: 'email';
  userId: string;
  passwordHash: string;
  emailVerified: boolean;
  sessionCount?: number;
  /** The pending verification mail's token: SHA-256 of its secret, and its end (epoch s). */
  verifyHash?: string;
  verifyExpiresAt?: number;
  /** The pending password reset's token, likewise. */
  resetHash?: string;
  resetExpiresAt?: number;
}

interface WindowItem {
  failures?: number;
}

function toProfile(item: ProfileItem): UserProfile {
  return {
    id: item.id,
    email: item.email,
    emailVerified: item.emailVerified,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

function toCredential(email: string, item: CredentialItem): Credential {
  return {
    userId: item.userId,
    email,
    passwordHash: item.passwordHash,
    emailVerified: item.emailVerified,
    sessionCount: item.sessionCount ?? 0,
  };
}

const keyOf = (item: Record<string, AttributeValue>): string =>
  `${item.pk?.S ?? ''}|${item.sk?.S ?? ''}`;

@Injectable()
export class DynamoDbUsersRepository extends UsersRepository {
  constructor(
    private readonly db: DynamoDBClient,
    @Inject(TABLE_NAME) private readonly table: string,
  ) {
    super();
  }

  async create({ profile, passwordHash, verification }: NewAccount): Promise<void> {
    const credential: CredentialItem = {
      ...keys.email(profile.email),
      type: 'email',
      userId: profile.id,
      passwordHash,
      emailVerified: profile.emailVerified,
      sessionCount: 0,
      verifyHash: verification?.hash,
      verifyExpiresAt: verification?.expiresAt,
    };
    const item: ProfileItem = { ...keys.user(profile.id), type: 'user', ...profile };
    const transaction = new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.table,
            Item: marshall(credential, { removeUndefinedValues: true }),
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

  async findProfile(userId: string): Promise<UserProfile | undefined> {
    const result = await this.db.send(
      new GetItemCommand({
        TableName: this.table,
        Key: marshall(keys.user(userId)),
        ConsistentRead: true,
      }),
    );
    return result.Item ? toProfile(unmarshall(result.Item) as ProfileItem) : undefined;
  }

  async findForSignIn(normalizedEmail: string, window: number): Promise<SignInState> {
    const credentialKey = marshall(keys.email(normalizedEmail));
    const windowKey = marshall(keys.loginWindow(normalizedEmail, window));
    let pending: Record<string, AttributeValue>[] = [credentialKey, windowKey];
    const found = new Map<string, Record<string, AttributeValue>>();
    // BatchGetItem may hand back keys unprocessed when throttled: ask again for those (on an
    // answering table this loop runs once).
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.db.send(
        new BatchGetItemCommand({
          RequestItems: {
            [this.table]: {
              Keys: pending,
              ConsistentRead: true,
              ProjectionExpression:
                'pk, sk, userId, passwordHash, emailVerified, sessionCount, failures',
            },
          },
        }),
      );
      for (const item of result.Responses?.[this.table] ?? []) found.set(keyOf(item), item);
      pending = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
      if (pending.length > 0) {
        if (attempt === 5) throw new Error('DynamoDB left keys of a BatchGetItem unprocessed');
        await sleep(20 * attempt);
      }
    }
    const credential = found.get(keyOf(credentialKey));
    const windowItem = found.get(keyOf(windowKey));
    return {
      credential: credential
        ? toCredential(normalizedEmail, unmarshall(credential) as CredentialItem)
        : undefined,
      accountFailures: windowItem ? ((unmarshall(windowItem) as WindowItem).failures ?? 0) : 0,
    };
  }

  countSession(work: UnitOfWork, normalizedEmail: string, change: SessionCount): void {
    dynamoDbUnitOfWork(work).update(
      {
        TableName: this.table,
        Key: marshall(keys.email(normalizedEmail)),
        UpdateExpression:
          change.kind === 'one_more' ? 'ADD sessionCount :one' : 'SET sessionCount = :sessions',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: marshall(
          change.kind === 'one_more' ? { ':one': 1 } : { ':sessions': change.sessions },
        ),
      },
      // The account was deleted between the password check and now.
      () => new BadCredentialsError({ reason: 'unknown_account' }),
    );
  }

  async setVerificationToken(account: AccountKey, token: StoredAccountToken): Promise<void> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.email(account.email)),
          UpdateExpression: 'SET verifyHash = :hash, verifyExpiresAt = :expiresAt',
          ConditionExpression: 'userId = :userId AND emailVerified = :false',
          ExpressionAttributeValues: marshall({
            ':hash': token.hash,
            ':expiresAt': token.expiresAt,
            ':userId': account.userId,
            ':false': false,
          }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = error.Item ? (unmarshall(error.Item) as CredentialItem) : undefined;
      if (stored?.userId !== account.userId) throw new UserNotFoundError();
      throw new EmailAlreadyVerifiedError();
    }
  }

  async markEmailVerified(account: AccountKey, tokenHash: string, now: Date): Promise<void> {
    const work = new DynamoDbUnitOfWork(this.db);
    const refused = () => new InvalidAccountTokenError('email_verification');
    work.update(
      {
        TableName: this.table,
        Key: marshall(keys.email(account.email)),
        UpdateExpression: 'SET emailVerified = :true REMOVE verifyHash, verifyExpiresAt',
        ConditionExpression: 'userId = :userId AND verifyHash = :hash AND verifyExpiresAt > :now',
        ExpressionAttributeValues: marshall({
          ':true': true,
          ':userId': account.userId,
          ':hash': tokenHash,
          ':now': epochSeconds(now),
        }),
      },
      refused,
    );
    this.addProfileVerified(work, account.userId, now, refused);
    await work.commit();
  }

  async setResetToken(
    normalizedEmail: string,
    token: StoredAccountToken,
  ): Promise<string | undefined> {
    try {
      const result = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.email(normalizedEmail)),
          // One item holds the one pending reset: a newer request overwrites the older token.
          UpdateExpression: 'SET resetHash = :hash, resetExpiresAt = :expiresAt',
          // Refused (at the same cost) when no account has the email: no item is ever made here.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: marshall({
            ':hash': token.hash,
            ':expiresAt': token.expiresAt,
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (unmarshall(result.Attributes ?? {}) as Partial<CredentialItem>).userId;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async resetPassword(
    account: AccountKey,
    tokenHash: string,
    passwordHash: string,
    now: Date,
  ): Promise<void> {
    const work = new DynamoDbUnitOfWork(this.db);
    const refused = () => new InvalidAccountTokenError('password_reset');
    work.update(
      {
        TableName: this.table,
        Key: marshall(keys.email(account.email)),
        // The reset mail reached the owner: the email is verified too (any verification token is
        // moot), which also lets an owner who lost the verification mail in.
        UpdateExpression:
          'SET passwordHash = :passwordHash, emailVerified = :true ' +
          'REMOVE resetHash, resetExpiresAt, verifyHash, verifyExpiresAt',
        ConditionExpression: 'userId = :userId AND resetHash = :hash AND resetExpiresAt > :now',
        ExpressionAttributeValues: marshall({
          ':passwordHash': passwordHash,
          ':true': true,
          ':userId': account.userId,
          ':hash': tokenHash,
          ':now': epochSeconds(now),
        }),
      },
      refused,
    );
    this.addProfileVerified(work, account.userId, now, refused);
    await work.commit();
  }

  /** The profile's copy of the verified flag, in the same transaction as the credential's. */
  private addProfileVerified(
    work: DynamoDbUnitOfWork,
    userId: string,
    now: Date,
    refused: () => Error,
  ): void {
    work.update(
      {
        TableName: this.table,
        Key: marshall(keys.user(userId)),
        UpdateExpression: 'SET emailVerified = :true, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: marshall({ ':true': true, ':now': now.toISOString() }),
      },
      refused,
    );
  }

  addPasswordChange(work: UnitOfWork, account: AccountKey, passwordHash: string): void {
    dynamoDbUnitOfWork(work).update(
      {
        TableName: this.table,
        Key: marshall(keys.email(account.email)),
        // A reset link mailed for the old password does not outlive it.
        UpdateExpression: 'SET passwordHash = :passwordHash REMOVE resetHash, resetExpiresAt',
        ConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: marshall({
          ':passwordHash': passwordHash,
          ':userId': account.userId,
        }),
      },
      () => new UserNotFoundError(),
    );
  }

  addDeletion(work: UnitOfWork, account: AccountKey): void {
    const unit = dynamoDbUnitOfWork(work);
    unit.delete(
      {
        TableName: this.table,
        Key: marshall(keys.email(account.email)),
        ConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: marshall({ ':userId': account.userId }),
      },
      () => new UserNotFoundError(),
    );
    unit.delete({ TableName: this.table, Key: marshall(keys.user(account.userId)) });
  }
}
