// The socket API: acks both ways, the offline buffer and its overflow error, volatile emits,
// reserved names, binary values, close, rejection, and a lost session (disconnect,
// reconnect_attempt, reconnect, connect; unacknowledged events sent again in the new session).

import assert from "node:assert/strict";
import { test } from "node:test";

import { TramlineError } from "../../src/errors.js";
import { setup } from "./helpers/client.js";

test("emit with an ack callback and emitWithAck resolve with the ack value", async () => {
  const h = setup();
  assert.ok(h.clock.until(() => h.socket.connected));
  let cb: unknown[] | null = null;
  h.socket.emit("echo", { a: 1 }, (...args: unknown[]) => (cb = args));
  const p = h.socket.emitWithAck("echo", "x");
  h.clock.until(() => cb !== null);
  h.clock.advance(20);
  assert.deepEqual(cb, [{ echo: { a: 1 } }]);
  assert.deepEqual(await p, { echo: "x" });
});

test("an error ack rejects emitWithAck with the server's code; a missing ack times out", async () => {
  const h = setup({ ackTimeout: 3000 });
  assert.ok(h.clock.until(() => h.socket.connected));
  const failed = h.socket.emitWithAck("fail", 1);
  h.clock.advance(50);
  await assert.rejects(failed, (e: TramlineError) => e.code === "handler-error" && e.message === "boom");
  h.server.receive = () => undefined; // the server goes quiet
  const quiet = h.socket.emitWithAck("echo", 2);
  h.clock.advance(3001);
  await assert.rejects(quiet, (e: TramlineError) => e.code === "ack-timeout");
  const quick = h.socket.timeout(10).emitWithAck("echo", 3);
  h.clock.advance(11);
  await assert.rejects(quick, (e: TramlineError) => e.code === "ack-timeout");
});

test("server-to-client acks: the last listener argument replies once", () => {
  const h = setup({ transports: ["polling"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  h.socket.on("question", (arg: unknown, reply: unknown) => {
    (reply as (v: unknown) => void)({ answer: (arg as number) * 2 });
    (reply as (v: unknown) => void)("ignored second reply");
  });
  h.server.emit(s, "question", [21], 7);
  h.server.emit(s, "nobody-listens", [], 8);
  assert.ok(h.clock.until(() => s.received.filter((p) => p.body.type === "ack").length === 2));
  const acks = s.received.filter((p) => p.body.type === "ack").map((p) => p.body);
  assert.deepEqual(acks[0], { type: "ack", id: 7, args: { json: '[{"answer":42}]', bins: [] } });
  assert.deepEqual(acks[1], { type: "ack", id: 8, error: { code: "no-handler", message: 'the client has no handler for "nobody-listens"' } });
});

test("offline buffer: emits wait while disconnected; overflow fails the emit, never silently", async () => {
  const h = setup({ offlineBuffer: 2 }, {}, (server) => {
    server.openFailures = 1000;
  });
  const errors: TramlineError[] = [];
  h.socket.on("error", (e) => errors.push(e));
  h.socket.emit("a", 1);
  const second = h.socket.emitWithAck("b", 2);
  let overflow = null as TramlineError | null;
  h.socket.timeout(60_000).emit("c", 3, (err: TramlineError | null) => (overflow = err));
  assert.equal(overflow && overflow.code, "offline-buffer-full");
  h.socket.emit("d", 4);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, "offline-buffer-full");
  await assert.rejects(h.socket.emitWithAck("e", 5), (e: TramlineError) => e.code === "offline-buffer-full");
  // once connected, the buffered ones go out in order
  h.clock.advance(5000);
  assert.ok(h.names().includes("connect_error"));
  h.server.openFailures = 0;
  assert.ok(h.clock.until(() => h.socket.connected, 60_000));
  assert.ok(h.clock.until(() => h.server.session().events.length === 2));
  assert.deepEqual(h.server.session().events.map((e) => e.name), ["a", "b"]);
  h.clock.advance(20);
  assert.deepEqual(await second, { echo: 2 });
  const attempts = h.events.filter((e) => e[0] === "reconnect_attempt").map((e) => (e[1] as { attempt: number }).attempt);
  assert.deepEqual(attempts, attempts.map((_, i) => i + 1));
  assert.ok(h.names().indexOf("reconnect") < h.names().indexOf("connect"));
});

test("volatile emits are dropped unless deliverable now", () => {
  const h = setup({ transports: ["websocket"] });
  assert.equal(h.socket.volatile.emit("cursor", { x: 1 }), false);
  assert.ok(h.clock.until(() => h.socket.connected));
  assert.equal(h.socket.volatile.emit("cursor", { x: 2 }), true);
  h.clock.advance(10);
  assert.deepEqual(h.server.session().events.map((e) => e.args[0]), [{ x: 2 }]);
});

test("reserved event names cannot be emitted", () => {
  const h = setup();
  for (const name of ["connect", "disconnect", "connect_error", "reconnect_attempt", "reconnect", "transport", "error"]) {
    assert.throws(() => h.socket.emit(name as "x", 1), /reserved/);
  }
  assert.throws(() => h.socket.emit("", 1), TypeError);
});

test("binary values round trip on websocket (binary frames) and polling (base64)", () => {
  for (const t of ["websocket", "polling"] as const) {
    const h = setup({ transports: [t] });
    assert.ok(h.clock.until(() => h.socket.connected));
    let got: unknown;
    h.socket.emit("echo", new Uint8Array([0, 1, 254, 255]).buffer, (v: unknown) => (got = v));
    assert.ok(h.clock.until(() => got !== undefined), t);
    const echoed = (got as { echo: Uint8Array }).echo;
    assert.ok(echoed instanceof Uint8Array, t);
    assert.deepEqual(Array.from(echoed), [0, 1, 254, 255]);
    const ws = h.server.sockets[0];
    if (t === "websocket") assert.ok(ws.sent.some((f) => f instanceof Uint8Array), "sent as a binary frame");
    else assert.ok(h.server.requests.some((r) => (r.body || "").includes('"bin":["AAH+/w=="]')));
  }
});

test("a lost session: disconnect, backoff, a new session, unacknowledged events sent again", () => {
  const h = setup({ transports: ["websocket"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const first = h.server.session();
  const oldId = h.socket.id;
  const ws = h.server.sockets[0];
  ws.dead = true; // frames from now on are lost
  let ack: unknown;
  h.socket.emit("echo", "kept", (v: unknown) => (ack = v));
  h.server.forget(first);
  assert.ok(h.clock.until(() => h.names().includes("disconnect"), 120_000));
  assert.ok(h.clock.until(() => h.socket.connected, 120_000));
  assert.notEqual(h.socket.id, oldId);
  const second = h.server.session();
  assert.ok(h.clock.until(() => second.events.length === 1));
  assert.deepEqual(second.events[0].args, ["kept"]);
  assert.ok(h.clock.until(() => ack !== undefined));
  assert.deepEqual(ack, { echo: "kept" });
  const names = h.names();
  const after = names.slice(names.indexOf("disconnect")).filter((n) => n !== "transport" && n !== "connect_error");
  assert.deepEqual(after.slice(0, 2), ["disconnect", "reconnect_attempt"]);
  assert.deepEqual(after.slice(-2), ["reconnect", "connect"]);
  const d = h.events.find((e) => e[0] === "disconnect") as unknown[];
  assert.equal((d[2] as { reconnect: boolean }).reconnect, true);
});

test("a rejected client (403 on POST /open, 4403 on GET /websocket) is not reconnected", () => {
  for (const t of ["polling", "websocket"] as const) {
    const h = setup({ transports: [t] }, {}, (server) => {
      server.reject = true;
    });
    h.clock.advance(10_000);
    const errs = h.events.filter((e) => e[0] === "connect_error");
    assert.equal(errs.length, 1, t);
    assert.equal((errs[0][1] as TramlineError).code, "rejected", t);
    assert.ok(!h.names().includes("reconnect_attempt"), t);
  }
});

test("close(): close 4000 goes to the server, pending acks fail with closed, no reconnect", async () => {
  const h = setup({ transports: ["polling"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  h.server.receive = (session, packets) => {
    // record, but never answer: acks stay pending
    session.received.push(...packets);
  };
  const pending = h.socket.emitWithAck("echo", 1);
  h.clock.advance(5);
  h.socket.close();
  assert.equal(h.socket.connected, false);
  await assert.rejects(pending, (e: TramlineError) => e.code === "closed");
  assert.ok(h.clock.until(() => s.received.some((p) => p.body.type === "close")));
  const close = s.received.find((p) => p.body.type === "close");
  assert.deepEqual(close && close.body, { type: "close", code: 4000, reason: "client close" });
  h.clock.advance(30_000);
  assert.deepEqual(h.names().filter((n) => n === "disconnect" || n === "reconnect_attempt"), ["disconnect"]);
  assert.equal(h.server.sessions.length, 1);
});

test("a closed socket leaves no timer behind (a Node process can exit)", () => {
  for (const t of ["websocket", "sse", "streaming", "polling"] as const) {
    const h = setup({ transports: [t] });
    assert.ok(h.clock.until(() => h.socket.connected));
    h.socket.emitWithAck("echo", 1).catch(() => undefined);
    h.socket.emit("echo", 2, () => undefined);
    h.socket.close();
    h.clock.advance(100);
    assert.equal(h.server.session().closed, true, t + ": the server got the close");
    assert.equal(h.clock.pending, 0, t + ": pending timers");
  }
  // also while reconnecting
  const h = setup({}, {}, (server) => {
    server.openFailures = 100;
  });
  h.clock.advance(2000);
  assert.ok(h.names().includes("reconnect_attempt"));
  h.socket.close();
  assert.equal(h.clock.pending, 0);
});

test("reconnect attempts run out: the socket gives up and fails what it holds", async () => {
  const h = setup({ reconnect: { minDelay: 100, maxDelay: 400, attempts: 3 } }, {}, (server) => {
    server.openFailures = 100;
  });
  const pending = h.socket.timeout(60_000).emitWithAck("echo", 1);
  h.clock.advance(10_000);
  const delays = h.events.filter((e) => e[0] === "reconnect_attempt").map((e) => e[1]);
  assert.deepEqual(delays, [{ attempt: 1, delay: 50 }, { attempt: 2, delay: 100 }, { attempt: 3, delay: 200 }]);
  assert.equal(h.names().filter((n) => n === "connect_error").length, 4);
  await assert.rejects(pending, (e: TramlineError) => e.code === "reconnect-failed");
  assert.equal(h.clock.pending, 0);
  assert.equal(h.socket.connected, false);
});
