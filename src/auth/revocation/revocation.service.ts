import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../../clients/client.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { requireParam, type OAuthParams } from '../oauth-request.js';
import { AccessTokenService } from '../tokens/access-token.service.js';

/**
 * RFC 7009. Revoking either token ends the whole session: the refresh token family and every
 * access token of it (refused at once by this service). Tokens of other clients, unknown and
 * malformed tokens are ignored, and the answer is 200 either way (§2.2).
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
    const claims = await this.accessTokens.verifyIgnoringExpiry(token);
    if (claims) {
      if (claims.client_id === client.id) await this.sessions.revoke(claims.sid, 'revoked');
      return;
    }
    await this.sessions.revokeByRefreshToken(token, client.id);
  }
}
