import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-jwt';
import { InvalidTokenError } from '../../common/api-error.js';
import { bearerToken } from '../../common/bearer-token.js';
import type { Principal } from '../../common/principal.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { AccessTokenVerifier, isClientToken } from '../tokens/access-token.verifier.js';

/**
 * Bearer access tokens (RFC 6750): the token from the Authorization header (the one extraction
 * rule, bearerToken), checked statelessly by jsonwebtoken with the verifier's key lookup and
 * options (algorithm, `typ`, `kid`, issuer, audience, expiry); then the session must still be
 * live, so a token of an ended session is refused at once rather than when it expires. That one
 * read of the session also brings the user's profile snapshot, so GET /user costs no more. A
 * client_credentials token has no session: it is taken as it is, with no read, until it expires,
 * and speaks for its client (UserOnlyGuard keeps it off user routes).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: (request: Request) => bearerToken(request.headers.authorization) ?? null,
      // At the top level, not in jsonWebTokenOptions: passport-jwt overwrites that object's
      // algorithms, issuer and audience with these, even when they are undefined.
      ...verifier.options,
      algorithms: [...verifier.options.algorithms],
      ignoreExpiration: false,
      secretOrKeyProvider: (
        _request: Request,
        rawJwtToken: string,
        done: (error: Error | null, key?: string | Buffer) => void,
      ) => {
        const key = verifier.keyFor(rawJwtToken);
        // Typed as PEM, but passed to jsonwebtoken 9 as is, which takes the KeyObject made at
        // start: no key is parsed per request.
        if (key) done(null, key as unknown as Buffer);
        else done(new InvalidTokenError());
      },
    });
  }

  async validate(payload: unknown): Promise<Principal> {
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
