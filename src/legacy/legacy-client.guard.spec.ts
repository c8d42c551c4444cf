import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RecordingAuditLog } from '../../test/setup/audit.js';
import type { OAuthClient } from '../clients/client.js';
import type { ClientsService } from '../clients/clients.service.js';
import type { Principal } from '../common/principal.js';
import { LegacyClientResolver } from './legacy-client.js';
import { LegacyClientGuard, LegacyGrant } from './legacy-client.guard.js';
import type { LegacyRequest } from './legacy-request.js';

const REGISTERED: OAuthClient[] = [
  {
    id: 'demo-app',
    name: 'Demo',
    type: 'public',
    grantTypes: ['password', 'refresh_token'],
    scopes: [],
  },
  { id: 'refresh-only', name: 'R', type: 'public', grantTypes: ['refresh_token'], scopes: [] },
  { id: 'backend', name: 'B', type: 'confidential', grantTypes: ['password'], scopes: [] },
];

// The boundary: the client registry's lookup by id (the header carries no secret to check).
const clients = {
  findById: (id: string) => Promise.resolve(REGISTERED.find((client) => client.id === id)),
} as unknown as ClientsService;

/** Routes as LegacySessionController declares them. */
class Routes {
  @LegacyGrant('password')
  signIn(): void {}

  @LegacyGrant('refresh_token')
  refresh(): void {}

  /** GET and DELETE /session stand for no grant. */
  read(): void {}
}

describe('LegacyClientGuard', () => {
  const audit = new RecordingAuditLog();
  const guard = new LegacyClientGuard(new LegacyClientResolver(clients, audit), new Reflector());
  beforeEach(() => (audit.events.length = 0));

  function run(route: keyof Routes, header: string | undefined, user?: Partial<Principal>) {
    const request = {
      headers: header === undefined ? {} : { 'x-koms-clientid': header },
      user,
    } as unknown as LegacyRequest;
    const context = {
      switchToHttp: () => ({ getRequest: () => request }),
      getHandler: () => Routes.prototype[route],
    } as unknown as ExecutionContext;
    return { request, activate: () => guard.canActivate(context) };
  }

  it('puts the named client on the request', async () => {
    const { request, activate } = run('signIn', 'demo-app');
    await expect(activate()).resolves.toBe(true);
    expect(request.legacyClient?.id).toBe('demo-app');
  });

  it.each([
    [
      'signIn',
      'refresh-only',
      400,
      'unauthorized_client',
      'this client may not use the password grant',
    ],
    ['refresh', 'demo-app', undefined, undefined, undefined],
    ['read', 'refresh-only', undefined, undefined, undefined],
  ] as const)(
    "checks the route's grant: %s by %s",
    async (route, clientId, status, error, description) => {
      const { activate } = run(route, clientId);
      if (status === undefined) await expect(activate()).resolves.toBe(true);
      else await expect(activate()).rejects.toMatchObject({ status, error, description });
    },
  );

  it.each([
    ['no header', undefined, 400, 'invalid_request'],
    ['an unknown client', 'nobody', 401, 'invalid_client'],
    ['a confidential client', 'backend', 401, 'invalid_client'],
  ] as const)('refuses %s', async (_case, header, status, error) => {
    await expect(run('read', header).activate()).rejects.toMatchObject({ status, error });
  });

  it('refuses a bearer token issued to another client than the header names', async () => {
    const { request, activate } = run('read', 'demo-app', { clientId: 'refresh-only' });
    await expect(activate()).rejects.toMatchObject({
      status: 401,
      error: 'invalid_token',
      description: 'the access token was issued to another client',
    });
    expect(request.legacyClient).toBeUndefined();
    expect(audit.events).toEqual([
      { event: 'client.refused', clientId: 'demo-app', reason: 'token_of_another_client' },
    ]);
  });

  it("accepts a bearer token of the header's client", async () => {
    await expect(run('read', 'demo-app', { clientId: 'demo-app' }).activate()).resolves.toBe(true);
  });
});
