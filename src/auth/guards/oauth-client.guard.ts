import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ClientCredentials } from '../../clients/client.js';
import { CLIENT_ID_PATTERN } from '../../clients/client-registration.js';
import { ClientsService, type ClientRefusal } from '../../clients/clients.service.js';
import { AuditLog } from '../../common/audit-log.js';
import { InvalidClientError } from '../../common/oauth-errors.js';
import { readParams } from '../oauth-params.js';
import type { OAuthRequest } from '../oauth-request.js';
import { parseClientCredentials } from './client-credentials.js';

/** RFC 6749 §5.2 `invalid_client` descriptions, one per refusal. */
const REFUSALS: Readonly<Record<ClientRefusal, string>> = {
  'unknown-or-wrong-secret': 'unknown client or wrong client secret',
  'public-client-sent-secret': 'public clients have no secret',
};

/**
 * Client authentication for the OAuth endpoints (RFC 6749 §2.3): HTTP Basic, credentials in the
 * body, or only `client_id` for public clients. Puts the client on the request; a refusal is 401
 * `invalid_client`, naming the Basic scheme when the client tried it (§5.2), and a `client.refused`
 * audit event.
 */
@Injectable()
export class OAuthClientGuard implements CanActivate {
  constructor(
    private readonly clients: ClientsService,
    private readonly audit: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<OAuthRequest>();
    request.oauthParams = readParams(request.body);
    let credentials: ClientCredentials;
    try {
      credentials = parseClientCredentials(request.headers.authorization, request.oauthParams);
    } catch (error) {
      if (error instanceof InvalidClientError) {
        this.audit.record('client.refused', { reason: 'missing_or_malformed_credentials' });
      }
      throw error;
    }
    const result = await this.clients.authenticate(credentials);
    if (result.refusal !== undefined) {
      this.audit.record('client.refused', {
        // Only an id that could exist: anything else may be a secret typed into the wrong field.
        ...(CLIENT_ID_PATTERN.test(credentials.clientId) && { clientId: credentials.clientId }),
        reason: result.refusal.replaceAll('-', '_'),
      });
      throw new InvalidClientError(
        REFUSALS[result.refusal],
        credentials.method === 'client_secret_basic',
      );
    }
    request.oauthClient = result.client;
    return true;
  }
}
