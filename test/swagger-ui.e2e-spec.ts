import type { Browser } from 'playwright-core';
import { authorizeWithPassword, launchChromium, tryGetUser } from './setup/browser.js';
import { PASSWORD, registerUser } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

/**
 * Swagger UI is how people explore the service: in a real browser, its "Authorize" dialog runs
 * the OAuth2 password flow against /oauth/token, and "Try it out" on GET /user then succeeds.
 * Uses Debian's Chromium (.ci/run installs it when missing).
 */
describe('Swagger UI at /docs (headless Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let email: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const address = t.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    email = await registerUser(t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('signs in through Authorize (password flow) and calls GET /user with the token', async () => {
    const page = await browser.newPage();
    const tokenRequests: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/oauth/token')) tokenRequests.push(String(response.status()));
    });
    await page.goto(`${base}/docs`);
    await authorizeWithPassword(page, {
      username: email,
      password: PASSWORD,
      clientId: 'demo-app',
    });
    expect(tokenRequests).toEqual(['200']);

    const { status, body } = await tryGetUser(page);
    expect(status).toBe('200');
    expect(body).toMatchObject({ email });
    await page.close();
  });

  it('serves the OpenAPI document with the OAuth2 password flow', async () => {
    const response = await fetch(`${base}/docs-json`);
    const document = (await response.json()) as {
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, unknown>;
    };
    expect(document.components.securitySchemes.oauth2).toEqual({
      type: 'oauth2',
      flows: { password: { tokenUrl: 'oauth/token', scopes: {} } },
    });
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/oauth/token', '/user', '/user/sessions', '/session']),
    );
  });
});
