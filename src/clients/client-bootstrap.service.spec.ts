import { Logger } from '@nestjs/common';
import { InMemoryClientsRepository } from '../../test/setup/in-memory-clients.repository.js';
import type { AppConfig } from '../config/app-config.js';
import { ClientBootstrap } from './client-bootstrap.service.js';
import { ClientCache } from './client-cache.js';
import type { ClientRegistration } from './client-registration.js';
import { hashClientSecret } from './client-secret.js';
import { ClientsService } from './clients.service.js';

const SECRET = 'the-confidential-secret-of-backend-0123456789';
const TOOL_SECRET = 'another-secret-that-is-long-enough-00';
const stamp = { createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' };

const BACKEND: ClientRegistration = {
  id: 'backend',
  name: 'Back end',
  grantTypes: ['password', 'refresh_token'],
  scopes: [],
  secret: SECRET,
};
const TOOL: ClientRegistration = {
  id: 'tool',
  name: 'tool',
  grantTypes: ['password'],
  scopes: [],
  secret: TOOL_SECRET,
};

function setUp(clients: Partial<AppConfig['clients']> = {}) {
  const repository = new InMemoryClientsRepository();
  // backend is stored exactly as BACKEND declares it.
  repository.items.set('backend', {
    id: 'backend',
    name: 'Back end',
    type: 'confidential',
    secretHash: hashClientSecret(SECRET),
    grantTypes: ['password', 'refresh_token'],
    scopes: [],
    ...stamp,
  });
  const config = {
    clients: { demoClient: false, bootstrap: [], cacheSeconds: 60, ...clients },
  } as unknown as AppConfig;
  const cache = new ClientCache({ load: (id) => repository.findById(id), ttlSeconds: 60 });
  return {
    repository,
    bootstrap: new ClientBootstrap(repository, cache, config),
    service: new ClientsService(cache),
  };
}

describe('ClientBootstrap', () => {
  // Keeps the start-up log lines out of the test output.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('creates demo-app when DEMO_CLIENT is on', async () => {
    const { bootstrap, repository, service } = setUp({ demoClient: true });
    await bootstrap.declareClients();
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
    const { bootstrap, repository } = setUp();
    await bootstrap.declareClients();
    expect(repository.calls).toEqual([]);
  });

  it('writes only the clients that differ, and nothing on a second start', async () => {
    const { bootstrap, repository } = setUp({ bootstrap: [BACKEND, TOOL] });
    await bootstrap.declareClients();
    expect(repository.calls.filter((c) => c.startsWith('upsert'))).toEqual(['upsert tool']);
    repository.calls.length = 0;
    await bootstrap.declareClients();
    expect(repository.calls.filter((c) => c.startsWith('upsert'))).toEqual([]);
  });

  it('fills the cache, so the first token request reads nothing', async () => {
    const { bootstrap, repository, service } = setUp({ bootstrap: [BACKEND, TOOL] });
    await bootstrap.declareClients();
    repository.calls.length = 0;
    for (const [clientId, clientSecret] of [
      ['tool', TOOL_SECRET],
      ['backend', SECRET],
    ]) {
      await expect(
        service.authenticate({ clientId, clientSecret, method: 'client_secret_basic' }),
      ).resolves.toHaveProperty('client');
    }
    expect(repository.calls).toEqual([]);
  });

  it('grants and withdraws introspection with the declaration', async () => {
    const { bootstrap, repository } = setUp({ bootstrap: [{ ...BACKEND, introspection: true }] });
    await bootstrap.declareClients();
    expect(repository.items.get('backend')).toMatchObject({ introspection: true });
    const again = setUp({ bootstrap: [BACKEND] });
    again.repository.items.set('backend', repository.items.get('backend')!);
    await again.bootstrap.declareClients();
    expect(again.repository.items.get('backend')).not.toHaveProperty('introspection');
  });

  it('turns a confidential client public when its declaration drops the secret', async () => {
    const { bootstrap, repository } = setUp({
      bootstrap: [{ id: 'backend', name: 'backend', grantTypes: ['password'], scopes: [] }],
    });
    await bootstrap.declareClients();
    expect(repository.items.get('backend')).toMatchObject({
      type: 'public',
      createdAt: stamp.createdAt,
    });
    expect(repository.items.get('backend')).not.toHaveProperty('secretHash');
  });

  it('lets a BOOTSTRAP_CLIENTS entry named demo-app win over the built-in one', async () => {
    const { bootstrap, repository } = setUp({
      demoClient: true,
      bootstrap: [{ id: 'demo-app', name: 'Mine', grantTypes: ['refresh_token'], scopes: [] }],
    });
    await bootstrap.declareClients();
    expect(repository.items.get('demo-app')).toMatchObject({
      name: 'Mine',
      grantTypes: ['refresh_token'],
    });
  });
});
