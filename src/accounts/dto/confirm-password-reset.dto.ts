import { NEW_PASSWORD, PasswordProperty } from './password.property.js';
import { AccountTokenProperty } from './token.property.js';

/** POST /user/password/reset/confirm */
export class ConfirmPasswordResetDto {
  @AccountTokenProperty('The `token` of the link in the password-reset mail.')
  token!: string;

  @PasswordProperty('new_password', NEW_PASSWORD)
  new_password!: string;
}
