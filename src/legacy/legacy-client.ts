import { Injectable } from '@nestjs/common';
import { mayUseGrant, type GrantType, type OAuthClient } from '../clients/client.js';
import { ClientsService } from '../clients/clients.service.js';
import {
  InvalidClientError,
  InvalidRequestError,
  UnauthorizedClientError,
} from '../common/oauth-errors.js';

/** The original API's client header: a client id, sent on every call, with no secret. */
export const CLIENT_ID_HEADER = 'x-koms-clientid';

type HeaderValue = string | string[] | undefined;

/**
 * Resolves the client a legacy request names. A client id alone proves nothing (anyone can copy it
 * out of an app), so only public clients, which hold no secret anyway, may be named this way: a
 * confidential client must prove itself with its secret at /oauth/token.
 */
@Injectable()
export class LegacyClientResolver {
  constructor(private readonly clients: ClientsService) {}

  /** Every /session call: the header is required and must name a public client with the grant. */
  async forSession(header: HeaderValue, grant?: GrantType): Promise<OAuthClient> {
    const clientId = single(header);
    if (clientId === undefined) {
      throw new InvalidRequestError(
        `the ${CLIENT_ID_HEADER} header is required: the id of a registered public client`,
      );
    }
    const client = await this.registered(clientId);
    if (client.type !== 'public') {
      throw new InvalidClientError(
        `client ${client.id} is confidential: a client id alone proves nothing, so use POST /oauth/token with the client's secret`,
      );
    }
    if (grant && !mayUseGrant(client, grant)) {
      // Same answer as /oauth/token gives this client, so both APIs agree.
      throw new UnauthorizedClientError(`this client may not use the ${grant} grant`);
    }
    return client;
  }

  /** POST /user: the header is optional, but a client it names must exist. */
  async forRegistration(header: HeaderValue): Promise<OAuthClient | undefined> {
    if (header === undefined) return undefined;
    return this.registered(single(header) ?? '');
  }

  /** The client by id; no secret to check, so nothing to spend on timing. */
  private async registered(clientId: string): Promise<OAuthClient> {
    const client = await this.clients.findById(clientId);
    if (!client) throw new InvalidClientError(`unknown client id in ${CLIENT_ID_HEADER}`);
    return client;
  }
}

/** One non-empty header value; a repeated header (an array) is a mistake, not a choice. */
function single(header: HeaderValue): string | undefined {
  if (Array.isArray(header)) {
    throw new InvalidRequestError(`the ${CLIENT_ID_HEADER} header must be sent once`);
  }
  const value = header?.trim();
  return value ? value : undefined;
}
