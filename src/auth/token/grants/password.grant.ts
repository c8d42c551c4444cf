import { Injectable } from '@nestjs/common';
import { SessionsService } from '../../../sessions/sessions.service.js';
import { grantScope } from '../scope.js';
import { TokenIssuer } from '../token-issuer.js';
import type { TokenResponse } from '../token-response.js';
import type { GrantContext, GrantHandler } from './grant-handler.js';

/**
 * Resource Owner Password Credentials (RFC 6749 §4.3), for first-party clients only: OAuth 2.1
 * drops it. The credentials were checked by passport-local (PasswordCredentialsGuard); this
 * starts a session, which is one write.
 */
@Injectable()
export class PasswordGrant implements GrantHandler {
  readonly grantType = 'password';
  /** §4.3.2; username and password are read before, by passport-local. */
  readonly parameters = ['scope'] as const;

  constructor(
    private readonly sessions: SessionsService,
    private readonly issuer: TokenIssuer,
  ) {}

  async handle({ client, params, user }: GrantContext): Promise<TokenResponse> {
    // A route that dispatches here without PasswordCredentialsGuard is a bug, not a refusal.
    if (!user) throw new Error('the password grant needs the user PasswordCredentialsGuard sets');
    const scope = grantScope(params.scope, client.scopes);
    const { session, refreshToken } = await this.sessions.start({
      userId: user.id,
      clientId: client.id,
      scope,
      ttlSeconds: this.issuer.sessionTtl(client),
    });
    return this.issuer.respond(client, session, refreshToken, scope);
  }
}
