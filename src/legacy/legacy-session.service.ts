import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/principal.js';
import type { TokenResponse } from '../auth/token/token-response.js';
import { TokenService } from '../auth/token/token.service.js';
import { AccessTokenService } from '../auth/tokens/access-token.service.js';
import type { OAuthClient } from '../clients/client.js';
import { InvalidTokenError } from '../common/api-error.js';
import { InvalidGrantError } from '../common/oauth-errors.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import type { SessionTokensResponse } from './dto/session-tokens.response.js';
import { asUnauthorized } from './legacy-errors.js';

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function toLegacy(response: TokenResponse): SessionTokensResponse {
  return {
    access_token: response.access_token,
    refresh_token: response.refresh_token,
    access_token_expires_in: response.expires_in,
  };
}

/**
 * The original /session API over the token endpoint's own grants: a session started here is the
 * same session a password grant starts, and a refresh here is the same rotation (with the same
 * reuse detection), so the two APIs cannot disagree about a token.
 */
@Injectable()
export class LegacySessionService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
    private readonly tokens: TokenService,
  ) {}

  /** POST /session: the password grant, for a client already known to be allowed it. */
  async start(
    client: OAuthClient,
    email: string,
    password: string,
  ): Promise<SessionTokensResponse> {
    // Checked here rather than by passport-local so that the refusal keeps the original's 401.
    const user = await this.users.verifyCredentials(email, password);
    if (!user) throw asUnauthorized(new InvalidGrantError('the email or password is incorrect'));
    return toLegacy(await this.tokens.exchange(client, { grant_type: 'password' }, user));
  }

  /**
   * PUT /session: the refresh_token grant, bound to the session's latest access token as the
   * original API required. The access token may have expired (that is when clients refresh) but
   * must be ours, of this client, of a live session, and the latest one issued in it; the refresh
   * token must belong to that same session.
   */
  async refresh(
    client: OAuthClient,
    authorization: string | undefined,
    refreshToken: string,
  ): Promise<SessionTokensResponse> {
    const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (!bearer) throw new InvalidTokenError('send the latest access token as a Bearer token');
    const claims = await this.accessTokens.verifyIgnoringExpiry(bearer);
    if (!claims) throw new InvalidTokenError();
    if (claims.client_id !== client.id) {
      throw new InvalidTokenError('the access token was issued to another client');
    }
    if (this.sessions.sessionIdOf(refreshToken) !== claims.sid) {
      throw asUnauthorized(
        new InvalidGrantError(
          'the refresh token does not belong to the session of this access token',
        ),
      );
    }
    const session = await this.sessions.findLive(claims.sid, claims.sub);
    if (!session) throw new InvalidTokenError('the session of this access token has ended');
    // A stale access token with the current refresh token is refused and nothing else happens.
    // A refresh token already rotated away goes on to the rotation whatever the access token,
    // which treats it as reuse and ends the session, exactly as /oauth/token would.
    if (
      session.accessJti !== claims.jti &&
      this.sessions.isCurrentRefreshToken(session, refreshToken)
    ) {
      throw new InvalidTokenError('this is not the latest access token of its session');
    }
    // Between the read above and this conditional write nothing can slip in: the write succeeds
    // only if the refresh token is still current, and only a rotation changes accessJti.
    try {
      return toLegacy(
        await this.tokens.exchange(client, {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }),
      );
    } catch (error) {
      if (error instanceof InvalidGrantError) throw asUnauthorized(error);
      throw error;
    }
  }

  /** GET /session: whole seconds left on the (live, verified) access token. */
  remaining(principal: Principal): number {
    return Math.max(0, principal.expiresAt - nowSeconds());
  }

  /** DELETE /session: ends the session for both APIs, its refresh token and every access token. */
  async end(principal: Principal): Promise<void> {
    await this.sessions.revoke(principal.sessionId, 'signed_out');
  }
}
