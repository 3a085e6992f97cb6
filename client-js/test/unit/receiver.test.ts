// The receiver rules of docs/protocol.md section 3.2 and the rx reports of section 3.4, seen
// from the fake server: duplicates are dropped silently, a gap closes the session with 4400,
// every ping is answered by a pong carrying rx, and rx is reported every 64 packets.

import assert from "node:assert/strict";
import { test } from "node:test";

import { Packet } from "../../src/codec.js";
import { setup } from "./helpers/client.js";

function event(seq: number, text: string): Packet {
  return { seq, body: { type: "event", name: "news", args: { json: JSON.stringify([text]), bins: [] } } };
}

function push(h: ReturnType<typeof setup>, packets: Packet[]): void {
  const s = h.server.session();
  for (const p of packets) if (p.seq !== undefined && !s.retained.some((r) => r.seq === p.seq)) s.retained.push(p);
  s.queue.push(...packets);
  h.server.pump(s);
}

test("duplicates (seq <= rx) are dropped silently; seq rx+1 is delivered", () => {
  const h = setup({ transports: ["polling"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const got: string[] = [];
  h.socket.on("news", (v: unknown) => got.push(v as string));
  push(h, [event(1, "a"), event(2, "b"), event(1, "a-again"), event(2, "b-again"), event(3, "c")]);
  assert.ok(h.clock.until(() => got.length >= 3));
  h.clock.advance(100);
  assert.deepEqual(got, ["a", "b", "c"]);
  assert.ok(h.socket.connected);
});

test("a gap closes the session with 4400 and nothing after it is delivered", () => {
  const h = setup({ transports: ["polling"], reconnect: false });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  const got: string[] = [];
  h.socket.on("news", (v: unknown) => got.push(v as string));
  push(h, [event(1, "a"), event(3, "gap"), event(4, "after")]);
  assert.ok(h.clock.until(() => h.names().includes("disconnect")));
  assert.deepEqual(got, ["a"]);
  const d = h.events.find((e) => e[0] === "disconnect") as unknown[];
  assert.equal(d[1], "malformed");
  assert.equal((d[2] as { code: number }).code, 4400);
  assert.ok(h.clock.until(() => s.received.some((p) => p.body.type === "close")));
  const close = s.received.find((p) => p.body.type === "close") as Packet;
  assert.equal(close.body.type === "close" && close.body.code, 4400);
  assert.equal(h.socket.connected, false);
});

test("every heartbeat ping is answered with a pong carrying rx", () => {
  const h = setup({ transports: ["polling"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  push(h, [event(1, "a"), event(2, "b")]);
  h.clock.advance(50);
  push(h, [{ body: { type: "ping", probe: false } }]);
  assert.ok(h.clock.until(() => s.received.some((p) => p.body.type === "pong")));
  const pong = s.received.find((p) => p.body.type === "pong") as Packet;
  assert.equal(pong.rx, 2);
  assert.equal(pong.body.type === "pong" && pong.body.probe, false);
});

test("rx is reported at least every 64 packets received (noop with rx)", () => {
  const h = setup({ transports: ["websocket"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  let n = 0;
  h.socket.on("news", () => n++);
  const batch: Packet[] = [];
  for (let i = 1; i <= 130; i++) batch.push(event(i, "x" + i));
  push(h, batch);
  assert.ok(h.clock.until(() => n === 130));
  h.clock.advance(10);
  const reports = s.received.filter((p) => p.body.type === "noop").map((p) => p.rx);
  assert.deepEqual(reports, [64, 128]);
});

test("the server's rx (piggybacked, or in a POST answer) frees retained packets", () => {
  const h = setup({ transports: ["polling"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  for (let i = 0; i < 5; i++) h.socket.emit("say", i);
  assert.ok(h.clock.until(() => s.events.length === 5));
  // a new session would resend only what was not acknowledged: nothing here
  h.server.forget(s);
  assert.ok(h.clock.until(() => h.server.sessions.length === 2 && h.socket.connected, 60_000));
  h.clock.advance(100);
  assert.equal(h.server.session().events.length, 0);
});
