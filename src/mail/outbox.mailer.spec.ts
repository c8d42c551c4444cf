import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailDeliveryError } from './mail-delivery.error.js';
import { captureLogs, type LogLine } from './testing/captured-logs.js';
import { addresses } from './testing/parsed-mail.js';
import { OutboxMailer } from './outbox.mailer.js';
import { tokenLink, VERIFY_EMAIL_PATH } from './templates/links.js';
import { verifyEmailMail } from './templates/verify-email.template.js';

describe('OutboxMailer', () => {
  let dataDir: string;
  let logs: LogLine[];
  const token = 'tok_' + randomUUID().replaceAll('-', '');
  const link = tokenLink('http://localhost:3000', VERIFY_EMAIL_PATH, token);
  const message = { to: 'ada@example.com', ...verifyEmailMail(link, 86_400) };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    logs = captureLogs();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const outbox = () => join(dataDir, 'outbox');
  const files = () => readdirSync(outbox());

  describe('send', () => {
    it('writes one RFC 5322 file that a mail parser reads back with both parts and the link', async () => {
      const mailer = new OutboxMailer({ dataDir, from: 'Accounts <no-reply@example.com>' });
      await mailer.send(message);

      expect(files()).toHaveLength(1);
      expect(files()[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f-]{36}\.eml$/);
      const raw = readFileSync(join(outbox(), files()[0]));
      const mail = await simpleParser(raw);
      expect(mail.headers.get('content-type')).toEqual(
        expect.objectContaining({ value: 'multipart/alternative' }),
      );
      expect(mail.from?.value).toEqual([{ name: 'Accounts', address: 'no-reply@example.com' }]);
      expect(addresses(mail.to)).toEqual(['ada@example.com']);
      expect(mail.subject).toBe('Verify your email address');
      expect(mail.messageId).toMatch(/^<.+@.+>$/);
      expect(mail.date).toBeInstanceOf(Date);
      expect(mail.text).toContain(link);
      expect(mail.text).toContain('1 day');
      expect(mail.html).toContain(`href="${link}"`);
    });

    it('logs one line, with the path and nothing of the message', async () => {
      const mailer = new OutboxMailer({ dataDir, from: 'no-reply@example.com' });
      await mailer.send(message);

      expect(logs).toEqual([
        { level: 'log', message: { event: 'mail.written', path: join(outbox(), files()[0]) } },
      ]);
      const logged = JSON.stringify(logs);
      for (const secret of [token, link, message.to, message.subject]) {
        expect(logged).not.toContain(secret);
      }
    });

    it('keeps the files to their owner: the links in them are credentials', async () => {
      await new OutboxMailer({ dataDir, from: 'no-reply@example.com' }).send(message);
      expect(statSync(outbox()).mode & 0o777).toBe(0o700);
      expect(statSync(join(outbox(), files()[0])).mode & 0o777).toBe(0o600);
    });

    it('writes concurrent mails to distinct complete files', async () => {
      const mailer = new OutboxMailer({ dataDir, from: 'no-reply@example.com' });
      const recipients = Array.from({ length: 10 }, (_, i) => `user${i}@example.com`);
      await Promise.all(recipients.map((to) => mailer.send({ ...message, to })));

      expect(files()).toHaveLength(10);
      const parsed = await Promise.all(
        files().map((file) => simpleParser(readFileSync(join(outbox(), file)))),
      );
      expect(parsed.flatMap((mail) => addresses(mail.to)).sort()).toEqual(recipients.sort());
    });

    it('keeps text that is not ASCII intact through the MIME encoding', async () => {
      const mailer = new OutboxMailer({ dataDir, from: 'no-reply@example.com' });
      await mailer.send({ ...message, subject: 'Grüße, 東京', text: 'Ça marche ✓\n' });

      const mail = await simpleParser(readFileSync(join(outbox(), files()[0])));
      expect(mail.subject).toBe('Grüße, 東京');
      expect(mail.text).toBe('Ça marche ✓\n');
    });

    it('rejects with MailDeliveryError, logged without the message, when it cannot write', async () => {
      // The outbox path is taken by a file, so the folder cannot be made.
      writeFileSync(join(dataDir, 'outbox'), '');
      const mailer = new OutboxMailer({ dataDir, from: 'no-reply@example.com' });

      const error = await mailer.send(message).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect(error).toMatchObject({ transport: 'outbox', reason: 'EEXIST' });
      expect(logs).toEqual([
        {
          level: 'error',
          message: { event: 'mail.failed', transport: 'outbox', reason: 'EEXIST' },
        },
      ]);
      expect(JSON.stringify(logs)).not.toContain(token);
    });
  });
});
