import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ClientsService, type ClientRefusal } from '../../clients/clients.service.js';
import { InvalidClientError } from '../../common/oauth-errors.js';
import { readParams, type OAuthRequest } from '../oauth-request.js';
import { parseClientCredentials } from './client-credentials.js';

/** RFC 6749 §5.2 `invalid_client` descriptions, one per refusal. */
const REFUSALS: Readonly<Record<ClientRefusal, string>> = {
  'unknown-or-wrong-secret': 'unknown client or wrong client secret',
  'public-client-sent-secret': 'public clients have no secret',
};

/**
 * Client authentication for the OAuth endpoints (RFC 6749 §2.3): HTTP Basic, credentials in the
 * body, or only `client_id` for public clients. Puts the client on the request; a refusal is 401
 * `invalid_client`, naming the Basic scheme when the client tried it (§5.2).
 */
@Injectable()
export class OAuthClientGuard implements CanActivate {
  constructor(private readonly clients: ClientsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<OAuthRequest>();
    request.oauthParams = readParams(request.body);
    const credentials = parseClientCredentials(request.headers.authorization, request.oauthParams);
    const result = await this.clients.authenticate(credentials);
    if (result.refusal !== undefined) {
      throw new InvalidClientError(
        REFUSALS[result.refusal],
        credentials.method === 'client_secret_basic',
      );
    }
    request.oauthClient = result.client;
    return true;
  }
}
