import { Logger } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { deliveryFailed } from './mail-delivery.error.js';
import type { MailMessage } from './mail-message.js';
import { Mailer } from './mailer.js';

/**
 * Sends through the SMTP server of SMTP_URL with nodemailer, which is loaded on the first mail
 * only. A connection per mail (account mails are few); timeouts in seconds, not nodemailer's
 * minutes, since a request may be waiting; nodemailer's own logging stays off because it would
 * print the messages.
 */
export class SmtpMailer extends Mailer {
  private readonly logger = new Logger(SmtpMailer.name);
  private transporter?: Promise<Transporter>;

  constructor(private readonly options: { readonly smtpUrl: string; readonly from: string }) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    let messageId: string;
    try {
      const transporter = await (this.transporter ??= this.createTransporter());
      ({ messageId } = (await transporter.sendMail({ from: this.options.from, ...message })) as {
        messageId: string;
      });
    } catch (error) {
      throw deliveryFailed(this.logger, 'smtp', error);
    }
    this.logger.log({ event: 'mail.sent', transport: 'smtp', messageId });
  }

  private async createTransporter(): Promise<Transporter> {
    const { createTransport } = await import('nodemailer');
    return createTransport({
      url: this.options.smtpUrl,
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
      logger: false,
      debug: false,
    });
  }
}
