import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { requireParam } from '../oauth-params.js';
import type { OAuthRequest } from '../oauth-request.js';
import { asOAuthError } from '../token/oauth-refusals.js';
import { grantScope } from '../token/scope.js';

/**
 * The resource owner's credentials of the password grant (RFC 6749 §4.3), checked by
 * passport-local (LocalStrategy). Runs after GrantTypeGuard, so only for a client allowed the
 * grant; for any other grant it lets the request through untouched. A scope the client may not
 * have is refused first: it does not depend on the user, and checking the password would spend
 * one of the lockout's attempts on a request that cannot succeed.
 */
@Injectable()
export class PasswordCredentialsGuard extends AuthGuard('local') {
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<OAuthRequest>();
    if (request.grant?.grantType !== 'password') return true;
    requireParam(request.oauthParams, 'username');
    requireParam(request.oauthParams, 'password');
    grantScope(request.oauthParams.scope, request.oauthClient.scopes);
    return super.canActivate(context) as Promise<boolean>;
  }

  /** The domain's refusal of a sign-in, as the token endpoint answers it (oauth-refusals.ts). */
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw asOAuthError(error);
    // passport-local fails without an error only when a field is missing, checked above.
    if (!user) throw new Error('passport-local refused the password grant without a reason');
    return user;
  }
}
