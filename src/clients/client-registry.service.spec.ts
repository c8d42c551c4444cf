import { InMemoryClientsRepository } from '../../test/setup/in-memory-clients.repository.js';
import { ClientCache } from './client-cache.js';
import { InvalidClientRegistrationError } from './client-registration.js';
import { ClientRegistry, type NewClient } from './client-registry.service.js';
import { hashClientSecret } from './client-secret.js';
import { ClientExistsError } from './clients.repository.js';
import { ClientsService } from './clients.service.js';

const stamp = { createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' };

function setUp() {
  const repository = new InMemoryClientsRepository();
  repository.items.set('spa', {
    id: 'spa',
    name: 'SPA',
    type: 'public',
    grantTypes: ['password'],
    scopes: [],
    ...stamp,
  });
  const cache = new ClientCache({ load: (id) => repository.findById(id), ttlSeconds: 60 });
  return {
    repository,
    registry: new ClientRegistry(repository, cache),
    clients: new ClientsService(cache),
  };
}

describe('ClientRegistry', () => {
  describe('create', () => {
    it('makes a confidential client and returns its secret once, storing only a hash', async () => {
      const { registry, repository, clients } = setUp();
      const created = await registry.create({
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
        clients.authenticate({
          clientId: 'new-app',
          clientSecret: created.secret,
          method: 'client_secret_post',
        }),
      ).resolves.toMatchObject({ client: { id: 'new-app' } });
    });

    it('makes a public client without a secret', async () => {
      const { registry } = setUp();
      const created = await registry.create({
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

    it('makes a resource server: confidential, allowed to introspect, no grant', async () => {
      const { registry, repository } = setUp();
      const created = await registry.create({
        id: 'api',
        confidential: true,
        grantTypes: [],
        introspection: true,
      });
      expect(created.client).toMatchObject({ type: 'confidential', introspection: true });
      expect(repository.items.get('api')).toMatchObject({ introspection: true, grantTypes: [] });
    });

    it('refuses an id that is taken, leaving the existing client alone', async () => {
      const { registry, repository } = setUp();
      const before = repository.items.get('spa');
      await expect(
        registry.create({ id: 'spa', confidential: true, grantTypes: ['password'] }),
      ).rejects.toThrow(new ClientExistsError('client spa already exists'));
      expect(repository.items.get('spa')).toBe(before);
    });

    it.each<[Partial<NewClient>, RegExp]>([
      [{ id: 'bad id' }, /^client id must be/],
      [{ grantTypes: [] }, /^grant types must list at least one/],
      [
        { grantTypes: ['implicit' as 'password'] },
        /"implicit" is not one of password, refresh_token, client_credentials/,
      ],
      [{ scopes: ['a b'] }, /^scopes: "a b" is not a valid scope/],
      [{ refreshReuseGraceSeconds: 120 }, /^refresh reuse grace must be .* from 0 to 60, got 120/],
      [{ accessTokenTtlSeconds: 59 }, /^access token lifetime must be .* from 60 to 86400/],
      [{ introspection: true }, /^introspection is only for confidential clients/],
    ])('refuses %j, writing nothing', async (input, message) => {
      const { registry, repository } = setUp();
      const error = await registry
        .create({ id: 'ok', confidential: false, grantTypes: ['password'], ...input })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidClientRegistrationError);
      expect((error as Error).message).toMatch(message);
      expect(repository.calls).toEqual([]);
    });

    it('makes a client read as missing a moment ago work at once', async () => {
      const { registry, clients } = setUp();
      await expect(clients.findById('late')).resolves.toBeUndefined();
      await registry.create({ id: 'late', confidential: false, grantTypes: ['password'] });
      await expect(clients.findById('late')).resolves.toMatchObject({ id: 'late' });
    });
  });

  describe('list', () => {
    it('lists every client without registry fields', async () => {
      const { registry } = setUp();
      await registry.create({ id: 'backend', confidential: true, grantTypes: ['password'] });
      const all = await registry.list();
      expect(all.map((client) => client.id)).toEqual(['backend', 'spa']);
      for (const client of all) {
        expect(client).not.toHaveProperty('secretHash');
        expect(client).not.toHaveProperty('createdAt');
      }
    });
  });

  describe('delete', () => {
    it('removes a client, which this process stops authenticating at once', async () => {
      const { registry, clients } = setUp();
      await expect(
        clients.authenticate({ clientId: 'spa', method: 'none' }),
      ).resolves.toHaveProperty('client');
      await expect(registry.delete('spa')).resolves.toBe(true);
      await expect(clients.authenticate({ clientId: 'spa', method: 'none' })).resolves.toEqual({
        refusal: 'unknown-or-wrong-secret',
      });
      await expect(registry.delete('spa')).resolves.toBe(false);
    });
  });
});
