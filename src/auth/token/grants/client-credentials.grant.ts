import { Injectable } from '@nestjs/common';
import { UnauthorizedClientError } from '../../../common/oauth-errors.js';
import { grantScope } from '../scope.js';
import { TokenIssuer } from '../token-issuer.js';
import type { AccessTokenResponse } from '../token-response.js';
import type { GrantContext, GrantHandler } from './grant-handler.js';

/**
 * Client Credentials (RFC 6749 §4.4): a confidential client gets an access token for itself, to
 * call other services as itself; there is no user. The token's `sub` is the client id, it has no
 * session (no `sid`) and comes with no refresh token (§4.4.3), so the grant reads and writes
 * nothing in DynamoDB: the client's authentication (OAuthClientGuard, cached) is its only lookup.
 * Such a token cannot be revoked: its short lifetime is the control.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';
  /** §4.4.2: besides grant_type and the client's authentication, only `scope`. */
  readonly parameters = ['scope'] as const;

  constructor(private readonly issuer: TokenIssuer) {}

  async handle({ client, params }: GrantContext): Promise<AccessTokenResponse> {
    // §4.4: "MUST only be used by confidential clients". Registration refuses the grant to public
    // clients; this holds even for a client stored before that rule or written by hand.
    if (client.type !== 'confidential') {
      throw new UnauthorizedClientError('client_credentials is only for confidential clients');
    }
    // §3.3 lets the server use "a pre-defined default value" when no scope is requested. The
    // client is acting for itself, so its default is every scope it is registered for: those
    // were chosen for this client alone by whoever registered it, and the response says what was
    // granted. (The password grant grants none by default: there the scope is the user's.)
    const scope =
      params.scope === undefined
        ? client.scopes.join(' ')
        : grantScope(params.scope, client.scopes);
    return this.issuer.respondToClient(client, scope);
  }
}
