// Debian's Chromium (/usr/bin/chromium, installed by scripts/install-test-deps) driven through
// playwright-core, which never downloads a browser. Every launch gets a fresh profile
// (--user-data-dir in a temporary directory, removed on close).

import { launchChromium as launch } from '../../client-js/test/support/browser.mjs';
import { onCleanup } from './util.mjs';

/** The client tests' launcher (same binary and flags); the browser closes at cleanup. */
export async function launchChromium() {
  const browser = await launch();
  onCleanup(() => browser.close());
  return browser;
}
