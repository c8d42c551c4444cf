/**
 * The pages of PUBLIC_URL that take the tokens from the mails. They are the front end's: a page
 * reads `token` from its query and POSTs it to `/user/email/verify` or
 * `/user/password/reset/confirm`.
 */
export const VERIFY_EMAIL_PATH = '/verify-email';
export const RESET_PASSWORD_PATH = '/reset-password';

/**
 * `${publicUrl}${path}?token=…`, keeping any path PUBLIC_URL has (`https://example.com/app`)
 * and encoding the token.
 */
export function tokenLink(publicUrl: string, path: string, token: string): string {
  const url = new URL(publicUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = new URLSearchParams({ token }).toString();
  url.hash = '';
  return url.toString();
}
