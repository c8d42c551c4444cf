import { describeDuration } from './duration.js';
import { button, html, layout } from './html.js';
import type { MailContent } from './mail-content.js';

/** "Verify your email": sent at registration and on resend; `link` carries a single-use token. */
export function verifyEmailMail(link: string, ttlSeconds: number): MailContent {
  const subject = 'Verify your email address';
  const validFor = describeDuration(ttlSeconds);
  const text = [
    'Please confirm that this is your email address by opening the link below.',
    '',
    link,
    '',
    `The link works once and expires in ${validFor}.`,
    'If you did not create an account, you can ignore this mail.',
    '',
  ].join('\n');
  const body = html`<p>Please confirm that this is your email address.</p>
    ${button('Verify email address', link)}
    <p>The link works once and expires in ${validFor}.</p>
    <p style="font-size: 14px; color: #59636e">
      If you did not create an account, you can ignore this mail.
    </p>`;
  return { subject, text, html: layout(subject, body) };
}
