import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../../clients/client.js';
import { InvalidClientError } from '../../common/oauth-errors.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { requireParam, type OAuthParams } from '../oauth-request.js';
import { AccessTokenService } from '../tokens/access-token.service.js';

export interface Introspection {
  active: boolean;
  sub?: string;
  client_id?: string;
  exp?: number;
  iat?: number;
  scope?: string;
  sid?: string;
  token_type?: 'access_token' | 'refresh_token';
  iss?: string;
  aud?: string;
  jti?: string;
}

/**
 * RFC 7662, for confidential clients (resource servers). A token is active only while it is
 * unexpired and its session is live; anything else is `{active: false}` with no detail (§2.2).
 */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
  ) {}

  async introspect(client: OAuthClient, params: OAuthParams): Promise<Introspection> {
    if (client.type !== 'confidential') {
      throw new InvalidClientError('introspection is for confidential clients');
    }
    const token = requireParam(params, 'token');
    const claims = await this.accessTokens.verify(token);
    if (claims) {
      const live = await this.sessions.findLive(claims.sid, claims.sub);
      if (!live) return { active: false };
      return {
        active: true,
        sub: claims.sub,
        client_id: claims.client_id,
        exp: claims.exp,
        iat: claims.iat,
        scope: claims.scope,
        sid: claims.sid,
        token_type: 'access_token',
        iss: claims.iss,
        aud: claims.aud,
        jti: claims.jti,
      };
    }
    const session = await this.sessions.findByRefreshToken(token);
    if (!session) return { active: false };
    return {
      active: true,
      sub: session.userId,
      client_id: session.clientId,
      exp: session.expiresAt,
      iat: Math.floor(Date.parse(session.rotatedAt ?? session.createdAt) / 1000),
      scope: session.scope,
      sid: session.id,
      token_type: 'refresh_token',
    };
  }
}
