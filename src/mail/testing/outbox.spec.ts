import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountMails } from '../account-mails.js';
import { OutboxMailer } from '../outbox.mailer.js';
import { captureLogs } from './captured-logs.js';
import { latestMailTo, readOutbox } from './outbox.js';

describe('readOutbox', () => {
  let dataDir: string;
  let mails: AccountMails;

  beforeEach(() => {
    captureLogs();
    dataDir = mkdtempSync(join(tmpdir(), 'read-outbox-'));
    const mailer = new OutboxMailer({ dataDir, from: 'no-reply@example.com' });
    mails = new AccountMails(mailer, {
      transport: 'outbox',
      from: 'no-reply@example.com',
      publicUrl: 'http://localhost:3000',
      dataDir,
    });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is empty before the first mail', async () => {
    await expect(readOutbox(dataDir)).resolves.toEqual([]);
  });

  it('decodes each mail, with the link and the token whole (the file has them split and escaped)', async () => {
    // Long enough that quoted-printable breaks the link's line and escapes its `=`.
    const token = 'Xq3vJ9kLmN0pQrStUvWxYz_AbCdEfGhIjKlMnOpQrSt-0123456789';
    await mails.sendVerification('ada@example.com', token, 86_400);

    const [mail] = await readOutbox(dataDir);
    expect(mail).toMatchObject({
      from: ['no-reply@example.com'],
      to: ['ada@example.com'],
      subject: 'Verify your email address',
      link: `http://localhost:3000/verify-email?token=${token}`,
      token,
    });
    expect(mail.html).toContain(`href="${mail.link}"`);
  });

  it('finds the newest mail to an address, and skips half-written files', async () => {
    await mails.sendVerification('ada@example.com', 'first', 60);
    await mails.sendPasswordReset('grace@example.com', 'other', 60);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await mails.sendPasswordReset('ada@example.com', 'second', 60);
    writeFileSync(join(dataDir, 'outbox', '.9999-half-written.tmp'), 'From: x');

    expect(await readOutbox(dataDir)).toHaveLength(3);
    await expect(latestMailTo(dataDir, 'Ada@example.com')).resolves.toMatchObject({
      subject: 'Reset your password',
      token: 'second',
    });
    await expect(latestMailTo(dataDir, 'nobody@example.com')).resolves.toBeUndefined();
  });
});
