import { Inject, Injectable } from '@nestjs/common';
import { MAIL_OPTIONS, type MailOptions } from './mail-options.js';
import { Mailer } from './mailer.js';
import { RESET_PASSWORD_PATH, tokenLink, VERIFY_EMAIL_PATH } from './templates/links.js';
import { resetPasswordMail } from './templates/reset-password.template.js';
import { verifyEmailMail } from './templates/verify-email.template.js';

/**
 * The mails of the account flows, in the domain's words. Each rejects with MailDeliveryError when
 * the mail could not be sent; the caller decides whether its flow fails with it.
 */
@Injectable()
export class AccountMails {
  constructor(
    private readonly mailer: Mailer,
    @Inject(MAIL_OPTIONS) private readonly options: MailOptions,
  ) {}

  /** "Verify your email": a link to `${PUBLIC_URL}/verify-email?token=…`. */
  sendVerification(to: string, token: string, ttlSeconds: number): Promise<void> {
    const link = tokenLink(this.options.publicUrl, VERIFY_EMAIL_PATH, token);
    return this.mailer.send({ to, ...verifyEmailMail(link, ttlSeconds) });
  }

  /** "Reset your password": a link to `${PUBLIC_URL}/reset-password?token=…`. */
  sendPasswordReset(to: string, token: string, ttlSeconds: number): Promise<void> {
    const link = tokenLink(this.options.publicUrl, RESET_PASSWORD_PATH, token);
    return this.mailer.send({ to, ...resetPasswordMail(link, ttlSeconds) });
  }
}
