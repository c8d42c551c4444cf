import { describeDuration } from './duration.js';
import { html } from './html.js';
import { RESET_PASSWORD_PATH, tokenLink, VERIFY_EMAIL_PATH } from './links.js';
import { resetPasswordMail } from './reset-password.template.js';
import { verifyEmailMail } from './verify-email.template.js';

describe('mail templates', () => {
  describe('tokenLink', () => {
    it.each([
      ['http://localhost:3000', VERIFY_EMAIL_PATH, 'http://localhost:3000/verify-email?token=abc'],
      ['https://example.com/', RESET_PASSWORD_PATH, 'https://example.com/reset-password?token=abc'],
      [
        'https://example.com/app',
        VERIFY_EMAIL_PATH,
        'https://example.com/app/verify-email?token=abc',
      ],
      [
        'https://example.com/app/',
        RESET_PASSWORD_PATH,
        'https://example.com/app/reset-password?token=abc',
      ],
    ])('%s + %s → %s', (publicUrl, path, expected) => {
      expect(tokenLink(publicUrl, path, 'abc')).toBe(expected);
    });

    it('encodes the token so that it comes back whole from the query', () => {
      const token = 'a+b/c=d&e f';
      const link = new URL(tokenLink('https://example.com', VERIFY_EMAIL_PATH, token));
      expect(link.searchParams.get('token')).toBe(token);
      expect([...link.searchParams.keys()]).toEqual(['token']);
    });
  });

  describe('html', () => {
    it('escapes every interpolated value, but not nested html templates', () => {
      const inner = html`<b>${'<i>'}</b>`;
      expect(html`<p title="${'"x" & \'y\''}">${'<script>'}${inner}</p>`.value).toBe(
        '<p title="&quot;x&quot; &amp; &#39;y&#39;">&lt;script&gt;<b>&lt;i&gt;</b></p>',
      );
    });
  });

  describe('describeDuration', () => {
    it.each([
      [86_400, '1 day'],
      [172_800, '2 days'],
      [3_600, '1 hour'],
      [7_200, '2 hours'],
      [900, '15 minutes'],
      [60, '1 minute'],
      [90, '1 minute'],
      [45, '45 seconds'],
    ])('%i s → %s', (seconds, words) => {
      expect(describeDuration(seconds)).toBe(words);
    });
  });

  describe.each([
    ['verifyEmailMail', verifyEmailMail, 'Verify your email address', 86_400, '1 day'],
    ['resetPasswordMail', resetPasswordMail, 'Reset your password', 900, '15 minutes'],
  ])('%s', (_name, template, subject, ttl, validFor) => {
    const link = 'https://example.com/page?token=T0K3N';

    it('has its subject, and the link and its lifetime in both parts', () => {
      const mail = template(link, ttl);
      expect(mail.subject).toBe(subject);
      expect(mail.text).toContain(`\n${link}\n`);
      expect(mail.text).toContain(validFor);
      expect(mail.html).toContain(`<title>${subject}</title>`);
      // As a button and as the visible address.
      expect(mail.html.split(`href="${link}"`)).toHaveLength(3);
      expect(mail.html).toContain(`>${link}</a`);
      expect(mail.html).toContain(validFor);
    });

    it('escapes the link in HTML, so a hostile PUBLIC_URL or token cannot add markup', () => {
      const hostile = 'https://example.com/page?token=x"><script>alert(1)</script>&y=1';
      const mail = template(hostile, ttl);
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain(
        'href="https://example.com/page?token=x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;y=1"',
      );
    });
  });
});
