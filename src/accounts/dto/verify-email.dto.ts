import { AccountTokenProperty } from './token.property.js';

/** POST /user/email/verify */
export class VerifyEmailDto {
  @AccountTokenProperty('The `token` of the link in the verification mail.')
  token!: string;
}
