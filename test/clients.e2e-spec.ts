import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientBootstrap } from '../src/clients/client-bootstrap.service.js';
import { ClientRegistry } from '../src/clients/client-registry.service.js';
import { ClientsService } from '../src/clients/clients.service.js';
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
    introspection: true,
  },
  { client_id: 'spa', grant_types: ['password'] },
]);
const REFUSED = { refusal: 'unknown-or-wrong-secret' };

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
      client: {
        id: 'demo-app',
        name: 'Demo app',
        type: 'public',
        grantTypes: ['password', 'refresh_token'],
        scopes: ['profile'],
      },
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
      introspection: true,
      secretHash: expect.stringMatching(/^sha256:/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(item)).not.toContain(BACKEND_SECRET);
    expect(await storedItem(t, 'spa')).not.toHaveProperty('secretHash');
    expect(await storedItem(t, 'spa')).not.toHaveProperty('introspection');
  });

  it.each(['client_secret_basic', 'client_secret_post'] as const)(
    'authenticates the confidential client with its secret (%s)',
    async (method) => {
      await expect(
        clients.authenticate({ clientId: 'backend', clientSecret: BACKEND_SECRET, method }),
      ).resolves.toMatchObject({
        client: {
          id: 'backend',
          type: 'confidential',
          accessTokenTtlSeconds: 300,
          introspection: true,
        },
      });
    },
  );

  it('refuses a wrong secret', async () => {
    await expect(
      clients.authenticate({
        clientId: 'backend',
        clientSecret: 'x'.repeat(45),
        method: 'client_secret_basic',
      }),
    ).resolves.toEqual(REFUSED);
  });

  it('refuses the confidential client without a secret, and a public one with one', async () => {
    await expect(clients.authenticate({ clientId: 'backend', method: 'none' })).resolves.toEqual(
      REFUSED,
    );
    await expect(
      clients.authenticate({
        clientId: 'spa',
        clientSecret: 'something',
        method: 'client_secret_post',
      }),
    ).resolves.toEqual({ refusal: 'public-client-sent-secret' });
  });

  it('is idempotent across restarts: nothing is rewritten, createdAt and updatedAt stay', async () => {
    const before = await storedItem(t, 'backend');
    await t.app.get(ClientBootstrap).declareClients();
    await t.app.get(ClientBootstrap).declareClients();
    expect(await storedItem(t, 'backend')).toEqual(before);
    const ids = (await t.app.get(ClientRegistry).list()).map((client) => client.id);
    expect(ids).toEqual(['backend', 'demo-app', 'spa']);
  });
});

describe('clients managed through the registry (DynamoDB Local)', () => {
  let t: TestApp;
  let clients: ClientsService;
  let registry: ClientRegistry;

  beforeAll(async () => {
    t = await createTestApp({ DEMO_CLIENT: 'false' });
    clients = t.app.get(ClientsService);
    registry = t.app.get(ClientRegistry);
  });
  afterAll(() => t.close());

  it('starts with no clients when DEMO_CLIENT is off and nothing is declared', async () => {
    await expect(registry.list()).resolves.toEqual([]);
  });

  it('creates a confidential client whose secret works, once', async () => {
    const { client, secret } = await registry.create({
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
    ).resolves.toMatchObject({ client: { id: 'cli-made' } });
    await expect(
      registry.create({ id: 'cli-made', confidential: true, grantTypes: ['password'] }),
    ).rejects.toThrow('client cli-made already exists');
  });

  it('deletes a client, after which it no longer authenticates', async () => {
    await registry.create({ id: 'short-lived', confidential: false, grantTypes: ['password'] });
    await expect(
      clients.authenticate({ clientId: 'short-lived', method: 'none' }),
    ).resolves.toHaveProperty('client');
    await expect(registry.delete('short-lived')).resolves.toBe(true);
    await expect(
      clients.authenticate({ clientId: 'short-lived', method: 'none' }),
    ).resolves.toEqual(REFUSED);
    await expect(registry.delete('short-lived')).resolves.toBe(false);
  });

  it('upserts a changed declaration in place, keeping createdAt', async () => {
    await registry.create({ id: 'changing', confidential: false, grantTypes: ['password'] });
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

describe('two instances on one table, as two Lambda containers', () => {
  const CACHE_SECONDS = 3;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({ DEMO_CLIENT: 'false', CLIENT_CACHE_SECONDS: String(CACHE_SECONDS) });
    b = await createTestApp({
      TABLE_NAME: a.config.dynamodb.tableName,
      DEMO_CLIENT: 'false',
      CLIENT_CACHE_SECONDS: String(CACHE_SECONDS),
    });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const authenticateAt = (t: TestApp, clientId: string) =>
    t.app.get(ClientsService).authenticate({ clientId, method: 'none' });

  it('sees a client created at the other at once: "not found" is never cached', async () => {
    await expect(authenticateAt(b, 'newcomer')).resolves.toEqual(REFUSED);
    await a.app.get(ClientRegistry).create({
      id: 'newcomer',
      confidential: false,
      grantTypes: ['password'],
    });
    await expect(authenticateAt(b, 'newcomer')).resolves.toHaveProperty('client');
  });

  it('trusts its cached client for CLIENT_CACHE_SECONDS after the other deleted it, then not', async () => {
    await a.app.get(ClientRegistry).create({
      id: 'leaving',
      confidential: false,
      grantTypes: ['password'],
    });
    await expect(authenticateAt(b, 'leaving')).resolves.toHaveProperty('client');
    await a.app.get(ClientRegistry).delete('leaving');
    await expect(authenticateAt(a, 'leaving')).resolves.toEqual(REFUSED);
    // Within the cache time b still answers from memory, without reading DynamoDB ...
    await expect(authenticateAt(b, 'leaving')).resolves.toHaveProperty('client');
    await sleep(CACHE_SECONDS * 1000 + 500);
    // ... and after it, b reads again and finds nothing.
    await expect(authenticateAt(b, 'leaving')).resolves.toEqual(REFUSED);
  });
});

describe('a bad BOOTSTRAP_CLIENTS', () => {
  it('stops the start with one line naming it', async () => {
    await expect(
      createTestApp({
        BOOTSTRAP_CLIENTS: JSON.stringify([{ client_id: 'x', grant_types: ['implicit'] }]),
      }),
    ).rejects.toThrow(
      'BOOTSTRAP_CLIENTS[0] ("x"): grant_types: "implicit" is not one of password, refresh_token, client_credentials',
    );
  });
});
