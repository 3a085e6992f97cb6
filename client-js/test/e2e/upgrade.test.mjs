// Auto mode opens on polling and upgrades to websocket in the background. The first two tests
// keep a stream of 1,000 numbered `say` events going from the first moment of the session and
// check that every `message` came back exactly once, in order, and that the session ends on
// websocket: the upgrade lost, duplicated and reordered nothing in either direction.
//
// - Straight to the server: on loopback the upgrade completes while the first says are in
//   flight.
// - Through a proxy that holds websocket connections until 300 messages came back (a slow
//   websocket handshake), so that the upgrade lands in the middle of the stream. protocol.md
//   section 7: while the probe is pending the client "keeps using its current transport" and
//   stops polling only after the probe pong, so messages keep coming meanwhile. The probe
//   timeout is raised to cover the hold.
//
// Then the websocket never opens: the probe times out and the session carries on over HTTP,
// and closing the socket while the probe is opening lets no error escape the client.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';

import { numberedProblem, open, sayNumbered } from '../support/client.mjs';
import { useProxiedChat } from '../support/proxied-chat.mjs';
import { withTimeout } from '../support/wait.mjs';

const COUNT = 1000;
const RELEASE_AT = 300;

const chat = useProxiedChat();

/**
 * Opens an auto-mode socket on `endpoint`, streams COUNT numbered says from the moment it
 * connects, and checks the result. `onOpen(rec)` may return a promise the stream's checks
 * wait for first (it runs before anything is sent). Returns the counts at the switch.
 */
async function upgradeUnderStream(t, endpoint, options, onOpen) {
  const room = `upgrade-${Math.random().toString(36).slice(2, 8)}`;
  const { socket, rec } = await open(endpoint, 'auto', options);
  const before = onOpen ? onOpen(rec) : Promise.resolve();
  let sent = 0;
  let atSwitch = null;
  socket.on('transport', (name) => {
    if (name === 'websocket' && atSwitch === null) {
      atSwitch = { sent, received: rec.all('message').length };
    }
  });
  await rec.waitFor('connect', () => rec.count('connect') > 0);
  const first = socket.transport;
  // Start the stream at once, on the transport the session opened on. The server handles one
  // socket's events in order, so nick, join and the says need not wait for each other.
  const nick = socket.emitWithAck('nick', { name: 'streamer' });
  const join = socket.emitWithAck('join', { room });
  const acks = sayNumbered(socket, room, COUNT, {
    prefix: 'u',
    window: 25,
    onSent: () => {
      sent++;
    },
  });
  // If a wait below fails, these must not end up as unhandled rejections.
  for (const p of [nick, join, acks]) p.catch(() => {});
  await before;
  assert.deepEqual(await nick, { ok: true });
  assert.equal((await join).ok, true);
  const said = await acks;
  assert.equal(said.length, COUNT);
  for (let i = 1; i < COUNT; i++) {
    assert.ok(said[i].id > said[i - 1].id, `say acks in order (#${i}: ${said[i - 1].id} then ${said[i].id})`);
  }
  await rec.waitFor(
    `${COUNT} messages`,
    () => rec.all('message').filter((m) => m.room === room).length >= COUNT,
    20_000,
  );
  await rec.transportIs('websocket');

  t.diagnostic(`opened on ${first}; transports ${JSON.stringify(rec.all('transport'))}; at the switch: ${JSON.stringify(atSwitch)}`);
  const problem = numberedProblem(rec.all('message'), room, 'u', COUNT);
  assert.equal(problem, null, problem ?? '');
  assert.equal(first, 'polling', 'auto mode opens on polling (no remembered transport in node)');
  assert.ok(atSwitch, 'a transport event announced websocket');
  assert.ok(
    atSwitch.sent > 0 && atSwitch.received < COUNT,
    `the upgrade happened during the stream (at the switch: ${atSwitch.sent} sent, ${atSwitch.received} received)`,
  );
  assert.equal(rec.count('disconnect'), 0, 'no disconnect during the upgrade');
  assert.equal(rec.count('connect'), 1, 'one session throughout');
  assert.equal(socket.transport, 'websocket');
  return atSwitch;
}

test('polling upgrades to websocket under a stream of 1,000 numbered says', async (t) => {
  await upgradeUnderStream(t, chat.server.endpoint, {});
});

test('slow websocket handshake: polling keeps delivering during the probe, the upgrade lands mid-stream', async (t) => {
  const proxy = await chat.startProxy();
  proxy.holdWebsockets();
  const atSwitch = await upgradeUnderStream(t, proxy.endpoint, { probeTimeout: 10_000 }, (rec) =>
    rec
      .waitFor(
        `${RELEASE_AT} messages on polling while the websocket probe is pending`,
        () => rec.all('message').length >= RELEASE_AT,
        5_000,
      )
      .finally(() => proxy.releaseWebsockets()),
  );
  assert.ok(proxy.accepted.websocket >= 1, 'the client tried a websocket while on polling');
  assert.ok(atSwitch.received >= RELEASE_AT, `switched after the release: ${JSON.stringify(atSwitch)}`);
});

test('a websocket that never opens: the probe times out and the session goes on over HTTP', async () => {
  const room = 'no-ws';
  const proxy = await chat.startProxy();
  proxy.holdWebsockets();
  const probeTimeout = 300;
  const { socket, rec } = await open(proxy.endpoint, 'auto', { probeTimeout });
  await rec.waitFor('connect', () => rec.count('connect') > 0);
  const id = socket.id;
  assert.deepEqual(await socket.emitWithAck('nick', { name: 'patient' }), { ok: true });
  assert.equal((await socket.emitWithAck('join', { room })).ok, true);
  // After the probe gave up, the next candidate (sse) is tried and kept.
  await rec.transportIs('sse', 5_000);
  assert.ok(proxy.heldWebsockets.length >= 1, 'a websocket was attempted (and held)');
  const said = await socket.emitWithAck('say', { room, text: 'still here' });
  assert.equal(said.ok, true);
  await rec.waitFor('message', () => rec.all('message').find((m) => m.id === said.id));
  assert.equal(socket.id, id, 'the same session');
  assert.equal(rec.count('disconnect'), 0);
});

test('close() while the websocket probe is still opening: nothing escapes the client', async () => {
  const proxy = await chat.startProxy();
  proxy.holdWebsockets();
  const { socket, rec } = await open(proxy.endpoint, 'auto');
  await rec.waitFor('connect', () => rec.count('connect') > 0);
  // The probe's WebSocket is connecting (held by the proxy) when the app closes the socket.
  if (!proxy.heldWebsockets.length) {
    await withTimeout(once(proxy, 'held'), 5_000, 'the client tries a websocket after opening on polling');
  }
  socket.close();
  assert.equal(socket.connected, false);
  // An error emitted by `ws` without a listener would surface on a later tick: let two pass.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
});
