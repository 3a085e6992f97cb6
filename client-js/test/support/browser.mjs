// Launches Debian's Chromium (/usr/bin/chromium, installed by scripts/install-test-deps)
// through playwright-core. No browser is downloaded by playwright: playwright-core only
// drives the executable given here. Playwright gives every launch a fresh profile
// (--user-data-dir) in a temporary directory and removes it on close.

import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.TRAMLINE_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/** @returns {Promise<import('playwright-core').Browser>} */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run scripts/install-test-deps (Debian's chromium)`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: ARGS,
    timeout: 30_000,
  });
}

/**
 * A new context (its own cookies and localStorage, so no remembered transport) and a page in
 * it. Browser console errors and page errors are collected in `page.problems` for failure
 * messages. `initScript` runs before any script of the page (e.g. to delete WebSocket).
 */
export async function newPage(browser, { initScript } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') page.problems.push(`console.${m.type()}: ${m.text()}`);
  });
  if (initScript) await page.addInitScript(initScript);
  return page;
}
