import { simpleParser, type ParsedMail } from 'mailparser';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { MailDeliveryError } from './mail-delivery.error.js';
import { captureLogs, type LogLine } from './testing/captured-logs.js';
import { addresses } from './testing/parsed-mail.js';
import { SmtpMailer } from './smtp.mailer.js';
import { RESET_PASSWORD_PATH, tokenLink } from './templates/links.js';
import { resetPasswordMail } from './templates/reset-password.template.js';

interface Received {
  readonly user?: string;
  readonly mailFrom: string;
  readonly rcptTo: string[];
  readonly mail: ParsedMail;
}

/** A real SMTP server in this process (plain text with AUTH, as on a private relay). */
async function startSmtpServer(options: { refuseRecipients?: boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'relay-user' && auth.password === 'relay-pass') {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('invalid credentials'));
      }
    },
    onRcptTo(address, _session, callback) {
      if (options.refuseRecipients) {
        const error = Object.assign(new Error(`<${address.address}>: no such user here`), {
          responseCode: 550,
        });
        callback(error);
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const { mailFrom, rcptTo } = session.envelope;
          received.push({
            user: session.user as string | undefined,
            mailFrom: mailFrom ? mailFrom.address : '',
            rcptTo: rcptTo.map((r) => r.address),
            mail,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, received, close };
}

describe('SmtpMailer', () => {
  const token = 'tok_' + randomUUID().replaceAll('-', '');
  const link = tokenLink('https://app.example.com', RESET_PASSWORD_PATH, token);
  const message = { to: 'grace@example.com', ...resetPasswordMail(link, 900) };
  let logs: LogLine[];

  beforeEach(() => {
    logs = captureLogs();
  });

  describe('send', () => {
    it('delivers to the server of SMTP_URL, with its credentials, both parts and the link', async () => {
      const smtp = await startSmtpServer();
      try {
        const mailer = new SmtpMailer({
          smtpUrl: `smtp://relay-user:relay-pass@127.0.0.1:${smtp.port}`,
          from: 'Accounts <no-reply@example.com>',
        });
        await mailer.send(message);

        expect(smtp.received).toHaveLength(1);
        const [{ user, mailFrom, rcptTo, mail }] = smtp.received;
        expect(user).toBe('relay-user');
        expect(mailFrom).toBe('no-reply@example.com');
        expect(rcptTo).toEqual(['grace@example.com']);
        expect(mail.from?.value).toEqual([{ name: 'Accounts', address: 'no-reply@example.com' }]);
        expect(addresses(mail.to)).toEqual(['grace@example.com']);
        expect(mail.subject).toBe('Reset your password');
        expect(mail.headers.get('content-type')).toEqual(
          expect.objectContaining({ value: 'multipart/alternative' }),
        );
        expect(mail.text).toContain(link);
        expect(mail.text).toContain('15 minutes');
        expect(mail.html).toContain(`href="${link}"`);
      } finally {
        await smtp.close();
      }
    });

    it('logs one line per mail, with the message id and nothing of the message', async () => {
      const smtp = await startSmtpServer();
      try {
        const mailer = new SmtpMailer({
          smtpUrl: `smtp://relay-user:relay-pass@127.0.0.1:${smtp.port}`,
          from: 'no-reply@example.com',
        });
        await mailer.send(message);
        await mailer.send(message);

        expect(smtp.received).toHaveLength(2);
        expect(logs).toEqual(
          smtp.received.map(({ mail }) => ({
            level: 'log',
            message: { event: 'mail.sent', transport: 'smtp', messageId: mail.messageId },
          })),
        );
        for (const secret of [token, message.to, 'relay-pass']) {
          expect(JSON.stringify(logs)).not.toContain(secret);
        }
      } finally {
        await smtp.close();
      }
    });

    it('rejects with MailDeliveryError carrying the reply code when the server refuses the recipient', async () => {
      const smtp = await startSmtpServer({ refuseRecipients: true });
      try {
        const mailer = new SmtpMailer({
          smtpUrl: `smtp://relay-user:relay-pass@127.0.0.1:${smtp.port}`,
          from: 'no-reply@example.com',
        });
        const error = await mailer.send(message).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(MailDeliveryError);
        expect(error).toMatchObject({ transport: 'smtp', reason: 'EENVELOPE 550' });
        // The server's reply quotes the recipient: it stays in the cause, out of the log.
        expect(String((error as Error).cause)).toContain('grace@example.com');
        expect(logs).toEqual([
          {
            level: 'error',
            message: { event: 'mail.failed', transport: 'smtp', reason: 'EENVELOPE 550' },
          },
        ]);
      } finally {
        await smtp.close();
      }
    });

    it('rejects with MailDeliveryError when the credentials are wrong', async () => {
      const smtp = await startSmtpServer();
      try {
        const mailer = new SmtpMailer({
          smtpUrl: `smtp://relay-user:wrong@127.0.0.1:${smtp.port}`,
          from: 'no-reply@example.com',
        });
        await expect(mailer.send(message)).rejects.toMatchObject({
          name: 'MailDeliveryError',
          reason: expect.stringMatching(/^EAUTH 535\b/),
        });
        expect(smtp.received).toHaveLength(0);
        expect(JSON.stringify(logs)).not.toContain('wrong');
      } finally {
        await smtp.close();
      }
    });

    it('rejects with MailDeliveryError when no server answers', async () => {
      const smtp = await startSmtpServer();
      await smtp.close();
      const mailer = new SmtpMailer({
        smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
        from: 'no-reply@example.com',
      });
      await expect(mailer.send(message)).rejects.toMatchObject({
        name: 'MailDeliveryError',
        transport: 'smtp',
        reason: 'ESOCKET',
      });
    });
  });
});
