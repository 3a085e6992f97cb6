// The session is gone, the client is not: when the server restarts (gracefully: close 4503;
// or after a crash: connections reset, the old sid unknown to the new process) the client
// emits disconnect, then reconnect_attempt({attempt, delay}) with a backoff delay before each
// try (connect_error for each try that fails while the server is down), and once the server is
// back on the same port: reconnect and connect, on a new session.

import assert from 'node:assert/strict';
import { after, afterEach, test } from 'node:test';

import { startChat } from '../support/chat-server.mjs';
import { closeAll, connected } from '../support/client.mjs';

const RECONNECT = { minDelay: 50, maxDelay: 400 };
// Short heartbeats, so that a client whose server died notices within about a second.
const PING = { pingIntervalMs: 500, pingTimeoutMs: 500 };

const servers = new Set();
async function start(port) {
  const s = await startChat({ ...PING, port });
  servers.add(s);
  return s;
}
afterEach(async () => {
  closeAll();
  for (const s of servers) await s.stop();
  servers.clear();
});
after(closeAll);

const CASES = [
  { name: 'graceful restart (close 4503)', mode: 'auto', stop: (s) => s.stop() },
  { name: 'graceful restart (close 4503)', mode: 'polling', stop: (s) => s.stop() },
  { name: 'crash and restart (SIGKILL)', mode: 'auto', stop: (s) => s.kill() },
  { name: 'crash and restart (SIGKILL)', mode: 'sse', stop: (s) => s.kill() },
];

for (const c of CASES) {
  test(`${c.mode}: ${c.name} → reconnect_attempt with a delay, reconnect, connect on a new session`, async (t) => {
    const first = await start(0);
    const { socket, rec } = await connected(first.endpoint, c.mode, { reconnect: RECONNECT });
    if (c.mode === 'auto') await rec.transportIs('websocket');
    assert.deepEqual(await socket.emitWithAck('nick', { name: 'phoenix' }), { ok: true });
    const oldId = socket.id;

    const mark = rec.events.length;
    await c.stop(first);
    servers.delete(first);
    const [reason] = await rec.next('disconnect', 10_000, mark);
    assert.equal(socket.connected, false, 'not connected after disconnect');
    // While the server is down every try fails (connection refused): connect_error, then the
    // next reconnect_attempt with a new backoff delay. Wait for two attempts before restarting.
    await rec.waitFor('two reconnect attempts while the server is down', () => {
      return rec.events.slice(mark).filter((e) => e.name === 'reconnect_attempt').length >= 2;
    });
    const [attempt] = await rec.next('reconnect_attempt', 10_000, mark);
    assert.equal(typeof attempt?.attempt, 'number', `reconnect_attempt carries {attempt, delay}: ${JSON.stringify(attempt)}`);
    assert.equal(attempt.attempt, 1, 'attempt numbers start at 1');
    assert.equal(typeof attempt.delay, 'number');
    assert.ok(
      rec.events.slice(mark).some((e) => e.name === 'connect_error'),
      'a failed try emits connect_error',
    );
    assert.equal(rec.count('reconnect'), 0, 'no reconnect while the server is down');

    const second = await start(first.port);
    const since = () => rec.events.slice(mark).map((e) => e.name);
    await rec.waitFor(
      'reconnect and connect',
      () => since().includes('reconnect') && since().includes('connect'),
      15_000,
    );
    assert.equal(socket.connected, true);
    assert.notEqual(socket.id, oldId, 'a new session');
    assert.equal(typeof socket.id, 'string');

    const attempts = rec.events.slice(mark).filter((e) => e.name === 'reconnect_attempt').map((e) => e.args[0]);
    attempts.forEach((a, i) => {
      assert.equal(a.attempt, i + 1, `attempts count up: ${JSON.stringify(attempts)}`);
      // Full jitter: random(0, min(maxDelay, minDelay * 2^k)), k counted from 0 or 1.
      const cap = Math.min(RECONNECT.maxDelay, RECONNECT.minDelay * 2 ** a.attempt);
      assert.ok(a.delay >= 0 && a.delay <= cap, `attempt ${a.attempt}: delay ${a.delay} within [0, ${cap}]`);
    });
    t.diagnostic(
      `disconnect ${JSON.stringify(reason)}; reconnect attempts ${JSON.stringify(attempts)}; ` +
        `connect_error ${rec.events.slice(mark).filter((e) => e.name === 'connect_error').length}`,
    );
    // Order: disconnect, then reconnect_attempt(s), then reconnect and connect.
    const names = since().filter((n) => n !== 'transport' && n !== 'connect_error');
    const firstAttempt = names.indexOf('reconnect_attempt');
    assert.ok(
      names.indexOf('disconnect') < firstAttempt && firstAttempt < names.indexOf('reconnect'),
      `event order: ${names.join(', ')} (reason ${JSON.stringify(reason)})`,
    );

    // The new session works: the server sees a fresh socket (no nick yet), which can chat.
    assert.deepEqual(await socket.emitWithAck('nick', { name: 'phoenix-2' }), { ok: true });
    const joined = await socket.emitWithAck('join', { room: 'ashes' });
    assert.deepEqual(joined.members, ['phoenix-2']);
    assert.ok(second.running);
  });
}
