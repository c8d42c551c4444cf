import { NEW_PASSWORD, PasswordProperty } from './password.property.js';

/** PUT /user/password */
export class ChangePasswordDto {
  @PasswordProperty('current_password', 'The password the account has now.')
  current_password!: string;

  @PasswordProperty('new_password', NEW_PASSWORD)
  new_password!: string;
}
