import { Inject, Injectable } from '@nestjs/common';
import { mayUseGrant, type OAuthClient } from '../../clients/client.js';
import { UnauthorizedClientError, UnsupportedGrantTypeError } from '../../common/oauth-errors.js';
import { requireParam, type OAuthParams } from '../oauth-params.js';
import { GRANT_HANDLERS, type GrantContext, type GrantHandler } from './grants/grant-handler.js';
import type { AccessTokenResponse } from './token-response.js';

/** The token endpoint's grant registry: which grant a request asks for, and its dispatch. */
@Injectable()
export class TokenService {
  private readonly handlers: ReadonlyMap<string, GrantHandler>;

  constructor(@Inject(GRANT_HANDLERS) handlers: GrantHandler[]) {
    this.handlers = new Map(handlers.map((handler) => [handler.grantType, handler]));
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * The handler of the requested grant once the client may use it (RFC 6749 §5.2): the token
   * endpoint's one check of the client's grant types, made before anything else of the grant
   * (GrantTypeGuard), so a client that may not use the password grant learns nothing about
   * passwords.
   */
  grantFor(client: OAuthClient, params: OAuthParams): GrantHandler {
    const grantType = requireParam(params, 'grant_type');
    const handler = this.handlers.get(grantType);
    if (!handler) throw new UnsupportedGrantTypeError(`grant_type ${grantType} is not supported`);
    if (!mayUseGrant(client, grantType)) {
      throw new UnauthorizedClientError(`this client may not use the ${grantType} grant`);
    }
    return handler;
  }

  /** Runs the grant on the parameters it declares (the others are ignored, RFC 6749 §3.2). */
  exchange(grant: GrantHandler, context: GrantContext): Promise<AccessTokenResponse> {
    const params = Object.fromEntries(
      grant.parameters.flatMap((name) =>
        context.params[name] === undefined ? [] : [[name, context.params[name]]],
      ),
    );
    return grant.handle({ ...context, params });
  }
}
