// Connections cut by the network in the middle of a session, through a TCP proxy that
// destroys them without a close frame or the rest of a response:
//
// - the websocket is cut (and new websockets are refused): the client re-attaches the SAME
//   session on an HTTP transport; 200 numbered says sent across the cut all come back exactly
//   once, in order;
// - for each HTTP transport, every connection is cut (downlink and any POST in flight): the
//   client re-attaches the same session on the same transport, nothing lost or duplicated.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { connected, numberedProblem, sayNumbered } from '../support/client.mjs';
import { useProxiedChat } from '../support/proxied-chat.mjs';

const COUNT = 200;

const chat = useProxiedChat();

/**
 * Runs a stream of COUNT numbered says from `socket`, calling `cut()` once half of the
 * messages came back, and checks the result.
 */
async function streamAcrossCut(t, { socket, rec }, room, prefix, cut) {
  await socket.emitWithAck('nick', { name: `cutter-${prefix}` });
  assert.equal((await socket.emitWithAck('join', { room })).ok, true);
  const id = socket.id;
  let cutDone = null;
  let sent = 0;
  const half = rec.waitFor(`${COUNT / 2} messages`, () => rec.all('message').length >= COUNT / 2, 20_000).then(() => {
    cutDone = cut();
    t.diagnostic(`cut ${cutDone} connection(s) after ${sent} says sent, ${rec.all('message').length} messages received, on ${socket.transport}`);
  });
  const acks = sayNumbered(socket, room, COUNT, { prefix, window: 10, onSent: () => sent++ });
  await half;
  const said = await acks;
  assert.equal(said.length, COUNT);
  await rec.waitFor(
    `${COUNT} messages`,
    () => rec.all('message').filter((m) => m.room === room).length >= COUNT,
    20_000,
  );
  const problem = numberedProblem(rec.all('message'), room, prefix, COUNT);
  assert.equal(problem, null, problem ?? '');
  assert.equal(socket.id, id, 'the same session (socket.id) after the cut');
  assert.equal(socket.connected, true);
  assert.equal(rec.count('disconnect'), 0, `no disconnect:\n  ${rec.summary()}`);
  assert.equal(rec.count('connect'), 1, 'no second connect');
  t.diagnostic(`transports: ${JSON.stringify(rec.all('transport'))}`);
  return cutDone;
}

test('websocket cut mid-session: same session continues on an HTTP transport, no lost events', async (t) => {
  const proxy = await chat.startProxy();
  const c = await connected(proxy.endpoint, 'auto');
  await c.rec.transportIs('websocket');
  assert.ok(proxy.open('websocket') >= 1, 'the websocket goes through the proxy');
  const cut = await streamAcrossCut(t, c, 'cut-ws', 'w', () => {
    proxy.blockWebsockets(true);
    return proxy.cut('websocket');
  });
  assert.ok(cut >= 1, `the proxy cut ${cut} websocket connection(s)`);
  const now = c.socket.transport;
  assert.ok(['sse', 'streaming', 'polling'].includes(now), `on an HTTP transport after the cut, not ${now}`);
  assert.ok(
    c.rec.all('transport').includes(now),
    `a transport event announced ${now}: ${JSON.stringify(c.rec.all('transport'))}`,
  );
});

for (const mode of ['sse', 'streaming', 'polling']) {
  test(`${mode}: every connection cut mid-session: same session, same transport, no lost events`, async (t) => {
    const proxy = await chat.startProxy();
    const c = await connected(proxy.endpoint, mode);
    const cut = await streamAcrossCut(t, c, `cut-${mode}`, `${mode}-`, () => proxy.cut('all'));
    assert.ok(cut >= 1, `the proxy cut ${cut} connection(s)`);
    assert.equal(c.socket.transport, mode);
    assert.equal(proxy.accepted.websocket, 0, `forced ${mode}: no websocket`);
  });
}
