import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import type { VerifiedSignIn } from '../../users/verified-sign-in.js';
import type { OAuthRequest } from '../oauth-request.js';
import { SignInService } from '../token/sign-in.service.js';

/**
 * The resource owner's credentials of the password grant (RFC 6749 §4.3): username is the email.
 * The check is SignInService's (UsersService's, with its lockout per email and source address:
 * `request.ip`, which Express takes from the socket or, through TRUST_PROXY hops, from
 * X-Forwarded-For). Its refusals go on to PasswordCredentialsGuard, which answers them; a success
 * puts the VerifiedSignIn on the request for the password grant.
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly signIn: SignInService) {
    super({
      usernameField: 'username',
      passwordField: 'password',
      session: false,
      passReqToCallback: true,
    });
  }

  validate(request: OAuthRequest, username: string, password: string): Promise<VerifiedSignIn> {
    return this.signIn.verify({
      email: username,
      password,
      sourceAddress: request.ip,
      clientId: request.oauthClient.id,
    });
  }
}
