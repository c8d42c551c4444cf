import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  paginateQuery,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds } from '../common/clock.js';
import { TABLE_NAME } from '../database/database.tokens.js';
import { keys, TABLE_SCHEMA } from '../database/table.schema.js';
import { dynamoDbUnitOfWork, type UnitOfWork } from '../database/unit-of-work.js';
import { ringSlot } from './rotation.js';
import type { RevokeReason, Session, SessionProfile } from './session.js';
import { decodeSessionCursor, encodeSessionCursor } from './session-cursor.js';
import {
  SessionsRepository,
  type RotateRequest,
  type RotateResult,
  type SessionPage,
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
  graceReuses?: number;
  /** The profile snapshot: email and whether it is verified. */
  email?: string;
  emailVerified?: boolean;
  ttl: number;
  gsi1pk?: string;
  gsi1sk?: string;
}

/** How many sessions one Query page holds when a user's sessions are walked (bounded batches). */
export const SESSION_BATCH = 25;

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
    graceReuses: item.graceReuses,
    profile:
      item.email === undefined
        ? undefined
        : { email: item.email, emailVerified: item.emailVerified === true },
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
    await this.db.send(new PutItemCommand(this.putOf(session)));
  }

  addCreate(work: UnitOfWork, session: Session): void {
    dynamoDbUnitOfWork(work).put(this.putOf(session));
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
            'lastUsedAt = :now, rotatedAt = :now REMOVE graceReuses',
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

  async recordGraceReuse(
    sessionId: string,
    generation: number,
    now: Date,
  ): Promise<Session | undefined> {
    try {
      const result = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.session(sessionId)),
          UpdateExpression: 'ADD graceReuses :one',
          ConditionExpression:
            'generation = :generation AND attribute_not_exists(revokedAt) AND expiresAt > :now',
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':generation': generation,
            ':now': epochSeconds(now),
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? fromItem(result.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async revoke(sessionId: string, reason: RevokeReason, now: Date): Promise<Session | undefined> {
    try {
      const result = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.session(sessionId)),
          // Leaving the index drops the session from "sessions of a user" at once.
          UpdateExpression: 'SET revokedAt = :now, revokeReason = :reason REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: marshall({ ':now': now.toISOString(), ':reason': reason }),
          // Whose session it was, for the audit, at no extra cost.
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? fromItem(result.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async *listByUser(userId: string, pageSize = SESSION_BATCH): AsyncIterable<readonly Session[]> {
    const pages = paginateQuery({ client: this.db, pageSize }, this.userSessionsQuery(userId));
    for await (const page of pages) {
      const sessions = (page.Items ?? []).map(fromItem);
      if (sessions.length > 0) yield sessions;
    }
  }

  async pageByUser(
    userId: string,
    limit: number,
    now: Date,
    cursor?: string,
  ): Promise<SessionPage> {
    const start = cursor === undefined ? undefined : decodeSessionCursor(cursor);
    if (cursor !== undefined && !start) throw new Error('the session cursor was not checked');
    const query = this.userSessionsQuery(userId);
    const pages = paginateQuery(
      {
        client: this.db,
        pageSize: limit,
        // An index's start key holds the table's keys and the index's.
        startingToken: start
          ? marshall({
              ...keys.session(start.sessionId),
              gsi1pk: keys.userSessions(userId),
              gsi1sk: keys.userSessionsSort(start.createdAt, start.sessionId),
            })
          : undefined,
      },
      {
        ...query,
        // Expired sessions stay in the index until their TTL: a page shows live ones only.
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: {
          ...query.ExpressionAttributeValues,
          ...marshall({ ':now': epochSeconds(now) }),
        },
      },
    );
    const sessions: Session[] = [];
    for await (const page of pages) {
      const items = page.Items ?? [];
      for (const [index, item] of items.entries()) {
        sessions.push(fromItem(item));
        if (sessions.length === limit) {
          const more = index < items.length - 1 || page.LastEvaluatedKey !== undefined;
          const last = sessions[sessions.length - 1];
          return {
            sessions,
            next: more
              ? encodeSessionCursor({ createdAt: last.createdAt, sessionId: last.id })
              : undefined,
          };
        }
      }
    }
    return { sessions };
  }

  async updateProfile(sessionId: string, profile: SessionProfile): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(keys.session(sessionId)),
          UpdateExpression: 'SET email = :email, emailVerified = :verified',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: marshall({
            ':email': profile.email,
            ':verified': profile.emailVerified,
          }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  addDelete(work: UnitOfWork, sessionId: string): void {
    dynamoDbUnitOfWork(work).delete({
      TableName: this.table,
      Key: marshall(keys.session(sessionId)),
    });
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.send(
      new DeleteItemCommand({ TableName: this.table, Key: marshall(keys.session(sessionId)) }),
    );
  }

  /** "Sessions of a user" (gsi1), newest first. */
  private userSessionsQuery(userId: string): QueryCommandInput {
    return {
      TableName: this.table,
      IndexName: TABLE_SCHEMA.userSessionsIndex.name,
      KeyConditionExpression: 'gsi1pk = :user',
      ExpressionAttributeValues: marshall({ ':user': keys.userSessions(userId) }),
      ScanIndexForward: false,
    };
  }

  private putOf(session: Session) {
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
      email: session.profile?.email,
      emailVerified: session.profile?.emailVerified,
      // Kept a day past its end, so a late refresh is told "expired" rather than "unknown".
      ttl: session.expiresAt + 86_400,
      gsi1pk: keys.userSessions(session.userId),
      gsi1sk: keys.userSessionsSort(session.createdAt, session.id),
    };
    return {
      TableName: this.table,
      Item: marshall(item, { removeUndefinedValues: true }),
      ConditionExpression: 'attribute_not_exists(pk)',
    };
  }
}
