import { InMemoryClientsRepository } from '../../test/setup/in-memory-clients.repository.js';
import type { ClientCredentials } from './client.js';
import { ClientCache } from './client-cache.js';
import { hashClientSecret } from './client-secret.js';
import { ClientsService, type ClientRefusal } from './clients.service.js';

const SECRET = 'the-confidential-secret-of-backend-0123456789';
const stamp = { createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' };

function setUp() {
  const repository = new InMemoryClientsRepository();
  repository.items.set('backend', {
    id: 'backend',
    name: 'Back end',
    type: 'confidential',
    secretHash: hashClientSecret(SECRET),
    grantTypes: ['password', 'refresh_token'],
    scopes: [],
    introspection: true,
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
  const cache = new ClientCache({ load: (id) => repository.findById(id), ttlSeconds: 60 });
  return { repository, cache, service: new ClientsService(cache) };
}

describe('ClientsService', () => {
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
        client: {
          id: 'backend',
          name: 'Back end',
          type: 'confidential',
          grantTypes: ['password', 'refresh_token'],
          scopes: [],
          introspection: true,
        },
      });
    });

    it('accepts a public client without a secret, with its lifetimes and no registry fields', async () => {
      const { service } = setUp();
      const { client } = await service.authenticate({ clientId: 'spa', method: 'none' });
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

    it.each<[string, ClientCredentials, ClientRefusal]>([
      ['an unknown client', { clientId: 'nobody', method: 'none' }, 'unknown-or-wrong-secret'],
      [
        'an unknown client with a secret',
        { clientId: 'nobody', clientSecret: SECRET, method: 'client_secret_basic' },
        'unknown-or-wrong-secret',
      ],
      [
        'an id that could never be registered',
        { clientId: 'x'.repeat(5000), method: 'none' },
        'unknown-or-wrong-secret',
      ],
      [
        'a confidential client without its secret',
        { clientId: 'backend', method: 'none' },
        'unknown-or-wrong-secret',
      ],
      [
        'a confidential client with a wrong secret',
        { clientId: 'backend', clientSecret: `${SECRET}x`, method: 'client_secret_basic' },
        'unknown-or-wrong-secret',
      ],
      [
        'a public client that sends a secret',
        { clientId: 'spa', clientSecret: 'anything', method: 'client_secret_post' },
        'public-client-sent-secret',
      ],
    ])('refuses %s', async (_case, credentials, refusal) => {
      const { service } = setUp();
      await expect(service.authenticate(credentials)).resolves.toEqual({ refusal });
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
      await service.authenticate({ clientId: 'a b', method: 'none' });
      await service.findById('a:b');
      expect(repository.calls).toEqual([]);
    });
  });

  describe('findById', () => {
    it('answers the domain view of a client, or undefined', async () => {
      const { service } = setUp();
      await expect(service.findById('backend')).resolves.toEqual({
        id: 'backend',
        name: 'Back end',
        type: 'confidential',
        grantTypes: ['password', 'refresh_token'],
        scopes: [],
        introspection: true,
      });
      await expect(service.findById('nobody')).resolves.toBeUndefined();
    });
  });
});
