import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { UsersService, type PublicUser } from '../../users/users.service.js';

/**
 * The resource owner's credentials of the password grant (RFC 6749 §4.3): username is the email.
 * The check is UsersService's; its refusals go on to PasswordCredentialsGuard, which answers them.
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly users: UsersService) {
    super({ usernameField: 'username', passwordField: 'password', session: false });
  }

  validate(username: string, password: string): Promise<PublicUser> {
    return this.users.authenticate(username, password);
  }
}
