// End to end, for each forced transport and for auto mode: the node entry of the client
// against the real chat server binary. Two sockets per mode (same transport) chat in a room:
// nick, join (ack with members, `joined` for the other), say (ack with id, `message` to
// both), acks both ways (`lag`: the server asks the client, the client replies), binary
// (`share`: the same bytes come back in `shared`), then a clean close (`left` for the other).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import { startChat } from '../support/chat-server.mjs';
import { bytes, closeAll, connected, TRANSPORTS } from '../support/client.mjs';

const MODES = [...TRANSPORTS, 'auto'];

let server;
before(async () => {
  server = await startChat();
});
after(async () => {
  closeAll();
  await server?.stop();
});
afterEach(closeAll);

for (const mode of MODES) {
  describe(`${mode}`, () => {
    test('connect, nick, join, say and message, both sockets', async () => {
      const room = `room-${mode}`;
      const a = await connected(server.endpoint, mode);
      const b = await connected(server.endpoint, mode);
      for (const { socket } of [a, b]) {
        assert.equal(socket.connected, true, 'connected after the connect event');
        assert.equal(typeof socket.id, 'string');
        assert.ok(socket.id.length > 0, 'socket.id is set');
      }
      assert.notEqual(a.socket.id, b.socket.id, 'two sockets, two sessions');
      if (mode === 'auto') {
        await a.rec.transportIs('websocket');
        await b.rec.transportIs('websocket');
      } else {
        assert.equal(a.socket.transport, mode, `forced ${mode}: transport at connect`);
        assert.equal(b.socket.transport, mode);
      }

      assert.deepEqual(await a.socket.emitWithAck('nick', { name: `amy-${mode}` }), { ok: true });
      assert.deepEqual(await b.socket.emitWithAck('nick', { name: `bob-${mode}` }), { ok: true });

      const joinA = await a.socket.emitWithAck('join', { room });
      assert.equal(joinA.ok, true, JSON.stringify(joinA));
      assert.deepEqual(joinA.members, [`amy-${mode}`]);
      // The callback form of acks.
      const joinB = await new Promise((resolve) => {
        b.socket.emit('join', { room }, (ack) => resolve(ack));
      });
      assert.equal(joinB.ok, true, JSON.stringify(joinB));
      assert.deepEqual(joinB.members, [`amy-${mode}`, `bob-${mode}`]);
      await a.rec.waitFor('joined bob', () => a.rec.all('joined').some((j) => j.who === `bob-${mode}`));

      const said = await a.socket.emitWithAck('say', { room, text: 'hello from amy' });
      assert.equal(said.ok, true, JSON.stringify(said));
      assert.equal(typeof said.id, 'number');
      for (const { rec } of [a, b]) {
        const m = await rec.waitFor('message from amy', () =>
          rec.all('message').find((x) => x.id === said.id),
        );
        assert.equal(m.room, room);
        assert.equal(m.from, `amy-${mode}`);
        assert.equal(m.text, 'hello from amy');
        assert.equal(typeof m.ts, 'number');
      }

      const reply = await b.socket.emitWithAck('say', { room, text: 'hi amy, bob here \u00fc\u2603\n' });
      assert.equal(reply.ok, true);
      const m2 = await a.rec.waitFor('message from bob', () =>
        a.rec.all('message').find((x) => x.id === reply.id),
      );
      assert.equal(m2.text, 'hi amy, bob here \u00fc\u2603\n', 'non-ASCII and newlines survive');
      assert.ok(reply.id > said.id, 'message ids increase');

      const notIn = await a.socket.emitWithAck('say', { room: `${room}-elsewhere`, text: 'x' });
      assert.deepEqual(notIn, { ok: false, error: 'not-in-room' });

      if (mode !== 'auto') {
        assert.equal(a.socket.transport, mode, `forced ${mode}: still on it`);
      }
    });

    test('acks both ways: lag asks the client, the client replies', async () => {
      const a = await connected(server.endpoint, mode);
      const asked = [];
      a.socket.on('lag?', (...args) => {
        asked.push(args);
        const reply = args[args.length - 1];
        assert.equal(typeof reply, 'function', 'the last listener argument is the reply function');
        reply({ pong: true });
      });
      const ack = await a.socket.emitWithAck('lag');
      assert.equal(ack.ok, true, JSON.stringify(ack));
      assert.equal(typeof ack.ms, 'number');
      assert.ok(ack.ms >= 0 && ack.ms < 10_000, `plausible lag ${ack.ms} ms`);
      assert.equal(asked.length, 1, 'the server asked exactly once');
    });

    test('binary: share sends bytes, shared brings the same bytes back', async () => {
      const room = `bin-${mode}`;
      const a = await connected(server.endpoint, mode);
      const b = await connected(server.endpoint, mode);
      await a.socket.emitWithAck('nick', { name: 'sender' });
      assert.equal((await a.socket.emitWithAck('join', { room })).ok, true);
      assert.equal((await b.socket.emitWithAck('join', { room })).ok, true);

      const data = bytes(3000, 1);
      const ack = await a.socket.emitWithAck('share', { room, name: 'blob.bin', data });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      for (const { rec } of [a, b]) {
        const shared = await rec.waitFor('shared', () => rec.all('shared')[0]);
        assert.equal(shared.room, room);
        assert.equal(shared.from, 'sender');
        assert.equal(shared.name, 'blob.bin');
        assert.ok(shared.data instanceof Uint8Array, `data is a Uint8Array, got ${Object.prototype.toString.call(shared.data)}`);
        assert.deepEqual(Buffer.from(shared.data), Buffer.from(data), 'the same bytes');
      }

      // An ArrayBuffer is binary too, and an empty one stays empty.
      const ack2 = await a.socket.emitWithAck('share', { room, name: 'empty', data: new ArrayBuffer(0) });
      assert.equal(ack2.ok, true, JSON.stringify(ack2));
      const empty = await b.rec.waitFor('second shared', () => b.rec.all('shared')[1]);
      assert.ok(empty.data instanceof Uint8Array);
      assert.equal(empty.data.length, 0);
    });

    test('close() ends the session: the room sees left, the socket is disconnected', async () => {
      const room = `close-${mode}`;
      const a = await connected(server.endpoint, mode);
      const b = await connected(server.endpoint, mode);
      await a.socket.emitWithAck('nick', { name: 'leaver' });
      await a.socket.emitWithAck('join', { room });
      await b.socket.emitWithAck('join', { room });
      a.socket.close();
      assert.equal(a.socket.connected, false);
      // The server's heartbeat would take 45 s by default: `left` within 5 s means the client
      // told the server it closed.
      const left = await b.rec.waitFor('left', () => b.rec.all('left')[0], 5_000);
      assert.deepEqual(left, { room, who: 'leaver' });
      assert.equal(a.rec.count('reconnect_attempt'), 0, 'no reconnect after close()');
    });
  });
}
