import { PasswordProperty } from './password.property.js';

/** DELETE /user */
export class DeleteAccountDto {
  @PasswordProperty('password', "The account's password, asked again.")
  password!: string;
}
