import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds } from '../common/clock.js';
import { TABLE_NAME } from '../database/database.tokens.js';
import { keys, TABLE_SCHEMA } from '../database/table.schema.js';
import { ringSlot } from './rotation.js';
import type { RevokeReason, Session } from './session.js';
import {
  SessionsRepository,
  type RotateRequest,
  type RotateResult,
} from './sessions.repository.js';

interface SessionItem {
  pk: string;
  sk: string;
  type: 'session';
  id: string;
  userId: string;
  clientId: string;
  scope: string;
  tokenHash: string;
  generation: number;
  prev: Record<string, string>;
  createdAt: string;
  lastUsedAt: string;
  rotatedAt?: string;
  expiresAt: number;
  revokedAt?: string;
  revokeReason?: RevokeReason;
  ttl: number;
  gsi1pk?: string;
  gsi1sk?: string;
}

function toSession(item: SessionItem): Session {
  return {
    id: item.id,
    userId: item.userId,
    clientId: item.clientId,
    scope: item.scope,
    tokenHash: item.tokenHash,
    generation: item.generation,
    previousHashes: item.prev,
    createdAt: item.createdAt,
    lastUsedAt: item.lastUsedAt,
    rotatedAt: item.rotatedAt,
    expiresAt: item.expiresAt,
    revokedAt: item.revokedAt,
    revokeReason: item.revokeReason,
  };
}

const fromItem = (item: Record<string, AttributeValue>): Session =>
  toSession(unmarshall(item) as SessionItem);

@Injectable()
export class DynamoDbSessionsRepository extends SessionsRepository {
  constructor(
    private readonly db: DynamoDBClient,
    @Inject(TABLE_NAME) private readonly table: string,
  ) {
    super();
  }

  async create(session: Session): Promise<void> {
    const item: SessionItem = {
      ...keys.session(session.id),
      type: 'session',
      id: session.id,
      userId: session.userId,
      clientId: session.clientId,
      scope: session.scope,
      tokenHash: session.tokenHash,
      generation: session.generation,
      prev: { ...session.previousHashes },
      createdAt: session.createdAt,
      lastUsedAt: session.lastUsedAt,
      expiresAt: session.expiresAt,
      // Kept a day past its end, so a late refresh is told "expired" rather than "unknown".
      ttl: session.expiresAt + 86_400,
      gsi1pk: keys.userSessions(session.userId),
      gsi1sk: keys.userSessionsSort(session.createdAt, session.id),
    };
    await this.db.send(
      new PutItemCommand({
        TableName: this.table,
        Item: marshall(item, { removeUndefinedValues: true }),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findById(sessionId: string): Promise<Session | undefined> {
    const result = await this.db.send(
      new GetItemCommand({
        TableName: this.table,
        Key: marshall(keys.session(sessionId)),
        ConsistentRead: true,
      }),
    );
    return result.Item ? fromItem(result.Item) : undefined;
  }

  async rotateIfCurrent(request: RotateRequest): Promise<RotateResult> {
    const now = request.now.toISOString();
    try {
      const result = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.session(request.sessionId)),
          UpdateExpression:
            'SET tokenHash = :new, generation = :nextGeneration, #prev.#slot = :presented, ' +
            'lastUsedAt = :now, rotatedAt = :now',
          ConditionExpression:
            'tokenHash = :presented AND generation = :generation AND clientId = :client ' +
            'AND attribute_not_exists(revokedAt) AND expiresAt > :nowEpoch',
          ExpressionAttributeNames: {
            '#prev': 'prev',
            '#slot': ringSlot(request.presentedGeneration),
          },
          ExpressionAttributeValues: marshall({
            ':new': request.newHash,
            ':presented': request.presentedHash,
            ':generation': request.presentedGeneration,
            ':nextGeneration': request.presentedGeneration + 1,
            ':client': request.clientId,
            ':now': now,
            ':nowEpoch': epochSeconds(request.now),
          }),
          ReturnValues: 'ALL_NEW',
          // On failure DynamoDB hands back the item as it was: no second read to tell why.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { rotated: true, session: fromItem(result.Attributes ?? {}) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { rotated: false, session: error.Item ? fromItem(error.Item) : undefined };
      }
      throw error;
    }
  }

  async revoke(sessionId: string, reason: RevokeReason, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.session(sessionId)),
          // Leaving the index drops the session from "sessions of a user" at once.
          UpdateExpression: 'SET revokedAt = :now, revokeReason = :reason REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: marshall({ ':now': now.toISOString(), ':reason': reason }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listByUser(userId: string): Promise<Session[]> {
    const sessions: Session[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: TABLE_SCHEMA.userSessionsIndex.name,
          KeyConditionExpression: 'gsi1pk = :user',
          ExpressionAttributeValues: marshall({ ':user': keys.userSessions(userId) }),
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      sessions.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return sessions;
  }
}
