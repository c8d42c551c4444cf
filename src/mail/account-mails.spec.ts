import { AccountMails } from './account-mails.js';
import { MailDeliveryError } from './mail-delivery.error.js';
import type { MailMessage } from './mail-message.js';
import type { MailOptions } from './mail-options.js';
import { Mailer } from './mailer.js';

/** The mailer boundary: records what AccountMails asks it to send. */
class RecordingMailer extends Mailer {
  readonly sent: MailMessage[] = [];
  failWith?: Error;
  send(message: MailMessage): Promise<void> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.sent.push(message);
    return Promise.resolve();
  }
}

describe('AccountMails', () => {
  const options: MailOptions = {
    transport: 'outbox',
    from: 'no-reply@example.com',
    publicUrl: 'https://accounts.example.com/app',
    dataDir: '/unused',
  };
  let mailer: RecordingMailer;
  let mails: AccountMails;

  beforeEach(() => {
    mailer = new RecordingMailer();
    mails = new AccountMails(mailer, options);
  });

  describe('sendVerification', () => {
    it('mails the address a link to PUBLIC_URL/verify-email with the token', async () => {
      await mails.sendVerification('ada@example.com', 'verify-token', 86_400);

      expect(mailer.sent).toHaveLength(1);
      const [mail] = mailer.sent;
      expect(mail.to).toBe('ada@example.com');
      expect(mail.subject).toBe('Verify your email address');
      const link = 'https://accounts.example.com/app/verify-email?token=verify-token';
      expect(mail.text).toContain(link);
      expect(mail.html).toContain(`href="${link}"`);
      expect(mail.text).toContain('1 day');
    });
  });

  describe('sendPasswordReset', () => {
    it('mails the address a link to PUBLIC_URL/reset-password with the token and its lifetime', async () => {
      await mails.sendPasswordReset('ada@example.com', 'reset-token', 900);

      const [mail] = mailer.sent;
      expect(mail.to).toBe('ada@example.com');
      expect(mail.subject).toBe('Reset your password');
      const link = 'https://accounts.example.com/app/reset-password?token=reset-token';
      expect(mail.text).toContain(link);
      expect(mail.html).toContain(`href="${link}"`);
      expect(mail.text).toContain('15 minutes');
    });

    it('passes a failed delivery on to the caller, who decides', async () => {
      mailer.failWith = new MailDeliveryError('smtp', 'ECONNECTION');
      await expect(mails.sendPasswordReset('ada@example.com', 't', 900)).rejects.toBe(
        mailer.failWith,
      );
    });
  });
});
