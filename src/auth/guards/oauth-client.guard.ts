import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ClientsService } from '../../clients/clients.service.js';
import { readParams, type OAuthRequest } from '../oauth-request.js';

/**
 * Client authentication for the OAuth endpoints (RFC 6749 §2.3): HTTP Basic, credentials in the
 * body, or only `client_id` for public clients. Puts the client on the request.
 */
@Injectable()
export class OAuthClientGuard implements CanActivate {
  constructor(private readonly clients: ClientsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<OAuthRequest>();
    request.oauthParams = readParams(request.body);
    const credentials = this.clients.parseCredentials(
      request.headers.authorization,
      request.oauthParams,
    );
    request.oauthClient = await this.clients.authenticate(credentials);
    return true;
  }
}
