import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountMails } from './account-mails.js';
import { chooseMailTransport, type MailOptions } from './mail-options.js';
import { MailModule } from './mail.module.js';
import { Mailer } from './mailer.js';
import { OutboxMailer } from './outbox.mailer.js';
import { SesMailer } from './ses.mailer.js';
import { SmtpMailer } from './smtp.mailer.js';
import { captureLogs } from './testing/captured-logs.js';

/** A consumer in another module, as the account flows will be. */
@Injectable()
class SignUp {
  constructor(readonly mails: AccountMails) {}
}
@Module({ providers: [SignUp] })
class SignUpModule {}

describe('MailModule', () => {
  const base: MailOptions = {
    transport: 'outbox',
    from: 'no-reply@example.com',
    publicUrl: 'http://localhost:3000',
    dataDir: '/unused',
  };

  describe('forRoot', () => {
    it.each([
      ['outbox', {}, OutboxMailer],
      ['smtp', { smtpUrl: 'smtp://127.0.0.1:2525' }, SmtpMailer],
      ['ses', { region: 'us-east-1' }, SesMailer],
    ] as const)('binds Mailer to the %s adapter', async (transport, extra, adapter) => {
      const module = await Test.createTestingModule({
        imports: [MailModule.forRoot({ ...base, ...extra, transport })],
      }).compile();
      expect(module.get(Mailer)).toBeInstanceOf(adapter);
    });

    it('gives AccountMails to other modules, which send through the configured adapter', async () => {
      captureLogs();
      const dataDir = mkdtempSync(join(tmpdir(), 'mail-module-'));
      try {
        const module = await Test.createTestingModule({
          imports: [MailModule.forRoot({ ...base, dataDir }), SignUpModule],
        }).compile();
        await module.get(SignUp).mails.sendVerification('ada@example.com', 'tok', 3_600);
        expect(readdirSync(join(dataDir, 'outbox'))).toEqual([expect.stringMatching(/\.eml$/)]);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it.each([
      ['smtp without SMTP_URL', { transport: 'smtp' }, /SMTP_URL/],
      ['ses without a region', { transport: 'ses' }, /region/],
      ['a PUBLIC_URL that is not http(s)', { publicUrl: 'javascript:alert(1)' }, /PUBLIC_URL/],
      ['a PUBLIC_URL that is no URL', { publicUrl: 'localhost:3000/x y' }, /PUBLIC_URL/],
    ] as const)('refuses %s at start', (_case, bad, message) => {
      expect(() => MailModule.forRoot({ ...base, ...bad })).toThrow(message);
    });
  });

  describe('chooseMailTransport', () => {
    it.each([
      [{ smtpUrl: 'smtp://mail:25', onLambda: false }, 'smtp'],
      [{ smtpUrl: 'smtp://mail:25', onLambda: true }, 'smtp'],
      [{ onLambda: true }, 'ses'],
      [{ onLambda: false }, 'outbox'],
      [{ smtpUrl: '', onLambda: false }, 'outbox'],
    ])('%o → %s', (facts, transport) => {
      expect(chooseMailTransport(facts)).toBe(transport);
    });
  });
});
