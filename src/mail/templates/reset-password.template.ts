import { describeDuration } from './duration.js';
import { button, html, layout } from './html.js';
import type { MailContent } from './mail-content.js';

/** "Reset your password": `link` carries a single-use token valid for `ttlSeconds`. */
export function resetPasswordMail(link: string, ttlSeconds: number): MailContent {
  const subject = 'Reset your password';
  const validFor = describeDuration(ttlSeconds);
  const text = [
    'Someone asked to reset the password of the account with this email address.',
    'To choose a new password, open the link below.',
    '',
    link,
    '',
    `The link works once and expires in ${validFor}. Setting a new password signs you out everywhere.`,
    'If you did not ask for this, ignore this mail: your password stays as it is.',
    '',
  ].join('\n');
  const body = html`<p>
      Someone asked to reset the password of the account with this email address.
    </p>
    ${button('Choose a new password', link)}
    <p>
      The link works once and expires in ${validFor}. Setting a new password signs you out
      everywhere.
    </p>
    <p style="font-size: 14px; color: #59636e">
      If you did not ask for this, ignore this mail: your password stays as it is.
    </p>`;
  return { subject, text, html: layout(subject, body) };
}
