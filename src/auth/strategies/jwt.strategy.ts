import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { InvalidTokenError } from '../../common/api-error.js';
import { AppConfig } from '../../config/app-config.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import type { Principal } from '../../common/principal.js';
import {
  ACCESS_TOKEN_ALG,
  AccessTokenService,
  type AccessTokenClaims,
} from '../tokens/access-token.service.js';

/**
 * Bearer access tokens (RFC 6750): signature, algorithm (ES256 only), issuer, audience, expiry and
 * `typ: at+jwt` are checked statelessly; then the session must still be live, so a token of an
 * ended session is refused at once rather than when it expires.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    accessTokens: AccessTokenService,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: [ACCESS_TOKEN_ALG],
      issuer: config.tokens.issuer,
      audience: config.tokens.audience,
      ignoreExpiration: false,
      secretOrKeyProvider: (
        _request: Request,
        rawJwtToken: string,
        done: (error: Error | null, key?: string) => void,
      ) => {
        const key = accessTokens.keyForHeader(rawJwtToken);
        if (!key) return done(new InvalidTokenError());
        done(null, key.publicPem);
      },
    });
  }

  async validate(claims: Partial<AccessTokenClaims>): Promise<Principal> {
    const { sub, sid, client_id, jti, iat, exp } = claims;
    if (!sub || !sid || !client_id || !jti || !iat || !exp) throw new InvalidTokenError();
    const session = await this.sessions.findLive(sid, sub);
    if (!session) throw new InvalidTokenError('the session of this access token has ended');
    return {
      userId: sub,
      sessionId: sid,
      clientId: client_id,
      scope: claims.scope ?? '',
      jti,
      issuedAt: iat,
      expiresAt: exp,
    };
  }
}
