import { Inject, Injectable } from '@nestjs/common';
import { UnauthorizedClientError, UnsupportedGrantTypeError } from '../../common/oauth-errors.js';
import type { OAuthClient } from '../../clients/client.js';
import type { PublicUser } from '../../users/users.service.js';
import { requireParam, type OAuthParams } from '../oauth-request.js';
import { GRANT_HANDLERS, type GrantHandler } from './grants/grant-handler.js';
import type { TokenResponse } from './token-response.js';

/** The token endpoint's steps after client authentication: grant type checks, then dispatch. */
@Injectable()
export class TokenService {
  private readonly handlers: ReadonlyMap<string, GrantHandler>;

  constructor(@Inject(GRANT_HANDLERS) handlers: GrantHandler[]) {
    this.handlers = new Map(handlers.map((handler) => [handler.grantType, handler]));
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }

  async exchange(
    client: OAuthClient,
    params: OAuthParams,
    user?: PublicUser,
  ): Promise<TokenResponse> {
    const grantType = requireParam(params, 'grant_type');
    const handler = this.handlers.get(grantType);
    if (!handler) throw new UnsupportedGrantTypeError(`grant_type ${grantType} is not supported`);
    if (!(client.grantTypes as readonly string[]).includes(grantType)) {
      throw new UnauthorizedClientError(`this client may not use the ${grantType} grant`);
    }
    return handler.handle({ client, params, user });
  }
}
