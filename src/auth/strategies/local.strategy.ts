import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { InvalidGrantError } from '../../common/oauth-errors.js';
import { UsersService, type PublicUser } from '../../users/users.service.js';

/** The resource owner's credentials of the password grant (RFC 6749 §4.3): username is the email. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly users: UsersService) {
    super({ usernameField: 'username', passwordField: 'password', session: false });
  }

  async validate(username: string, password: string): Promise<PublicUser> {
    const user = await this.users.verifyCredentials(username, password);
    // One message for unknown email and wrong password: nothing to learn about accounts.
    if (!user) throw new InvalidGrantError('the username or password is incorrect');
    return user;
  }
}
