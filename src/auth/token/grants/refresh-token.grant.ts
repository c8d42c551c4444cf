import { Injectable } from '@nestjs/common';
import { SessionsService } from '../../../sessions/sessions.service.js';
import { requireParam } from '../../oauth-params.js';
import { oauthRefusal } from '../oauth-refusals.js';
import { grantScope, parseScope } from '../scope.js';
import { TokenIssuer } from '../token-issuer.js';
import type { TokenResponse } from '../token-response.js';
import type { GrantContext, GrantHandler } from './grant-handler.js';

/**
 * Refreshing an access token (RFC 6749 §6) with refresh-token rotation (RFC 9700 §4.14.2): every
 * use issues a new refresh token, in one conditional write; reuse ends the session.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';
  /** §6. */
  readonly parameters = ['refresh_token', 'scope'] as const;

  constructor(
    private readonly sessions: SessionsService,
    private readonly issuer: TokenIssuer,
  ) {}

  async handle({ client, params }: GrantContext): Promise<TokenResponse> {
    const refreshToken = requireParam(params, 'refresh_token');
    // Checked before rotating, so a bad scope does not cost the client its refresh token.
    const requested = parseScope(grantScope(params.scope, client.scopes));
    const rotation = await this.sessions.rotate({
      refreshToken,
      clientId: client.id,
      reuseGraceSeconds: this.issuer.reuseGrace(client),
    });
    if (rotation.outcome !== 'rotated') throw oauthRefusal(rotation.outcome);
    const granted = parseScope(rotation.session.scope);
    // §6: a refresh may narrow the scope of the new access token, never widen the session's.
    // Parts beyond the original grant are dropped, not refused (§3.3 lets the server ignore
    // them, and the response says what was granted): refusing now would lose the new token.
    const scope =
      requested.length === 0 ? granted : requested.filter((token) => granted.includes(token));
    return this.issuer.respond(client, rotation.session, rotation.refreshToken, scope.join(' '));
  }
}
