import { CLIENTS, tokenEndpoint } from '../../../test/setup/token-endpoint.js';
import type { OAuthClient } from '../../clients/client.js';

describe('TokenService', () => {
  const { tokens, passwordGrant, refreshGrant } = tokenEndpoint();

  it('offers the password and refresh_token grants', () => {
    expect(tokens.grantTypes.sort()).toEqual(['password', 'refresh_token']);
  });

  describe('grantFor (RFC 6749 §5.2)', () => {
    it.each([
      ['password', CLIENTS.demo, () => passwordGrant],
      ['refresh_token', CLIENTS.demo, () => refreshGrant],
      ['refresh_token', CLIENTS.refreshOnly, () => refreshGrant],
    ] as const)('hands %s to its grant for a client allowed it', (grantType, client, grant) => {
      expect(tokens.grantFor(client, { grant_type: grantType })).toBe(grant());
    });

    it.each<[string, OAuthClient, Record<string, string>, number, string, string]>([
      ['no grant_type', CLIENTS.demo, {}, 400, 'invalid_request', 'grant_type is required'],
      [
        'an unsupported grant',
        CLIENTS.demo,
        { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' },
        400,
        'unsupported_grant_type',
        'grant_type urn:ietf:params:oauth:grant-type:device_code is not supported',
      ],
      [
        'a grant the client may not use',
        CLIENTS.refreshOnly,
        { grant_type: 'password' },
        400,
        'unauthorized_client',
        'this client may not use the password grant',
      ],
    ])('refuses %s', (_case, client, params, status, error, description) => {
      expect(() => tokens.grantFor(client, params)).toThrow(
        expect.objectContaining({ status, error, description }),
      );
    });
  });

  describe('exchange', () => {
    it('runs the grant it is handed', async () => {
      const { tokens: endpoint, refreshGrant: grant, sessions } = tokenEndpoint();
      const { refreshToken } = await sessions.start({
        userId: 'user-1',
        clientId: 'demo-app',
        scope: '',
        ttlSeconds: 3600,
      });
      const response = await endpoint.exchange(grant, {
        client: CLIENTS.demo,
        params: { grant_type: 'refresh_token', refresh_token: refreshToken },
      });
      expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    });
  });
});
