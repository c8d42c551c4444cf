import { Module, type DynamicModule } from '@nestjs/common';
import { AccountMails } from './account-mails.js';
import { MAIL_OPTIONS, type MailOptions } from './mail-options.js';
import { Mailer } from './mailer.js';
import { OutboxMailer } from './outbox.mailer.js';
import { SesMailer } from './ses.mailer.js';
import { SmtpMailer } from './smtp.mailer.js';

/** The adapter for the configured transport. Its library loads on its first mail, not here. */
export function createMailer(options: MailOptions): Mailer {
  const { transport, from, smtpUrl, region, dataDir } = options;
  switch (transport) {
    case 'smtp':
      if (!smtpUrl) throw new Error('mail: the smtp transport needs SMTP_URL');
      return new SmtpMailer({ smtpUrl, from });
    case 'ses':
      if (!region) throw new Error('mail: the ses transport needs an AWS region');
      return new SesMailer({ region, from });
    case 'outbox':
      return new OutboxMailer({ dataDir, from });
  }
}

/**
 * Mail, for the whole app (global, like the database): `Mailer` for any message, `AccountMails`
 * for the account flows' mails.
 */
@Module({})
export class MailModule {
  static forRoot(options: MailOptions): DynamicModule {
    // Checked and built here, so a configuration mail cannot work with stops the start.
    if (!/^https?:$/.test(URL.parse(options.publicUrl)?.protocol ?? '')) {
      throw new Error(`mail: PUBLIC_URL must be an http(s) URL, got "${options.publicUrl}"`);
    }
    const mailer = createMailer(options);
    return {
      module: MailModule,
      global: true,
      providers: [
        { provide: MAIL_OPTIONS, useValue: options },
        { provide: Mailer, useValue: mailer },
        AccountMails,
      ],
      exports: [Mailer, AccountMails],
    };
  }
}
