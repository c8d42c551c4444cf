import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../../clients/client.js';
import { ApiError } from '../../common/api-error.js';
import { InvalidClientError } from '../../common/oauth-errors.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { requireParam, type OAuthParams } from '../oauth-params.js';
import { AccessTokenService, isClientToken } from '../tokens/access-token.service.js';

export interface Introspection {
  active: boolean;
  sub?: string;
  client_id?: string;
  exp?: number;
  iat?: number;
  scope?: string;
  sid?: string;
  /** RFC 7662 §2.2: an RFC 6749 §5.1 token type. Only access tokens have one. */
  token_type?: 'Bearer';
  iss?: string;
  aud?: string;
  jti?: string;
}

const INACTIVE: Introspection = { active: false };

/**
 * 403: the client proved who it is but was not given the introspection permission. Not 401: its
 * credentials are fine, and a 401 would send its operator rotating a secret that is not the problem.
 */
export class IntrospectionNotAllowedError extends ApiError {
  constructor() {
    super(
      403,
      'unauthorized_client',
      'this client is not allowed to introspect tokens: it needs "introspection": true',
    );
  }
}

/**
 * RFC 7662, for the clients allowed to (resource servers). §2.1 requires the endpoint to be
 * protected against token scanning, so only confidential clients registered with
 * `introspection: true` may call it. A token is active only while it is unexpired and its session
 * is live, and a refresh token only to the client it was issued to; anything else is
 * `{active: false}` with no detail (§2.2). A client_credentials access token has no session: it is
 * active until it expires, and its answer has no `sid` (its `sub` is the client id).
 */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
  ) {}

  async introspect(client: OAuthClient, params: OAuthParams): Promise<Introspection> {
    if (client.type !== 'confidential') {
      // §2.1: a client_id alone is no authentication (RFC 6749 §5.2 invalid_client, 401).
      throw new InvalidClientError('introspection needs client authentication with a secret');
    }
    if (client.introspection !== true) throw new IntrospectionNotAllowedError();
    const token = requireParam(params, 'token');
    const claims = await this.accessTokens.verify(token);
    if (claims) {
      const described: Introspection = {
        active: true,
        sub: claims.sub,
        client_id: claims.client_id,
        exp: claims.exp,
        iat: claims.iat,
        scope: claims.scope,
        token_type: 'Bearer',
        iss: claims.iss,
        aud: claims.aud,
        jti: claims.jti,
      };
      // A client's own token has no session that could have ended under it: nothing to read.
      if (isClientToken(claims)) return described;
      const live = await this.sessions.findLive(claims.sid, claims.sub);
      return live ? { ...described, sid: claims.sid } : INACTIVE;
    }
    const session = await this.sessions.findByRefreshToken(token);
    // A refresh token is a credential of its own client only: to any other it is not active, so
    // a resource server cannot learn whose session a stolen refresh token would open (RFC 7009 §2.1
    // holds revocation to the same rule).
    if (!session || session.clientId !== client.id) return INACTIVE;
    return {
      active: true,
      sub: session.userId,
      client_id: session.clientId,
      exp: session.expiresAt,
      iat: Math.floor(Date.parse(session.rotatedAt ?? session.createdAt) / 1000),
      scope: session.scope,
      sid: session.id,
      // No token_type: RFC 6749 §5.1 types say how to present an access token, and a refresh
      // token is presented to no resource server. Its absence is what tells the two apart.
    };
  }
}
