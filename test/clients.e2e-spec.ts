import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ClientsService } from '../src/clients/clients.service.js';
import { InvalidClientError } from '../src/common/oauth-errors.js';
import { keys } from '../src/database/table.schema.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const BACKEND_SECRET = 'backend-secret-of-at-least-32-characters-0123';
const BOOTSTRAP_CLIENTS = JSON.stringify([
  {
    client_id: 'backend',
    client_secret: BACKEND_SECRET,
    grant_types: ['password', 'refresh_token'],
    name: 'Back end',
    scopes: ['profile'],
    access_token_ttl: 300,
    refresh_reuse_grace: 10,
  },
  { client_id: 'spa', grant_types: ['password'] },
]);

/** The stored item itself, to check what reaches DynamoDB (and what does not). */
async function storedItem(t: TestApp, clientId: string): Promise<Record<string, unknown>> {
  const result = await t.app.get(DynamoDBClient).send(
    new GetItemCommand({
      TableName: t.config.dynamodb.tableName,
      Key: { pk: { S: keys.client(clientId).pk }, sk: { S: keys.client(clientId).sk } },
      ConsistentRead: true,
    }),
  );
  return result.Item ? unmarshall(result.Item) : {};
}

describe('clients at start (DynamoDB Local)', () => {
  let t: TestApp;
  let clients: ClientsService;

  beforeAll(async () => {
    t = await createTestApp({ DEMO_CLIENT: 'true', BOOTSTRAP_CLIENTS });
    clients = t.app.get(ClientsService);
  });
  afterAll(() => t.close());

  it('has the public demo-app client', async () => {
    await expect(clients.authenticate({ clientId: 'demo-app', method: 'none' })).resolves.toEqual({
      id: 'demo-app',
      name: 'Demo app',
      type: 'public',
      grantTypes: ['password', 'refresh_token'],
      scopes: ['profile'],
    });
  });

  it('creates the BOOTSTRAP_CLIENTS, storing only a hash of the secret', async () => {
    const item = await storedItem(t, 'backend');
    expect(item).toMatchObject({
      type: 'client',
      id: 'backend',
      name: 'Back end',
      clientType: 'confidential',
      grantTypes: ['password', 'refresh_token'],
      scopes: ['profile'],
      accessTokenTtlSeconds: 300,
      refreshReuseGraceSeconds: 10,
      secretHash: expect.stringMatching(/^sha256:/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(item)).not.toContain(BACKEND_SECRET);
    expect(await storedItem(t, 'spa')).not.toHaveProperty('secretHash');
  });

  it.each(['client_secret_basic', 'client_secret_post'] as const)(
    'authenticates the confidential client with its secret (%s)',
    async (method) => {
      await expect(
        clients.authenticate({ clientId: 'backend', clientSecret: BACKEND_SECRET, method }),
      ).resolves.toMatchObject({ id: 'backend', type: 'confidential', accessTokenTtlSeconds: 300 });
    },
  );

  it('refuses a wrong secret with invalid_client', async () => {
    const error = await clients
      .authenticate({
        clientId: 'backend',
        clientSecret: 'x'.repeat(45),
        method: 'client_secret_basic',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClientError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('refuses the confidential client without a secret, and a public one with one', async () => {
    await expect(clients.authenticate({ clientId: 'backend', method: 'none' })).rejects.toThrow(
      InvalidClientError,
    );
    await expect(
      clients.authenticate({
        clientId: 'spa',
        clientSecret: 'something',
        method: 'client_secret_post',
      }),
    ).rejects.toThrow('public clients have no secret');
  });

  it('is idempotent across restarts: nothing is rewritten, createdAt and updatedAt stay', async () => {
    const before = await storedItem(t, 'backend');
    await clients.ensureClientsAtStart();
    await clients.ensureClientsAtStart();
    expect(await storedItem(t, 'backend')).toEqual(before);
    const ids = (await clients.list()).map((client) => client.id);
    expect(ids).toEqual(['backend', 'demo-app', 'spa']);
  });
});

describe('clients managed through the service (DynamoDB Local)', () => {
  let t: TestApp;
  let clients: ClientsService;

  beforeAll(async () => {
    t = await createTestApp({ DEMO_CLIENT: 'false' });
    clients = t.app.get(ClientsService);
  });
  afterAll(() => t.close());

  it('starts with no clients when DEMO_CLIENT is off and nothing is declared', async () => {
    await expect(clients.list()).resolves.toEqual([]);
  });

  it('creates a confidential client whose secret works, once', async () => {
    const { client, secret } = await clients.create({
      id: 'cli-made',
      confidential: true,
      grantTypes: ['password'],
    });
    expect(client.type).toBe('confidential');
    await expect(
      clients.authenticate({
        clientId: 'cli-made',
        clientSecret: secret,
        method: 'client_secret_post',
      }),
    ).resolves.toMatchObject({ id: 'cli-made' });
    await expect(
      clients.create({ id: 'cli-made', confidential: true, grantTypes: ['password'] }),
    ).rejects.toThrow('client cli-made already exists');
  });

  it('deletes a client, after which it no longer authenticates', async () => {
    await clients.create({ id: 'short-lived', confidential: false, grantTypes: ['password'] });
    await clients.authenticate({ clientId: 'short-lived', method: 'none' });
    await expect(clients.delete('short-lived')).resolves.toBe(true);
    await expect(clients.authenticate({ clientId: 'short-lived', method: 'none' })).rejects.toThrow(
      InvalidClientError,
    );
    await expect(clients.delete('short-lived')).resolves.toBe(false);
  });

  it('upserts a changed declaration in place, keeping createdAt', async () => {
    await clients.create({ id: 'changing', confidential: false, grantTypes: ['password'] });
    const before = await storedItem(t, 'changing');
    const redeclared = await createTestApp({
      TABLE_NAME: t.config.dynamodb.tableName,
      DEMO_CLIENT: 'false',
      BOOTSTRAP_CLIENTS: JSON.stringify([
        { client_id: 'changing', client_secret: 'c'.repeat(40), grant_types: ['refresh_token'] },
      ]),
    });
    await redeclared.close();
    const after = await storedItem(t, 'changing');
    expect(after).toMatchObject({
      clientType: 'confidential',
      grantTypes: ['refresh_token'],
      createdAt: before.createdAt,
      secretHash: expect.any(String),
    });
    expect(after.updatedAt).not.toBe(before.updatedAt);
  });
});

describe('a bad BOOTSTRAP_CLIENTS', () => {
  it('stops the start with one line naming it', async () => {
    await expect(
      createTestApp({
        BOOTSTRAP_CLIENTS: JSON.stringify([{ client_id: 'x', grant_types: ['implicit'] }]),
      }),
    ).rejects.toThrow(
      'BOOTSTRAP_CLIENTS[0] ("x"): grant_types: "implicit" is not one of password, refresh_token',
    );
  });
});
