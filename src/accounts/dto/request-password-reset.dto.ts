import { AccountEmail } from '../../users/dto/account-email.decorator.js';

/** POST /user/password/reset: the email checked as POST /user checks it. */
export class RequestPasswordResetDto {
  @AccountEmail()
  email!: string;
}
