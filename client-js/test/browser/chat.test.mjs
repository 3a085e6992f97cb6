// Real-browser tests: Chromium loads the chat page served by the real chat server (which
// loads the IIFE build of the client from /tramline.iife.js), twice; the two pages set
// nicks, join one room and exchange messages both ways, the way a person would use the page.
//
// What the tests rely on in examples/chat/static/index.html:
// - `?transports=a,b` forces the client's transports;
// - the element #transport shows the current transport name; `window.chatSocket` is the
//   client socket (its `.transport` is checked against #transport when present);
// - the forms #nick-form (#nick), #room-form (#room) and #say-form (#text); #members lists the
//   current room's members; #log shows the messages.
//
// Then a page behind a proxy that cuts its websocket (and refuses new ones) mid-session: the
// same session (chatSocket.id) goes on over an HTTP transport, both ways.
//
// Cases: each transport forced; sse,polling (ends on sse); auto (ends on websocket); WebSocket
// deleted before the page's scripts run (ends on sse); WebSocket and EventSource deleted (ends
// on streaming or polling).

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';

import { launchChromium, newPage } from '../support/browser.mjs';
import { startChat } from '../support/chat-server.mjs';
import { startProxy } from '../support/proxy.mjs';

const WAIT_MS = 10_000;
const TRANSPORT_NAMES = ['websocket', 'sse', 'streaming', 'polling'];

let server;
let browser;
before(async () => {
  [server, browser] = await Promise.all([startChat(), launchChromium()]);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});
let pages = [];
let proxy;
afterEach(async () => {
  await Promise.all(pages.map((p) => p.context().close()));
  pages = [];
  await proxy?.close();
  proxy = undefined;
});

function noWebSocket() {
  delete window.WebSocket;
}
function noWebSocketNoEventSource() {
  delete window.WebSocket;
  delete window.EventSource;
}

const CASES = [
  ...TRANSPORT_NAMES.map((t) => ({ name: `forced ${t}`, query: `?transports=${t}`, expect: [t], forced: true })),
  { name: 'sse or polling', query: '?transports=sse,polling', expect: ['sse'] },
  { name: 'auto', query: '', expect: ['websocket'] },
  { name: 'auto without WebSocket', query: '', initScript: noWebSocket, expect: ['sse'] },
  {
    name: 'auto without WebSocket and EventSource',
    query: '',
    initScript: noWebSocketNoEventSource,
    expect: ['streaming', 'polling'],
  },
];

/** What the page says its transport is: the #transport text and window.chatSocket.transport. */
function transportOf(page) {
  return page.evaluate(() => ({
    shown: document.getElementById('transport')?.textContent ?? null,
    socket: window.chatSocket ? window.chatSocket.transport : undefined,
  }));
}

/** Waits until #transport shows one of `names` (and chatSocket agrees, when it exists). */
async function waitTransport(page, names, ms = WAIT_MS) {
  try {
    await page.waitForFunction(
      (names) => {
        const shown = document.getElementById('transport')?.textContent;
        const socket = window.chatSocket ? window.chatSocket.transport : shown;
        return names.includes(shown) && socket === shown;
      },
      names,
      { timeout: ms, polling: 50 },
    );
  } catch (e) {
    const now = await transportOf(page).catch(() => 'unknown');
    throw new Error(
      `transport not in ${JSON.stringify(names)} within ${ms} ms: page shows ${JSON.stringify(now)}` +
        `${problems(page)}\n(${e.message.split('\n')[0]})`,
    );
  }
}

function problems(page) {
  return page.problems.length ? `\npage problems:\n  ${page.problems.join('\n  ')}` : '';
}

async function submit(page, form, input, value) {
  await page.fill(`${form} ${input}`, value);
  await page.click(`${form} button:not([type=button])`);
}

/** Waits until the text of `selector` contains `text`. */
async function waitText(page, selector, text, what, ms = WAIT_MS) {
  try {
    await page.waitForFunction(
      ([sel, t]) => (document.querySelector(sel)?.textContent ?? '').includes(t),
      [selector, text],
      { timeout: ms, polling: 50 },
    );
  } catch {
    const now = await page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
    const t = await transportOf(page).catch(() => 'unknown');
    throw new Error(
      `${what}: ${selector} did not contain ${JSON.stringify(text)} within ${ms} ms; ` +
        `it has ${JSON.stringify(now?.slice(-600))}; transport ${JSON.stringify(t)}${problems(page)}`,
    );
  }
}

/** Sets nicks, joins one room on both pages and exchanges messages both ways; returns the slug. */
async function chat(a, b, name) {
  const slug = name.replace(/[^a-z]+/g, '-');
  const room = `r-${slug}`.slice(0, 60);
  const [amy, bob] = [`amy-${slug}`.slice(0, 32), `bob-${slug}`.slice(0, 32)];
  await submit(a, '#nick-form', '#nick', amy);
  await submit(b, '#nick-form', '#nick', bob);
  await submit(a, '#room-form', '#room', room);
  await waitText(a, '#members', amy, 'amy joined');
  await submit(b, '#room-form', '#room', room);
  await waitText(b, '#members', `${amy}, ${bob}`, 'bob joined, with amy listed');
  await waitText(a, '#members', bob, 'amy sees bob join');

  await submit(a, '#say-form', '#text', `hello bob, amy here (${slug})`);
  await waitText(b, '#log', `hello bob, amy here (${slug})`, 'amy → bob');
  await submit(b, '#say-form', '#text', `hi amy \u00fc\u2603 (${slug})`);
  await waitText(a, '#log', `hi amy \u00fc\u2603 (${slug})`, 'bob → amy');
  // Each sender sees its own message too.
  await waitText(a, '#log', `hello bob, amy here (${slug})`, 'amy sees her own message');
  await waitText(b, '#log', `hi amy \u00fc\u2603 (${slug})`, 'bob sees his own message');
  return slug;
}

for (const c of CASES) {
  test(`two pages chat both ways: ${c.name} (ends on ${c.expect.join(' or ')})`, async () => {
    const a = await newPage(browser, { initScript: c.initScript });
    const b = await newPage(browser, { initScript: c.initScript });
    pages.push(a, b);
    const url = `${server.url}/${c.query}`;
    await Promise.all([a.goto(url), b.goto(url)]);
    if (c.initScript) {
      assert.equal(await a.evaluate(() => typeof window.WebSocket), 'undefined', 'the init script ran first');
    }
    // Settle on the forced transport before chatting; with a choice, the client may still be
    // upgrading (the chat must work meanwhile).
    const first = c.forced ? c.expect : TRANSPORT_NAMES;
    await Promise.all([waitTransport(a, first), waitTransport(b, first)]);

    const slug = await chat(a, b, c.name);

    await Promise.all([waitTransport(a, c.expect), waitTransport(b, c.expect)]);
    // Still delivering after the final transport was reached.
    await submit(a, '#say-form', '#text', `after the switch (${slug})`);
    await waitText(b, '#log', `after the switch (${slug})`, 'amy → bob on the final transport');
    await submit(b, '#say-form', '#text', `also after (${slug})`);
    await waitText(a, '#log', `also after (${slug})`, 'bob → amy on the final transport');

    for (const p of [a, b]) {
      const errors = p.problems.filter((x) => x.startsWith('pageerror'));
      assert.deepEqual(errors, [], 'no uncaught errors in the page');
    }
  });
}

test('a page whose websocket is cut mid-session goes on over HTTP, same session, both ways', async () => {
  proxy = await startProxy(server.port);
  const a = await newPage(browser);
  const b = await newPage(browser);
  pages.push(a, b);
  // Page a goes through the proxy (its endpoint is location.host); page b straight to the server.
  await Promise.all([a.goto(`${proxy.url}/`), b.goto(`${server.url}/`)]);
  await Promise.all([waitTransport(a, ['websocket']), waitTransport(b, ['websocket'])]);
  const slug = await chat(a, b, 'websocket cut');
  const id = await a.evaluate(() => window.chatSocket.id);

  proxy.blockWebsockets(true);
  assert.ok(proxy.cut('websocket') >= 1, 'the proxy cut the page websocket');
  await waitTransport(a, ['sse', 'streaming', 'polling']);
  assert.equal(await a.evaluate(() => window.chatSocket.id), id, 'the same session after the cut');
  await submit(a, '#say-form', '#text', `after the cut (${slug})`);
  await waitText(b, '#log', `after the cut (${slug})`, 'amy → bob after the cut');
  await submit(b, '#say-form', '#text', `bob after the cut (${slug})`);
  await waitText(a, '#log', `bob after the cut (${slug})`, 'bob → amy after the cut');
  assert.equal(await a.evaluate(() => window.chatSocket.id), id, 'still the same session');
});
