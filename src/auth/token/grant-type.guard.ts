import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { OAuthRequest } from '../oauth-request.js';
import { TokenService } from './token.service.js';

/**
 * The token endpoint's step after client authentication (OAuthClientGuard): the grant type must be
 * supported and allowed to the client. Puts the grant's handler on the request for the steps after.
 */
@Injectable()
export class GrantTypeGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<OAuthRequest>();
    request.grant = this.tokens.grantFor(request.oauthClient, request.oauthParams);
    return true;
  }
}
