import type { MailMessage } from './mail-message.js';

/**
 * Sends mail. The abstract class is the injection token; MailModule binds the adapter the
 * configuration chose (outbox files, SMTP or Amazon SES). The sender is the configured MAIL_FROM.
 */
export abstract class Mailer {
  /** Delivers `message` or rejects with MailDeliveryError (already logged, without the body). */
  abstract send(message: MailMessage): Promise<void>;
}
