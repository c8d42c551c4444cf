import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config.js';
import { AccountMails } from '../mail/account-mails.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';

/**
 * How long a reset request takes at least. Whether the email has an account must not show in the
 * answer's time (OWASP Forgot Password Cheat Sheet: "consistent response time"); the storage work
 * is the same either way (UsersService.requestPasswordReset), but only a known email gets a mail,
 * and sending one takes as long as the transport does. So the mail is started, not awaited, and
 * the answer waits for this floor instead: long enough for SES or an SMTP relay to have taken the
 * mail in the usual case (on Lambda, work left running after the answer may be frozen).
 */
export const RESET_REQUEST_FLOOR_MS = 400;

/**
 * POST /user/password/reset and /confirm. A confirmed reset ends every session of the user (the
 * old password may be what an intruder used) and clears the email's lockout (UsersService).
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly mails: AccountMails,
    private readonly config: AppConfig,
  ) {}

  /** Answers alike, in the same time, whether or not an account has `email`. */
  async request(email: string): Promise<void> {
    const started = performance.now();
    const mail = await this.users.requestPasswordReset(email);
    if (mail) {
      this.mails
        .sendPasswordReset(mail.to, mail.token, this.config.accounts.resetTokenTtlSeconds)
        // Logged by the mailer (a code, no address); the user can ask again.
        .catch(() => this.logger.warn({ event: 'reset_mail.lost' }));
    }
    const left = RESET_REQUEST_FLOOR_MS - (performance.now() - started);
    if (left > 0) await sleep(left);
  }

  async confirm(token: string, newPassword: string): Promise<void> {
    const account = await this.users.confirmPasswordReset(token, newPassword);
    await this.sessions.endAll(account.userId, 'password_reset');
  }
}
