import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiError } from '../../common/api-error.js';
import { InvalidGrantError, UnauthorizedClientError } from '../../common/oauth-errors.js';
import { requireParam, type OAuthRequest } from '../oauth-request.js';

/**
 * Runs passport-local for `grant_type=password` only, after the client has authenticated and is
 * known to be allowed the grant, so a client that may not use it learns nothing about passwords.
 */
@Injectable()
export class PasswordCredentialsGuard extends AuthGuard('local') {
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<OAuthRequest>();
    const params = request.oauthParams;
    if (params.grant_type !== 'password') return true;
    if (!request.oauthClient.grantTypes.includes('password')) {
      throw new UnauthorizedClientError('this client may not use the password grant');
    }
    requireParam(params, 'username');
    requireParam(params, 'password');
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof ApiError) throw error;
    if (error) throw error as Error;
    if (!user) throw new InvalidGrantError('the username or password is incorrect');
    return user;
  }
}
