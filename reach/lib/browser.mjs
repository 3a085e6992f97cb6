// Debian's Chromium (/usr/bin/chromium, installed by scripts/install-test-deps) driven through
// playwright-core, which never downloads a browser. Every launch gets a fresh profile
// (--user-data-dir in a temporary directory, removed on close).

import fs from 'node:fs';

import { onCleanup } from './util.mjs';

export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';

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

export async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run scripts/install-test-deps (Debian's chromium)`);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: ARGS,
    timeout: 30_000,
  });
  onCleanup(() => browser.close());
  return browser;
}
