// Drives one page through one run: load the page, start the client, wait until it is
// connected, send 1..6 seven seconds apart (the mostly idle session the issue asks for; every
// gap is longer than the idle-5s proxy's timeout, so only heartbeats keep the path alive), wait
// for every echo, and read the page's state. A run for a disallowed origin instead checks that
// the client never connects and nothing is delivered.

import { traceInitScript } from './trace.mjs';
import { idle, withTimeout } from './util.mjs';

export const SENDS = 6;
/** The idle time between two sends: 9 gaps, then a last gap before the final reading. */
export const SPACING_MS = 7_000;
/** The shortest time from connected to the final reading of the page's state. */
export const MIN_SESSION_MS = 35_000;

const LOAD_MS = 15_000;
const CONNECT_MS = 20_000;
const ECHO_MS = 15_000;
const REFUSED_MS = 20_000;
/** How often the harness re-reads a page condition (waitForFunction's polling interval). */
const POLL_MS = 25;

/** The page's state, as plain JSON. */
function readState(page) {
  return withTimeout(
    page.evaluate(() => JSON.parse(JSON.stringify(window.reach && window.reach.state ? window.reach.state : null))),
    5_000,
    'reading window.reach.state',
  );
}

/**
 * @param {import('playwright-core').Browser} browser
 * @param {object} run  see run.mjs `makeRuns`
 * @returns {Promise<object>} the run's raw result
 */
export async function drive(browser, run) {
  const result = { problems: [], error: null, state: null, startedAt: Date.now() };
  let context;
  let release = () => {};
  try {
    context = await browser.newContext();
    if (run.cookie) {
      await context.addCookies([{ name: 'reach', value: '1', domain: '127.0.0.1', path: '/' }]);
    }
    const page = await context.newPage();
    if (run.lib === 'tramline') await page.addInitScript(traceInitScript);
    page.on('pageerror', (e) => result.problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') result.problems.push(`console.error: ${m.text()}`);
    });
    await page.goto(run.pageUrl, { waitUntil: 'load', timeout: LOAD_MS });
    await page.waitForFunction(() => window.reach && typeof window.reach.start === 'function', null, {
      timeout: LOAD_MS,
      polling: POLL_MS,
    });
    const opts = { endpoint: run.endpoint, credentials: !!run.credentials, room: run.room };
    if (run.transports) opts.transports = run.transports;
    // Every page is loaded before any client starts: page loads (29 at once on 2 cores) must
    // not slow down the clients' first requests, whose round-trip times set their timeouts.
    run.loaded?.();
    if (run.gate) await run.gate;
    if (run.slot) release = await run.slot();
    result.startedAt = Date.now();
    await page.evaluate((o) => window.reach.start(o), opts);
    if (run.refused) {
      await refusedRun(page, run, result, release);
    } else {
      await normalRun(page, run, result, release);
    }
  } catch (e) {
    result.error = e.message.split('\n')[0];
  } finally {
    release();
    run.loaded?.(); // a page that failed to load must not hold the others back
    run.midSession?.(); // a run that ended early must not hold the others' reload back
    if (context) {
      try {
        const page = context.pages()[0];
        if (!result.state) result.state = await readState(page);
        if (run.lib === 'tramline') {
          result.trace = await withTimeout(page.evaluate(() => window.__reachTrace || null), 5_000, 'reading the trace');
        }
      } catch {
        // the page is gone; the error above says why
      }
      await withTimeout(context.close(), 10_000, 'closing a browser context').catch(() => {});
    }
    result.endedAt = Date.now();
  }
  return result;
}

async function normalRun(page, run, result, release) {
  try {
    await page.waitForFunction(() => window.reach.state.connected === true, null, {
      timeout: CONNECT_MS,
      polling: POLL_MS,
    });
  } catch {
    throw new Error(`not connected within ${CONNECT_MS} ms`);
  }
  const connectedAt = Date.now();
  result.connectedAt = connectedAt;
  for (let n = 1; n <= SENDS; n++) {
    if (n > 1) await idle(SPACING_MS);
    await page.evaluate((k) => window.reach.send(k), n);
    result.lastSentAt = Date.now();
    if (n === 1) firstEcho(page).finally(release);
    if (n === Math.ceil(SENDS / 2)) run.midSession?.();
  }
  try {
    await page.waitForFunction(
      (count) => {
        const got = window.reach.state.received;
        for (let k = 1; k <= count; k++) if (got.indexOf(k) < 0) return false;
        return true;
      },
      SENDS,
      { timeout: ECHO_MS, polling: POLL_MS },
    );
  } catch {
    // Missing echoes are counted as lost below.
  }
  if (run.reloaded) await withTimeout(run.reloaded, 15_000, 'the mid-session reload').catch(() => {});
  // The last stretch of idle time, so that the session lasts at least MIN_SESSION_MS, and
  // late duplicates would still be seen.
  await idle(connectedAt + MIN_SESSION_MS - Date.now());
  result.state = await readState(page);
}

/** Resolves at the page's first echo, or after ECHO_MS. */
function firstEcho(page) {
  return page
    .waitForFunction(() => window.reach.state.firstEventMs !== null, null, { timeout: ECHO_MS, polling: POLL_MS })
    .catch(() => {});
}

async function refusedRun(page, run, result, release) {
  // Sends made while no session is open wait in the client's offline buffer: none of them may
  // ever be delivered.
  for (let n = 1; n <= 3; n++) await page.evaluate((k) => window.reach.send(k), n);
  try {
    // Refused, then refused again on the client's retries (or connected, which is a failure).
    await page
      .waitForFunction(() => window.reach.state.errors.length > 0 || window.reach.state.connected === true, null, {
        timeout: REFUSED_MS,
        polling: POLL_MS,
      })
      .finally(release);
    await page.waitForFunction(
      () => {
        const s = window.reach.state;
        return s.connected === true || s.everConnected === true || (s.errors && s.errors.length >= 3);
      },
      null,
      { timeout: REFUSED_MS, polling: POLL_MS },
    );
  } catch {
    // Fewer errors than expected in time: the state below shows what happened.
  }
  result.state = await readState(page);
}
