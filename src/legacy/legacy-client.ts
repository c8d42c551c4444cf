import { Injectable } from '@nestjs/common';
import { mayUseGrant, type GrantType, type OAuthClient } from '../clients/client.js';
import { ClientsService } from '../clients/clients.service.js';
import type { ApiError } from '../common/api-error.js';
import { AuditLog } from '../common/audit-log.js';
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
 * confidential client must prove itself with its secret at /oauth/token. Every refusal is audited
 * (`client.refused`), with the client's id when it names a registered client (an unknown id is
 * whatever the caller typed, and stays out of the log).
 */
@Injectable()
export class LegacyClientResolver {
  constructor(
    private readonly clients: ClientsService,
    private readonly audit: AuditLog,
  ) {}

  /** Every /session call: the header is required and must name a public client with the grant. */
  async forSession(header: HeaderValue, grant?: GrantType): Promise<OAuthClient> {
    const clientId = this.single(header);
    if (clientId === undefined) {
      throw this.refuse(
        new InvalidRequestError(
          `the ${CLIENT_ID_HEADER} header is required: the id of a registered public client`,
        ),
        'missing_client_id',
      );
    }
    const client = await this.registered(clientId);
    if (client.type !== 'public') {
      throw this.refuse(
        new InvalidClientError(
          `client ${client.id} is confidential: a client id alone proves nothing, so use POST /oauth/token with the client's secret`,
        ),
        'confidential_client',
        client.id,
      );
    }
    if (grant && !mayUseGrant(client, grant)) {
      // Same answer as /oauth/token gives this client, so both APIs agree.
      throw this.refuse(
        new UnauthorizedClientError(`this client may not use the ${grant} grant`),
        'grant_not_allowed',
        client.id,
      );
    }
    return client;
  }

  /** POST /user: the header is optional, but a client it names must exist. */
  async forRegistration(header: HeaderValue): Promise<OAuthClient | undefined> {
    if (header === undefined) return undefined;
    return this.registered(this.single(header) ?? '');
  }

  /** Audits a refusal of the client a request named; returns the error to throw. */
  refuse<E extends ApiError>(error: E, reason: string, clientId?: string): E {
    this.audit.record('client.refused', { clientId, reason });
    return error;
  }

  /** The client by id; no secret to check, so nothing to spend on timing. */
  private async registered(clientId: string): Promise<OAuthClient> {
    const client = await this.clients.findById(clientId);
    if (!client) {
      throw this.refuse(
        new InvalidClientError(`unknown client id in ${CLIENT_ID_HEADER}`),
        'unknown_client',
      );
    }
    return client;
  }

  /** One non-empty header value; a repeated header (an array) is a mistake, not a choice. */
  private single(header: HeaderValue): string | undefined {
    if (Array.isArray(header)) {
      throw this.refuse(
        new InvalidRequestError(`the ${CLIENT_ID_HEADER} header must be sent once`),
        'repeated_client_id',
      );
    }
    const value = header?.trim();
    return value ? value : undefined;
  }
}
