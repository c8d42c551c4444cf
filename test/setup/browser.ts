import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's headless Chromium (.ci/run installs it when missing). The machine has no network, so
 * Chromium is kept from reaching out at start; as root it needs --no-sandbox.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Swagger UI's "Authorize" dialog, OAuth2 password flow, as a person fills it in. */
export async function authorizeWithPassword(
  page: Page,
  credentials: { username: string; password: string; clientId: string },
): Promise<void> {
  await page.click('.btn.authorize');
  await page.fill('#oauth_username', credentials.username);
  await page.fill('#oauth_password', credentials.password);
  await page.fill('#client_id_password', credentials.clientId);
  await page.click('.modal-ux .auth-container:has(#oauth_username) .btn.modal-btn.auth.authorize');
  await page.waitForSelector('.modal-ux .auth-container:has-text("Authorized")');
  await page.click('.modal-ux .close-modal');
}

/** "Try it out" on GET /user: the status and body Swagger UI shows. */
export async function tryGetUser(page: Page): Promise<{ status?: string; body: unknown }> {
  const operation = '#operations-users-getCurrentUser';
  await page.click(`${operation} .opblock-summary`);
  await page.click(`${operation} .try-out__btn`);
  await page.click(`${operation} .execute`);
  const status = await page.textContent(
    `${operation} .live-responses-table tbody .response-col_status`,
  );
  const body = await page.textContent(`${operation} .live-responses-table tbody .microlight`);
  return { status: status?.trim(), body: JSON.parse(body ?? '{}') };
}
