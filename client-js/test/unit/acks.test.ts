// Socket.IO ack signatures: `emit(ev, ...args, cb)` calls cb with the ack's values;
// `timeout(ms).emit(ev, ...args, cb)` calls cb(err, ...values); `emitWithAck` resolves with
// the first value and rejects on an error ack or a timeout; in the plain form a failure goes
// to the `error` event; the `ackTimeout` option makes plain callbacks error-first; a listener's
// reply callback sends all its arguments; `send(...)` is `emit("message", ...)`.

import assert from "node:assert/strict";
import { test } from "node:test";

import { TramlineError } from "../../src/errors.js";
import { setup } from "./helpers/client.js";

test("emit(ev, ...args, cb): cb receives the ack's values, Socket.IO-style", () => {
  const h = setup();
  assert.ok(h.clock.until(() => h.socket.connected));
  let got: unknown[] | null = null;
  h.socket.emit("pair", "a", { b: 2 }, (...values: unknown[]) => (got = values));
  assert.ok(h.clock.until(() => got !== null));
  assert.deepEqual(got, ["a", { b: 2 }]);
});

test("timeout(ms).emit: cb(null, ...values) on success, cb(err) on an error ack and on a timeout", () => {
  const h = setup();
  assert.ok(h.clock.until(() => h.socket.connected));
  const calls: unknown[][] = [];
  h.socket.timeout(1000).emit("pair", 1, 2, (...args: unknown[]) => calls.push(args));
  h.socket.timeout(1000).emit("fail", 1, (...args: unknown[]) => calls.push(args));
  assert.ok(h.clock.until(() => calls.length === 2));
  assert.deepEqual(calls[0], [null, 1, 2]);
  const failed = calls[1];
  assert.equal(failed.length, 1);
  assert.equal((failed[0] as TramlineError).code, "handler-error");
  assert.equal((failed[0] as TramlineError).message, "boom");
  h.server.receive = () => undefined; // the server goes quiet
  let late: unknown[] | null = null;
  h.socket.timeout(500).emit("echo", 1, (...args: unknown[]) => (late = args));
  h.clock.advance(499);
  assert.equal(late, null);
  h.clock.advance(2);
  assert.ok(late !== null);
  assert.equal((late as unknown[]).length, 1);
  assert.equal(((late as unknown[])[0] as TramlineError).code, "ack-timeout");
});

test("emitWithAck resolves with the first value; rejects on an error ack; timeout(ms) bounds it", async () => {
  const h = setup();
  assert.ok(h.clock.until(() => h.socket.connected));
  const ok = h.socket.emitWithAck("pair", "first", "second");
  const bad = h.socket.timeout(1000).emitWithAck("fail", 1);
  h.clock.advance(50);
  assert.equal(await ok, "first");
  await assert.rejects(bad, (e: TramlineError) => e.code === "handler-error");
  h.server.receive = () => undefined;
  const quiet = h.socket.emitWithAck("echo", 1);
  h.clock.advance(9999);
  const settled = await Promise.race([quiet.then(() => "resolved", () => "rejected"), Promise.resolve("pending")]);
  assert.equal(settled, "pending", "the default emitWithAck timeout is 10000 ms");
  h.clock.advance(2);
  await assert.rejects(quiet, (e: TramlineError) => e.code === "ack-timeout");
});

test("plain emit: an error ack does not call cb but reaches the error event", () => {
  const h = setup();
  assert.ok(h.clock.until(() => h.socket.connected));
  let called = false;
  h.socket.emit("fail", 1, () => (called = true));
  assert.ok(h.clock.until(() => h.names().includes("error")));
  assert.equal(called, false);
  const err = h.events.find((e) => e[0] === "error") as unknown[];
  assert.equal((err[1] as TramlineError).code, "handler-error");
  // and without ackTimeout a plain callback waits without a timeout (as in Socket.IO)
  h.server.receive = () => undefined;
  h.socket.emit("echo", 1, () => (called = true));
  h.clock.advance(120_000);
  assert.equal(called, false);
  assert.equal(h.names().filter((n) => n === "error").length, 1);
});

test("the ackTimeout option makes plain emit callbacks error-first and bounds them", () => {
  const h = setup({ ackTimeout: 300 });
  assert.ok(h.clock.until(() => h.socket.connected));
  const calls: unknown[][] = [];
  h.socket.emit("pair", 7, (...args: unknown[]) => calls.push(args));
  assert.ok(h.clock.until(() => calls.length === 1));
  assert.deepEqual(calls[0], [null, 7]);
  h.server.receive = () => undefined;
  h.socket.emit("echo", 1, (...args: unknown[]) => calls.push(args));
  h.clock.advance(301);
  assert.equal(calls.length, 2);
  assert.equal((calls[1][0] as TramlineError).code, "ack-timeout");
});

test("a listener's reply callback sends every argument it gets as the ack's values", () => {
  const h = setup({ transports: ["polling"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  h.socket.on("question", (reply: unknown) => (reply as (...v: unknown[]) => void)("yes", 2));
  h.server.emit(s, "question", [], 3);
  assert.ok(h.clock.until(() => s.received.some((p) => p.body.type === "ack")));
  const ack = s.received.find((p) => p.body.type === "ack");
  assert.deepEqual(ack && ack.body, { type: "ack", id: 3, args: { json: '["yes",2]', bins: [] } });
});

test("send(...args) is emit(\"message\", ...args), ack callback included", () => {
  const h = setup();
  assert.ok(h.clock.until(() => h.socket.connected));
  let got: unknown[] | null = null;
  h.socket.send("hi", (...values: unknown[]) => (got = values));
  assert.ok(h.clock.until(() => got !== null));
  assert.deepEqual(h.server.session().events.map((e) => [e.name, e.args]), [["message", ["hi"]]]);
  assert.deepEqual(got, [{ echo: "hi" }]);
});
