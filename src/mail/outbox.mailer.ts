import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deliveryFailed } from './mail-delivery.error.js';
import type { MailMessage } from './mail-message.js';
import { Mailer } from './mailer.js';

/**
 * The local transport: each mail becomes an RFC 5322 message (multipart/alternative, text and
 * HTML) in `<dataDir>/outbox/<time>-<uuid>.eml`, which any mail client opens. Mails carry
 * single-use tokens, so the files are readable by their owner only and the log gets nothing but
 * the file's path.
 */
export class OutboxMailer extends Mailer {
  private readonly logger = new Logger(OutboxMailer.name);
  /** `<dataDir>/outbox`, where the mails are. */
  readonly dir: string;
  private readonly from: string;

  constructor(options: { readonly dataDir: string; readonly from: string }) {
    super();
    this.dir = join(options.dataDir, 'outbox');
    this.from = options.from;
  }

  async send(message: MailMessage): Promise<void> {
    // nodemailer's composer (the same MIME the SMTP transport sends) loads on the first mail only.
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
    // Sortable by time; the random part keeps mails of the same millisecond apart.
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}`;
    const path = join(this.dir, `${name}.eml`);
    const partial = join(this.dir, `.${name}.tmp`);
    try {
      const raw = await new MailComposer({ from: this.from, ...message }).compile().build();
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // Written aside and renamed, so whoever watches the outbox never reads half a mail.
      await writeFile(partial, raw, { mode: 0o600, flag: 'wx' });
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true }).catch(() => undefined);
      throw deliveryFailed(this.logger, 'outbox', error);
    }
    this.logger.log({ event: 'mail.written', path });
  }
}
