import { Injectable } from '@nestjs/common';
import { VerifiedSignIn } from '../../../users/verified-sign-in.js';
import { grantScope } from '../scope.js';
import { SignInService } from '../sign-in.service.js';
import { TokenIssuer } from '../token-issuer.js';
import type { TokenResponse } from '../token-response.js';
import type { GrantContext, GrantHandler } from './grant-handler.js';

/**
 * Resource Owner Password Credentials (RFC 6749 §4.3), for first-party clients only: OAuth 2.1
 * drops it. The credentials were checked by passport-local (PasswordCredentialsGuard); this
 * starts the session, which with the sign-in's own writes is one transaction (SignInService).
 */
@Injectable()
export class PasswordGrant implements GrantHandler {
  readonly grantType = 'password';
  /** §4.3.2; username and password are read before, by passport-local. */
  readonly parameters = ['scope'] as const;

  constructor(
    private readonly signIn: SignInService,
    private readonly issuer: TokenIssuer,
  ) {}

  async handle({ client, params, user }: GrantContext): Promise<TokenResponse> {
    // A route that dispatches here without PasswordCredentialsGuard is a bug, not a refusal.
    if (!(user instanceof VerifiedSignIn)) {
      throw new Error('the password grant needs the sign-in PasswordCredentialsGuard sets');
    }
    const scope = grantScope(params.scope, client.scopes);
    const { session, refreshToken } = await this.signIn.startSession(user, {
      clientId: client.id,
      scope,
      ttlSeconds: this.issuer.sessionTtl(client),
    });
    return this.issuer.respond(client, session, refreshToken, scope);
  }
}
