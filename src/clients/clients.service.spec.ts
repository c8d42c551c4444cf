import { Logger } from '@nestjs/common';
import { BadRequestError, ConflictError } from '../common/api-error.js';
import { InvalidClientError } from '../common/oauth-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/load-config.js';
import type { ClientCredentials } from './client.js';
import { hashClientSecret } from './client-secret.js';
import { ClientExistsError, ClientsRepository, type StoredClient } from './clients.repository.js';
import { ClientsService } from './clients.service.js';

/** The repository boundary, in memory, counting calls. */
class InMemoryClientsRepository extends ClientsRepository {
  readonly items = new Map<string, StoredClient>();
  readonly calls: string[] = [];

  findById(clientId: string): Promise<StoredClient | undefined> {
    this.calls.push(`findById ${clientId}`);
    return Promise.resolve(this.items.get(clientId));
  }
  create(client: StoredClient): Promise<void> {
    this.calls.push(`create ${client.id}`);
    if (this.items.has(client.id)) return Promise.reject(new ClientExistsError());
    this.items.set(client.id, client);
    return Promise.resolve();
  }
  upsert(client: StoredClient): Promise<void> {
    this.calls.push(`upsert ${client.id}`);
    const createdAt = this.items.get(client.id)?.createdAt ?? client.createdAt;
    this.items.set(client.id, { ...client, createdAt });
    return Promise.resolve();
  }
  delete(clientId: string): Promise<boolean> {
    this.calls.push(`delete ${clientId}`);
    return Promise.resolve(this.items.delete(clientId));
  }
  listAll(): Promise<StoredClient[]> {
    return Promise.resolve([...this.items.values()]);
  }
}

const SECRET = 'the-confidential-secret-of-backend-0123456789';
const stamp = { createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' };

function setUp(clients: Partial<AppConfig['clients']> = {}) {
  const repository = new InMemoryClientsRepository();
  repository.items.set('backend', {
    id: 'backend',
    name: 'Back end',
    type: 'confidential',
    secretHash: hashClientSecret(SECRET),
    grantTypes: ['password', 'refresh_token'],
    scopes: [],
    ...stamp,
  });
  repository.items.set('spa', {
    id: 'spa',
    name: 'SPA',
    type: 'public',
    grantTypes: ['password'],
    scopes: ['profile'],
    accessTokenTtlSeconds: 300,
    ...stamp,
  });
  const config = { clients: { demoClient: false, ...clients } } as AppConfig;
  return { repository, service: new ClientsService(repository, config) };
}

describe('ClientsService', () => {
  // Keeps the start-up log lines out of the test output.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  describe('authenticate', () => {
    it.each<[string, ClientCredentials]>([
      [
        'a confidential client by Basic',
        { clientId: 'backend', clientSecret: SECRET, method: 'client_secret_basic' },
      ],
      [
        'a confidential client by post',
        { clientId: 'backend', clientSecret: SECRET, method: 'client_secret_post' },
      ],
    ])('accepts %s', async (_case, credentials) => {
      const { service } = setUp();
      await expect(service.authenticate(credentials)).resolves.toEqual({
        id: 'backend',
        name: 'Back end',
        type: 'confidential',
        grantTypes: ['password', 'refresh_token'],
        scopes: [],
      });
    });

    it('accepts a public client without a secret, with its lifetimes and no registry fields', async () => {
      const { service } = setUp();
      const client = await service.authenticate({ clientId: 'spa', method: 'none' });
      expect(client).toEqual({
        id: 'spa',
        name: 'SPA',
        type: 'public',
        grantTypes: ['password'],
        scopes: ['profile'],
        accessTokenTtlSeconds: 300,
      });
      expect(client).not.toHaveProperty('secretHash');
    });

    it.each<[string, ClientCredentials, string, boolean]>([
      [
        'an unknown client',
        { clientId: 'nobody', method: 'none' },
        'unknown client or wrong client secret',
        false,
      ],
      [
        'an unknown client by Basic',
        { clientId: 'nobody', clientSecret: SECRET, method: 'client_secret_basic' },
        'unknown client or wrong client secret',
        true,
      ],
      [
        'an id that could never be registered',
        { clientId: 'x'.repeat(5000), method: 'none' },
        'unknown client or wrong client secret',
        false,
      ],
      [
        'a confidential client without its secret',
        { clientId: 'backend', method: 'none' },
        'unknown client or wrong client secret',
        false,
      ],
      [
        'a confidential client with a wrong secret by Basic',
        { clientId: 'backend', clientSecret: `${SECRET}x`, method: 'client_secret_basic' },
        'unknown client or wrong client secret',
        true,
      ],
      [
        'a confidential client with a wrong secret by post',
        { clientId: 'backend', clientSecret: 'wrong', method: 'client_secret_post' },
        'unknown client or wrong client secret',
        false,
      ],
      [
        'a public client that sends a secret',
        { clientId: 'spa', clientSecret: 'anything', method: 'client_secret_post' },
        'public clients have no secret',
        false,
      ],
    ])('refuses %s with invalid_client', async (_case, credentials, description, basicHeader) => {
      const { service } = setUp();
      const error = await service.authenticate(credentials).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidClientError);
      expect(error).toMatchObject({ status: 401, description });
      expect((error as InvalidClientError).options.headers).toEqual(
        basicHeader ? { 'WWW-Authenticate': 'Basic realm="oauth", charset="UTF-8"' } : {},
      );
    });

    it('reads a client once, then answers from the cache', async () => {
      const { service, repository } = setUp();
      await service.authenticate({ clientId: 'spa', method: 'none' });
      await service.authenticate({ clientId: 'spa', method: 'none' });
      await service.findById('spa');
      expect(repository.calls).toEqual(['findById spa']);
    });

    it('does not read the store for ids that could never be registered', async () => {
      const { service, repository } = setUp();
      await expect(service.authenticate({ clientId: 'a b', method: 'none' })).rejects.toThrow(
        InvalidClientError,
      );
      expect(repository.calls).toEqual([]);
    });

    it('forgets a client deleted through it', async () => {
      const { service } = setUp();
      await service.authenticate({ clientId: 'spa', method: 'none' });
      await expect(service.delete('spa')).resolves.toBe(true);
      await expect(service.authenticate({ clientId: 'spa', method: 'none' })).rejects.toThrow(
        InvalidClientError,
      );
      await expect(service.delete('spa')).resolves.toBe(false);
    });
  });

  describe('create', () => {
    it('makes a confidential client and returns its secret once, storing only a hash', async () => {
      const { service, repository } = setUp();
      const created = await service.create({
        id: 'new-app',
        confidential: true,
        grantTypes: ['password'],
      });
      expect(created.client).toEqual({
        id: 'new-app',
        name: 'new-app',
        type: 'confidential',
        grantTypes: ['password'],
        scopes: [],
      });
      expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stored = repository.items.get('new-app');
      expect(stored?.secretHash).toBe(hashClientSecret(created.secret!));
      expect(JSON.stringify(stored)).not.toContain(created.secret);
      await expect(
        service.authenticate({
          clientId: 'new-app',
          clientSecret: created.secret,
          method: 'client_secret_post',
        }),
      ).resolves.toMatchObject({ id: 'new-app' });
    });

    it('makes a public client without a secret', async () => {
      const { service } = setUp();
      const created = await service.create({
        id: 'mobile',
        name: 'Mobile',
        confidential: false,
        grantTypes: ['password', 'refresh_token'],
        scopes: ['profile'],
        sessionTtlSeconds: 3600,
      });
      expect(created).toEqual({
        client: {
          id: 'mobile',
          name: 'Mobile',
          type: 'public',
          grantTypes: ['password', 'refresh_token'],
          scopes: ['profile'],
          sessionTtlSeconds: 3600,
        },
      });
    });

    it('refuses an id that is taken, leaving the existing client alone', async () => {
      const { service, repository } = setUp();
      const before = repository.items.get('backend');
      await expect(
        service.create({ id: 'backend', confidential: true, grantTypes: ['password'] }),
      ).rejects.toThrow(new ConflictError('client backend already exists'));
      expect(repository.items.get('backend')).toBe(before);
    });

    it.each([
      [{ id: 'bad id', grantTypes: ['password'] }, /client id must be/],
      [{ id: 'ok', grantTypes: [] }, /grant types must list at least one/],
      [{ id: 'ok', grantTypes: ['implicit'] }, /"implicit" is not one of password, refresh_token/],
      [
        { id: 'ok', grantTypes: ['password'], refreshReuseGraceSeconds: 120 },
        /refresh reuse grace/,
      ],
    ])('refuses bad input %j', async (input, message) => {
      const { service, repository } = setUp();
      // The CLI parses strings into these fields; an unknown grant type must still be refused here.
      const error = await service
        .create({ confidential: false, ...(input as { id: string; grantTypes: [] }) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as Error).message).toMatch(message);
      expect(repository.calls).toEqual([]);
    });
  });

  describe('ensureClientsAtStart', () => {
    const bootstrap = JSON.stringify([
      {
        client_id: 'backend',
        client_secret: SECRET,
        grant_types: ['password', 'refresh_token'],
        name: 'Back end',
      },
      {
        client_id: 'tool',
        client_secret: 'another-secret-that-is-long-enough-00',
        grant_types: ['password'],
      },
    ]);

    it('creates demo-app when DEMO_CLIENT is on', async () => {
      const { service, repository } = setUp({ demoClient: true });
      await service.ensureClientsAtStart();
      await expect(service.findById('demo-app')).resolves.toEqual({
        id: 'demo-app',
        name: 'Demo app',
        type: 'public',
        grantTypes: ['password', 'refresh_token'],
        scopes: ['profile'],
      });
      expect(repository.calls).toEqual(['findById demo-app', 'upsert demo-app']);
    });

    it('creates nothing when there is nothing to declare', async () => {
      const { service, repository } = setUp();
      await service.ensureClientsAtStart();
      expect(repository.calls).toEqual([]);
    });

    it('writes only the clients that differ, and nothing on a second start', async () => {
      const { service, repository } = setUp({ bootstrap });
      await service.ensureClientsAtStart();
      // backend is stored exactly as declared; tool is new.
      expect(repository.calls.filter((c) => c.startsWith('upsert'))).toEqual(['upsert tool']);
      repository.calls.length = 0;
      await service.ensureClientsAtStart();
      expect(repository.calls.filter((c) => c.startsWith('upsert'))).toEqual([]);
    });

    it('fills the cache, so the first token request reads nothing', async () => {
      const { service, repository } = setUp({ bootstrap });
      await service.ensureClientsAtStart();
      repository.calls.length = 0;
      await service.authenticate({
        clientId: 'tool',
        clientSecret: 'another-secret-that-is-long-enough-00',
        method: 'client_secret_basic',
      });
      await service.authenticate({
        clientId: 'backend',
        clientSecret: SECRET,
        method: 'client_secret_basic',
      });
      expect(repository.calls).toEqual([]);
    });

    it('turns a confidential client public when its declaration drops the secret', async () => {
      const { service, repository } = setUp({
        bootstrap: JSON.stringify([{ client_id: 'backend', grant_types: ['password'] }]),
      });
      await service.ensureClientsAtStart();
      expect(repository.items.get('backend')).toMatchObject({
        type: 'public',
        createdAt: stamp.createdAt,
      });
      expect(repository.items.get('backend')).not.toHaveProperty('secretHash');
    });

    it('refuses a bad BOOTSTRAP_CLIENTS before writing anything', async () => {
      const { service, repository } = setUp({
        demoClient: true,
        bootstrap: JSON.stringify([
          { client_id: 'x', grant_types: ['password'], client_secret: 'short' },
        ]),
      });
      await expect(service.ensureClientsAtStart()).rejects.toThrow(ConfigError);
      expect(repository.calls).toEqual([]);
    });
  });

  describe('parseCredentials', () => {
    it('reads body credentials (the rules are in client-credentials.spec.ts)', () => {
      const { service } = setUp();
      expect(service.parseCredentials(undefined, { client_id: 'spa' })).toEqual({
        clientId: 'spa',
        method: 'none',
      });
    });
  });
});
