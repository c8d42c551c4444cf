import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  paginateScan,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Inject, Injectable } from '@nestjs/common';
import { TABLE_NAME } from '../database/database.tokens.js';
import { KEY_PREFIX, keys } from '../database/table.schema.js';
import type { GrantType } from './client.js';
import { ClientExistsError, ClientsRepository, type StoredClient } from './clients.repository.js';

/**
 * The stored item. `type` is the item-kind discriminator every item in the table carries, so the
 * public/confidential distinction is stored as `clientType`.
 */
interface ClientItem {
  pk: string;
  sk: string;
  type: 'client';
  id: string;
  name: string;
  clientType: 'public' | 'confidential';
  secretHash?: string;
  grantTypes: GrantType[];
  scopes: string[];
  /** Written only when true (see toStoredClient). */
  introspection?: boolean;
  accessTokenTtlSeconds?: number;
  sessionTtlSeconds?: number;
  refreshReuseGraceSeconds?: number;
  createdAt: string;
  updatedAt: string;
}

/** Attributes an upsert sets when the client has them and removes when it does not. */
const OPTIONAL_ATTRIBUTES = [
  'secretHash',
  'introspection',
  'accessTokenTtlSeconds',
  'sessionTtlSeconds',
  'refreshReuseGraceSeconds',
] as const;

function toItem(client: StoredClient): ClientItem {
  const item: ClientItem = {
    ...keys.client(client.id),
    type: 'client',
    id: client.id,
    name: client.name,
    clientType: client.type,
    grantTypes: [...client.grantTypes],
    scopes: [...client.scopes],
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
  for (const attribute of OPTIONAL_ATTRIBUTES) {
    if (client[attribute] !== undefined) Object.assign(item, { [attribute]: client[attribute] });
  }
  return item;
}

function toClient(item: ClientItem): StoredClient {
  return {
    id: item.id,
    name: item.name,
    type: item.clientType,
    grantTypes: item.grantTypes,
    scopes: item.scopes,
    ...(item.secretHash !== undefined && { secretHash: item.secretHash }),
    ...(item.introspection === true && { introspection: true }),
    ...(item.accessTokenTtlSeconds !== undefined && {
      accessTokenTtlSeconds: item.accessTokenTtlSeconds,
    }),
    ...(item.sessionTtlSeconds !== undefined && { sessionTtlSeconds: item.sessionTtlSeconds }),
    ...(item.refreshReuseGraceSeconds !== undefined && {
      refreshReuseGraceSeconds: item.refreshReuseGraceSeconds,
    }),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

@Injectable()
export class DynamoDbClientsRepository extends ClientsRepository {
  constructor(
    private readonly db: DynamoDBClient,
    @Inject(TABLE_NAME) private readonly table: string,
  ) {
    super();
  }

  async findById(clientId: string): Promise<StoredClient | undefined> {
    const result = await this.db.send(
      new GetItemCommand({
        TableName: this.table,
        Key: marshall(keys.client(clientId)),
        // A client deleted or re-keyed through the CLI must not linger in a stale replica read.
        ConsistentRead: true,
      }),
    );
    return result.Item ? toClient(unmarshall(result.Item) as ClientItem) : undefined;
  }

  async create(client: StoredClient): Promise<void> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall(toItem(client)),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ClientExistsError(`client ${client.id} already exists`);
      }
      throw error;
    }
  }

  async upsert(client: StoredClient): Promise<void> {
    // One UpdateItem rather than a Put: it keeps the first createdAt without reading it first.
    const { pk, sk, createdAt, ...fields } = toItem(client);
    const names: Record<string, string> = { '#createdAt': 'createdAt' };
    const values: Record<string, unknown> = { ':createdAt': createdAt };
    const sets = ['#createdAt = if_not_exists(#createdAt, :createdAt)'];
    for (const [name, value] of Object.entries(fields)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    const removes = OPTIONAL_ATTRIBUTES.filter((attribute) => !(attribute in fields));
    for (const attribute of removes) names[`#${attribute}`] = attribute;
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall({ pk, sk }),
        UpdateExpression:
          `SET ${sets.join(', ')}` +
          (removes.length > 0 ? ` REMOVE ${removes.map((a) => `#${a}`).join(', ')}` : ''),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
      }),
    );
  }

  async delete(clientId: string): Promise<boolean> {
    const result = await this.db.send(
      new DeleteItemCommand({
        TableName: this.table,
        Key: marshall(keys.client(clientId)),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  /**
   * A Scan of the whole table filtered to client items: it reads every item, which is acceptable
   * only because the CLI is the one caller. Should a request path ever need the list, give clients
   * a GSI partition of their own instead.
   */
  async listAll(): Promise<StoredClient[]> {
    const clients: StoredClient[] = [];
    const pages = paginateScan(
      { client: this.db },
      {
        TableName: this.table,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: marshall({ ':prefix': KEY_PREFIX.client }),
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) clients.push(toClient(unmarshall(item) as ClientItem));
    }
    return clients.sort((a, b) => a.id.localeCompare(b.id));
  }
}
