import { RecordingAuditLog } from '../../test/setup/audit.js';
import type { OAuthClient } from '../clients/client.js';
import type { ClientsService } from '../clients/clients.service.js';
import { LegacyClientResolver } from './legacy-client.js';

const client = (id: string, type: OAuthClient['type'], grantTypes: OAuthClient['grantTypes']) =>
  ({ id, name: id, type, grantTypes, scopes: [] }) satisfies OAuthClient;

const REGISTERED = new Map<string, OAuthClient>(
  [
    client('demo-app', 'public', ['password', 'refresh_token']),
    client('refresh-only', 'public', ['refresh_token']),
    client('backend', 'confidential', ['password', 'refresh_token']),
  ].map((c) => [c.id, c]),
);

// Only findById is used: the header carries no secret, so there is nothing to authenticate.
const clients = {
  findById: (id: string) => Promise.resolve(REGISTERED.get(id)),
} as unknown as ClientsService;

describe('LegacyClientResolver', () => {
  let audit: RecordingAuditLog;
  let resolver: LegacyClientResolver;
  beforeEach(() => {
    audit = new RecordingAuditLog();
    resolver = new LegacyClientResolver(clients, audit);
  });

  describe('forSession', () => {
    it('returns a public client allowed the grant', async () => {
      await expect(resolver.forSession('demo-app', 'password')).resolves.toMatchObject({
        id: 'demo-app',
      });
      await expect(resolver.forSession(' demo-app ')).resolves.toMatchObject({ id: 'demo-app' });
    });

    it.each([
      ['missing', undefined, undefined, 400, 'invalid_request', 'missing_client_id', undefined],
      ['empty', '  ', undefined, 400, 'invalid_request', 'missing_client_id', undefined],
      [
        'repeated',
        ['demo-app', 'demo-app'],
        undefined,
        400,
        'invalid_request',
        'repeated_client_id',
        undefined,
      ],
      // An unknown id is whatever the caller typed: it stays out of the audit.
      ['unknown', 'nobody', undefined, 401, 'invalid_client', 'unknown_client', undefined],
      [
        'confidential',
        'backend',
        undefined,
        401,
        'invalid_client',
        'confidential_client',
        'backend',
      ],
      [
        'without the grant',
        'refresh-only',
        'password',
        400,
        'unauthorized_client',
        'grant_not_allowed',
        'refresh-only',
      ],
    ] as const)(
      '%s → %d %s, audited',
      async (_case, header, grant, status, error, reason, clientId) => {
        await expect(
          resolver.forSession(header as string | string[] | undefined, grant),
        ).rejects.toMatchObject({ status, error });
        expect(audit.events).toEqual([{ event: 'client.refused', clientId, reason }]);
      },
    );

    it('tells a confidential client where to go instead', async () => {
      await expect(resolver.forSession('backend')).rejects.toMatchObject({
        description: expect.stringMatching(/POST \/oauth\/token with the client's secret/),
      });
    });
  });

  describe('forRegistration', () => {
    it('allows no header, and any registered client', async () => {
      await expect(resolver.forRegistration(undefined)).resolves.toBeUndefined();
      await expect(resolver.forRegistration('backend')).resolves.toMatchObject({ id: 'backend' });
    });

    it.each([['nobody'], ['']])('refuses %j with 401 invalid_client', async (header) => {
      await expect(resolver.forRegistration(header)).rejects.toMatchObject({
        status: 401,
        error: 'invalid_client',
      });
    });
  });
});
