import { Injectable } from '@nestjs/common';
import type { TokenResponse } from '../auth/token/token-response.js';
import { TokenIssuer } from '../auth/token/token-issuer.js';
import { AccessTokenService } from '../auth/tokens/access-token.service.js';
import type { OAuthClient } from '../clients/client.js';
import { InvalidTokenError } from '../common/api-error.js';
import { bearerToken } from '../common/bearer-token.js';
import { Clock, epochSeconds } from '../common/clock.js';
import type { Principal, UserPrincipal } from '../common/principal.js';
import { SignInService } from '../auth/token/sign-in.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import type { SessionTokensResponse } from './dto/session-tokens.response.js';
import { isLatestAccessToken } from './latest-access-token.js';
import { asLegacyError, legacyRefusal, unauthorizedGrant } from './legacy-refusals.js';

function toLegacy(response: TokenResponse): SessionTokensResponse {
  return {
    access_token: response.access_token,
    refresh_token: response.refresh_token,
    access_token_expires_in: response.expires_in,
  };
}

/**
 * The original /session API over the services the token endpoint uses: a session started here is
 * the session a password grant starts (SignInService: the password check with its lockout, one
 * transaction for the session; TokenIssuer), and a refresh here is the same rotation (SessionsService.rotate, with its reuse
 * detection), so the two APIs cannot disagree about a token. Refusals are answered through this
 * API's own table (legacy-refusals.ts). The client was resolved, and its grant checked, by
 * LegacyClientGuard.
 */
@Injectable()
export class LegacySessionService {
  constructor(
    private readonly signIn: SignInService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
    private readonly issuer: TokenIssuer,
    private readonly clock: Clock,
  ) {}

  /**
   * POST /session: the password grant (the same sign-in, lockout and session), with no scope
   * asked, so none granted. `sourceAddress` is the request's (`request.ip`), for the lockout.
   */
  async start(
    client: OAuthClient,
    credentials: { readonly email: string; readonly password: string },
    sourceAddress: string | undefined,
  ): Promise<SessionTokensResponse> {
    const { session, refreshToken } = await this.signIn
      .verify({ ...credentials, sourceAddress, clientId: client.id })
      .then((signIn) =>
        this.signIn.startSession(signIn, {
          clientId: client.id,
          scope: '',
          ttlSeconds: this.issuer.sessionTtl(client),
        }),
      )
      .catch((error: unknown) => {
        throw asLegacyError(error);
      });
    return toLegacy(await this.issuer.respond(client, session, refreshToken, session.scope));
  }

  /**
   * PUT /session: the refresh_token grant, bound to the session's latest access token as the
   * original API required. The access token may have expired (that is when clients refresh) but
   * must be ours, of this client, of a live session, and the latest one issued in it
   * (latest-access-token.ts); the refresh token must belong to that same session. One read (the
   * session) and one write (the rotation).
   */
  async refresh(
    client: OAuthClient,
    authorization: string | undefined,
    refreshToken: string,
  ): Promise<SessionTokensResponse> {
    const bearer = bearerToken(authorization);
    if (!bearer) throw new InvalidTokenError('send the latest access token as a Bearer token');
    const claims = await this.accessTokens.verifyIgnoringExpiry(bearer);
    if (!claims) throw new InvalidTokenError();
    if (claims.client_id !== client.id) {
      throw new InvalidTokenError('the access token was issued to another client');
    }
    if (this.sessions.sessionIdOf(refreshToken) !== claims.sid) {
      throw unauthorizedGrant(
        'the refresh token does not belong to the session of this access token',
      );
    }
    const session = await this.sessions.findLive(claims.sid, claims.sub);
    if (!session) throw new InvalidTokenError('the session of this access token has ended');
    // A stale access token with the current refresh token is refused and nothing else happens.
    // A refresh token already rotated away goes on to the rotation whatever the access token,
    // which treats it as reuse and ends the session, exactly as /oauth/token would.
    if (
      !isLatestAccessToken(session, claims.iat) &&
      this.sessions.isCurrentRefreshToken(session, refreshToken)
    ) {
      throw new InvalidTokenError('this is not the latest access token of its session');
    }
    // Between the read above and this conditional write nothing can slip in: the write succeeds
    // only if the refresh token is still current, and only a rotation moves the session's
    // last-issued time.
    const rotation = await this.sessions.rotate({
      refreshToken,
      clientId: client.id,
      reuseGraceSeconds: this.issuer.reuseGrace(client),
    });
    if (rotation.outcome !== 'rotated') throw legacyRefusal(rotation.outcome);
    return toLegacy(
      await this.issuer.respond(
        client,
        rotation.session,
        rotation.refreshToken,
        rotation.session.scope,
      ),
    );
  }

  /** GET /session: whole seconds left on the (live, verified) access token. */
  remaining(principal: Principal): number {
    return Math.max(0, principal.expiresAt - epochSeconds(this.clock.now()));
  }

  /** DELETE /session: ends the session for both APIs, its refresh token and every access token. */
  async end(principal: UserPrincipal): Promise<void> {
    await this.sessions.revoke(principal.sessionId, 'signed_out');
  }
}
