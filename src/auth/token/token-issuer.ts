import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../../clients/client.js';
import { AppConfig } from '../../config/app-config.js';
import type { Session } from '../../sessions/session.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import type { AccessTokenResponse, TokenResponse } from './token-response.js';

/** Lifetimes for a client (its own settings, else the configured defaults) and token responses. */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly config: AppConfig,
  ) {}

  sessionTtl(client: OAuthClient): number {
    return client.sessionTtlSeconds ?? this.config.tokens.sessionTtlSeconds;
  }

  reuseGrace(client: OAuthClient): number {
    return client.refreshReuseGraceSeconds ?? this.config.tokens.refreshReuseGraceSeconds;
  }

  accessTokenTtl(client: OAuthClient): number {
    return client.accessTokenTtlSeconds ?? this.config.tokens.accessTokenTtlSeconds;
  }

  /** Signs an access token for the session and shapes the RFC 6749 §5.1 response. */
  async respond(
    client: OAuthClient,
    session: Session,
    refreshToken: string,
    scope: string,
  ): Promise<TokenResponse> {
    const access = await this.accessTokens.issue({
      userId: session.userId,
      clientId: client.id,
      sessionId: session.id,
      scope,
      ttlSeconds: this.accessTokenTtl(client),
      notAfter: session.expiresAt,
    });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      ...(scope ? { scope } : {}),
    };
  }

  /**
   * A client_credentials response (RFC 6749 §4.4.3): an access token for the client itself, of
   * the client's access-token lifetime, and no refresh token ("A refresh token SHOULD NOT be
   * included"): with no user to bother, the client asks again with its credentials.
   */
  async respondToClient(client: OAuthClient, scope: string): Promise<AccessTokenResponse> {
    const access = await this.accessTokens.issueForClient({
      clientId: client.id,
      scope,
      ttlSeconds: this.accessTokenTtl(client),
    });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      ...(scope ? { scope } : {}),
    };
  }
}
