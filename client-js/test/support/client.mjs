// Loads the NODE entry of the built client (`tramline/node`, resolved through this
// package's own `exports`, i.e. client-js/dist after `npm run build`), plus small helpers the
// end-to-end tests share.

import { Recorder } from './wait.mjs';

let loaded;

/** The module of `tramline/node`; its `connect` is the public entry point. */
export async function loadClient() {
  if (!loaded) {
    loaded = import('tramline/node').then(
      (mod) => {
        const api = typeof mod.connect === 'function' ? mod : mod.default;
        if (!api || typeof api.connect !== 'function') {
          throw new Error(`tramline/node has no connect(); exports: ${Object.keys(mod).join(', ')}`);
        }
        return api;
      },
      (e) => {
        throw new Error(
          `cannot import tramline/node (run \`npm run build\` in client-js first): ${e.message}`,
        );
      },
    );
  }
  return loaded;
}

/** The transports a test can force, best first, as the client names them. */
export const TRANSPORTS = ['websocket', 'sse', 'streaming', 'polling'];

/** Sockets opened through `open`, closed by `closeAll` (call it in afterEach/after). */
const opened = new Set();

/**
 * Connects a client to `endpoint` and returns `{ socket, rec }`, where `rec` records its
 * events from the start. `mode` is a transport name (forced: `transports: [mode]`) or 'auto'.
 * Reconnect delays are short so that failure tests stay fast.
 */
export async function open(endpoint, mode = 'auto', options = {}) {
  const { connect } = await loadClient();
  const opts = {
    reconnect: { minDelay: 50, maxDelay: 500 },
    ...options,
  };
  if (mode !== 'auto') opts.transports = [mode];
  const socket = connect(endpoint, opts);
  opened.add(socket);
  const rec = new Recorder(socket);
  return { socket, rec };
}

/** Opens a socket and waits for its first `connect`. */
export async function connected(endpoint, mode = 'auto', options = {}, ms = 10_000) {
  const c = await open(endpoint, mode, options);
  await c.rec.waitFor(`connect (${mode})`, () => c.rec.count('connect') > 0, ms);
  return c;
}

export function closeAll() {
  for (const socket of opened) {
    try {
      socket.close();
    } catch {
      // a test may have closed it already
    }
  }
  opened.clear();
}

/** A byte pattern with every value 0..255, `length` bytes long. */
export function bytes(length, seed = 0) {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}

/**
 * Sends `count` numbered `say` events (texts `${prefix}${i}`), keeping at most `window`
 * unanswered at once, and resolves with their acks in order. Every ack must be ok.
 * `onSent(i)` runs after event i was handed to the client.
 */
export async function sayNumbered(socket, room, count, { prefix = 'n', window = 20, onSent } = {}) {
  const acks = new Array(count);
  let next = 0;
  const sendOne = async () => {
    while (next < count) {
      const i = next++;
      const pending = socket.emitWithAck('say', { room, text: `${prefix}${i}` });
      if (onSent) onSent(i);
      const ack = await pending;
      if (!ack || ack.ok !== true) {
        throw new Error(`say #${i} was not acked ok: ${JSON.stringify(ack)}`);
      }
      acks[i] = ack;
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, sendOne));
  return acks;
}

/**
 * Checks that the `message` events recorded for `room` with texts `${prefix}0..count-1`
 * arrived exactly once each and in order; returns a description of the problem or null.
 */
export function numberedProblem(messages, room, prefix, count) {
  const got = messages
    .filter((m) => m && m.room === room && typeof m.text === 'string' && m.text.startsWith(prefix))
    .map((m) => Number(m.text.slice(prefix.length)));
  const seen = new Map();
  for (const n of got) seen.set(n, (seen.get(n) ?? 0) + 1);
  const missing = [];
  const dup = [];
  for (let i = 0; i < count; i++) {
    const k = seen.get(i) ?? 0;
    if (k === 0) missing.push(i);
    if (k > 1) dup.push(i);
  }
  let disorder = -1;
  for (let i = 1; i < got.length; i++) {
    if (got[i] <= got[i - 1]) {
      disorder = i;
      break;
    }
  }
  if (!missing.length && !dup.length && disorder < 0 && got.length === count) return null;
  return (
    `${got.length} of ${count} numbered messages received; ` +
    `missing ${missing.length} ${JSON.stringify(missing.slice(0, 20))}, ` +
    `duplicated ${dup.length} ${JSON.stringify(dup.slice(0, 20))}` +
    (disorder >= 0 ? `, first out of order at position ${disorder}: ${got[disorder - 1]} then ${got[disorder]}` : '')
  );
}
