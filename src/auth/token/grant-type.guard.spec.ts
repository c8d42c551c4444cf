import type { ExecutionContext } from '@nestjs/common';
import { CLIENTS, tokenEndpoint } from '../../../test/setup/token-endpoint.js';
import type { OAuthClient } from '../../clients/client.js';
import type { OAuthParams } from '../oauth-params.js';
import type { OAuthRequest } from '../oauth-request.js';
import { GrantTypeGuard } from './grant-type.guard.js';

describe('GrantTypeGuard', () => {
  const { tokens, refreshGrant } = tokenEndpoint();
  const guard = new GrantTypeGuard(tokens);

  function run(client: OAuthClient, params: OAuthParams) {
    const request = { oauthClient: client, oauthParams: params } as OAuthRequest;
    const context = {
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    return { request, activate: () => guard.canActivate(context) };
  }

  it('puts the grant the client may use on the request', () => {
    const { request, activate } = run(CLIENTS.refreshOnly, { grant_type: 'refresh_token' });
    expect(activate()).toBe(true);
    expect(request.grant).toBe(refreshGrant);
  });

  it('stops a client at a grant it may not use, before anything of the grant runs', () => {
    const { request, activate } = run(CLIENTS.refreshOnly, { grant_type: 'password' });
    expect(activate).toThrow(expect.objectContaining({ error: 'unauthorized_client' }));
    expect(request.grant).toBeUndefined();
  });
});
