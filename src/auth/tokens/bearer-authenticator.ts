import { Injectable } from '@nestjs/common';
import { InvalidTokenError } from '../../common/api-error.js';
import { bearerToken } from '../../common/bearer-token.js';
import type { Principal } from '../../common/principal.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { AccessTokenVerifier, isClientToken } from './access-token.verifier.js';

/**
 * Bearer access tokens (RFC 6750): the token from the Authorization header (the one extraction
 * rule, bearerToken), checked statelessly by the verifier (jsonwebtoken with the configured
 * algorithm pinned, `typ`, `kid`, issuer, audience, expiry); then the session must still be live,
 * so a token of an ended session is refused at once rather than when it expires. That one read of
 * the session also brings the user's profile snapshot, so GET /user costs no more. A
 * client_credentials token has no session: it is taken as it is, with no read, until it expires,
 * and speaks for its client (UserOnlyGuard keeps it off user routes).
 *
 * Called by the global JwtAuthGuard on every route that is not @Public(). (It was a passport-jwt
 * strategy: the same checks, without passport's per-request strategy object and callbacks.)
 */
@Injectable()
export class BearerAuthenticator {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * The principal of the request's bearer token, or InvalidTokenError (401). A failure to ask
   * DynamoDB about the session stays what it is (a 503): a 401 there would make clients throw
   * their tokens away because the database was down.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const token = bearerToken(authorization);
    if (token === undefined) throw new InvalidTokenError();
    const verdict = this.verifier.check(token);
    if (verdict === 'expired') throw new InvalidTokenError('the access token has expired');
    if (verdict === undefined) throw new InvalidTokenError();
    return this.principal(verdict);
  }

  /** Who verified claims speak for; a session's token only while its session is live. */
  async principal(payload: unknown): Promise<Principal> {
    const claims = this.verifier.claims(payload);
    if (!claims) throw new InvalidTokenError();
    if (isClientToken(claims)) {
      return {
        kind: 'client',
        clientId: claims.client_id,
        scope: claims.scope,
        jti: claims.jti,
        issuedAt: claims.iat,
        expiresAt: claims.exp,
      };
    }
    const session = await this.sessions.findLive(claims.sid, claims.sub);
    if (!session) throw new InvalidTokenError('the session of this access token has ended');
    return {
      kind: 'user',
      userId: claims.sub,
      sessionId: claims.sid,
      clientId: claims.client_id,
      scope: claims.scope,
      jti: claims.jti,
      issuedAt: claims.iat,
      expiresAt: claims.exp,
      profile: session.profile,
    };
  }
}
