import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../../clients/client.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { requireParam, type OAuthParams } from '../oauth-params.js';
import { AccessTokenService, isClientToken } from '../tokens/access-token.service.js';

/**
 * RFC 7009. Revoking either token ends the whole session: the refresh token family and every
 * access token of it (refused at once by this service). Tokens of other clients, unknown and
 * malformed tokens are ignored, and the answer is 200 either way (§2.2). A client_credentials
 * access token has no session, so there is nothing to end: it revokes nothing, with no DynamoDB
 * request, and still answers 200; its short lifetime is the control. (§2.2.1 would allow a 400
 * unsupported_token_type; a 200 keeps one answer for every token a client may hold.)
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
  ) {}

  async revoke(client: OAuthClient, params: OAuthParams): Promise<void> {
    const token = requireParam(params, 'token');
    // Token shapes are distinct, so token_type_hint (§2.1) is not needed to tell them apart.
    const claims = await this.accessTokens.verify(token, { ignoreExpiration: true });
    if (claims && isClientToken(claims)) return;
    if (claims) {
      if (claims.client_id === client.id) await this.sessions.revoke(claims.sid, 'revoked');
      return;
    }
    await this.sessions.revokeByRefreshToken(token, client.id);
  }
}
