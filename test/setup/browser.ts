import { chromium, type Browser } from 'playwright-core';

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
