import { Logger } from '@nestjs/common';
import { deliveryFailed } from './mail-delivery.error.js';
import type { MailMessage } from './mail-message.js';
import { Mailer } from './mailer.js';
import { sendWithSes } from './ses-client.js';

/**
 * Sends through Amazon SES v2 from MAIL_FROM, with the Lambda role's credentials. The SDK is
 * loaded on the first mail (ses-client.ts), and the client is one per process and region.
 */
export class SesMailer extends Mailer {
  private readonly logger = new Logger(SesMailer.name);

  constructor(private readonly options: { readonly region: string; readonly from: string }) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    let messageId: string | undefined;
    try {
      messageId = await sendWithSes(this.options.region, this.options.from, message);
    } catch (error) {
      throw deliveryFailed(this.logger, 'ses', error);
    }
    this.logger.log({ event: 'mail.sent', transport: 'ses', messageId });
  }
}
