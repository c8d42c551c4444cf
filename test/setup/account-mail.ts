import { setTimeout as sleep } from 'node:timers/promises';
import { latestMailTo, type OutboxMail } from '../../src/mail/testing/outbox.js';
import type { TestApp } from './test-app.js';

/**
 * The newest mail to `to` in the test app's outbox (DATA_DIR/outbox) whose subject matches and
 * which is not `after` (an earlier mail the test already read), waiting up to `timeoutMs` for it:
 * a reset mail is written while the answer waits, or just after.
 */
export async function mailTo(
  t: TestApp,
  to: string,
  subject: RegExp,
  options: { readonly after?: OutboxMail; readonly timeoutMs?: number } = {},
): Promise<OutboxMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  for (;;) {
    const mail = await latestMailTo(t.config.dataDir, to);
    if (mail && subject.test(mail.subject) && mail.file !== options.after?.file) return mail;
    if (Date.now() > deadline) throw new Error(`no new mail "${String(subject)}" to ${to}`);
    await sleep(25);
  }
}

export const VERIFY_SUBJECT = /verify your email/i;
export const RESET_SUBJECT = /reset your password/i;

/** The token of a mail's link, which every account mail has. */
export function tokenOf(mail: OutboxMail): string {
  if (!mail.token) throw new Error(`the mail "${mail.subject}" has no token link`);
  return mail.token;
}
