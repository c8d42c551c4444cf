import { simpleParser } from 'mailparser';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addresses } from './parsed-mail.js';

/** A mail the outbox transport wrote, decoded. */
export interface OutboxMail {
  readonly file: string;
  readonly from: string[];
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The `token` of the first link in the text that has one. */
  readonly token?: string;
  /** That link, whole. */
  readonly link?: string;
}

/**
 * For tests: every mail in `<dataDir>/outbox/`, oldest first (the names sort by time), decoded
 * with a real mail parser. Half-written files (`.tmp`) are not mails yet and are skipped.
 */
export async function readOutbox(dataDir: string): Promise<OutboxMail[]> {
  const dir = join(dataDir, 'outbox');
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const files = names.filter((name) => name.endsWith('.eml')).sort();
  return Promise.all(
    files.map(async (name) => {
      const file = join(dir, name);
      const mail = await simpleParser(await readFile(file));
      const text = mail.text ?? '';
      const link = /https?:\/\/\S+[?&]token=\S+/.exec(text)?.[0];
      return {
        file,
        from: addresses(mail.from),
        to: addresses(mail.to),
        subject: mail.subject ?? '',
        text,
        html: typeof mail.html === 'string' ? mail.html : '',
        link,
        token: link ? (new URL(link).searchParams.get('token') ?? undefined) : undefined,
      };
    }),
  );
}

/**
 * For tests: the newest outbox mail to `address` (compared without case), if any. "Newest" is by
 * file name, to the millisecond: mails sent in the same millisecond have no order.
 */
export async function latestMailTo(
  dataDir: string,
  address: string,
): Promise<OutboxMail | undefined> {
  const wanted = address.toLowerCase();
  const mails = await readOutbox(dataDir);
  return mails.reverse().find((mail) => mail.to.some((to) => to.toLowerCase() === wanted));
}
