// The transport policy on a fake server and a manual clock: how a session opens, what it
// upgrades to in the background, how buffering is detected, where it falls back when the
// current transport dies (same session, nothing lost), and the remembered transport.

import assert from "node:assert/strict";
import { test } from "node:test";

import { MEMORY_TTL_MS } from "../../src/negotiate.js";
import { MemoryStorage, setup, URL } from "./helpers/client.js";
import { FakeServer } from "./helpers/fake-server.js";

test("auto: opens on polling (POST /open + polling), then upgrades to websocket", () => {
  const h = setup();
  assert.ok(h.clock.until(() => h.socket.connected));
  assert.equal(h.socket.transport, "polling");
  assert.equal(h.server.requests[0].method, "POST");
  assert.match(h.server.requests[0].url, /\/realtime\/open\?transport=polling$/);
  assert.ok(h.clock.until(() => h.socket.transport === "websocket"));
  assert.deepEqual(h.transports(), ["polling", "websocket"]);
  assert.deepEqual(h.names().slice(0, 2), ["connect", "transport"]);
  h.clock.advance(10);
  const s = h.server.session();
  assert.equal(h.server.sessions.length, 1);
  assert.equal(s.downlink && s.downlink.kind, "websocket");
  // the probe: ping probe first, then upgrade with rx
  const ws = h.server.sockets[0];
  assert.match(ws.url, /^ws:\/\/test\.invalid\/realtime\/websocket\?sid=sid1&rx=0&n=\d+$/);
  assert.deepEqual(ws.sent.slice(0, 2), ['{"type":"ping","probe":true}', '{"type":"upgrade","rx":0}']);
  // section 7: polls made while the probe is pending reuse its n (a newer one would make the
  // upgrade stale); after the probe pong no new poll starts, and the one in flight returned
  // before `upgrade` was sent
  const probeN = Number((/n=(\d+)/.exec(ws.url) as RegExpExecArray)[1]);
  const upgradeAt = ws.sentAt[1];
  const polls = h.server.requests.filter((r) => /\/polling\?/.test(r.url));
  for (const r of polls.filter((x) => x.at > ws.createdAt)) assert.match(r.url, new RegExp("&n=" + probeN + "$"));
  assert.ok(polls.every((r) => r.at < upgradeAt), "no poll after the upgrade");
  assert.ok(h.server.session().attaches.every((a) => a.n <= probeN));
  // events still flow, now over the websocket
  let ack: unknown;
  h.socket.emit("echo", "hi", (v: unknown) => (ack = v));
  assert.ok(h.clock.until(() => ack !== undefined));
  assert.deepEqual(ack, { echo: "hi" });
  assert.ok(typeof ws.sent[ws.sent.length - 1] === "string" && (ws.sent[ws.sent.length - 1] as string).includes('"name":"echo"'));
});

test("a slow websocket handshake: polling keeps delivering while the probe is pending", () => {
  const h = setup({ probeTimeout: 5000 }, {}, (server) => {
    server.wsOpenDelay = 2000;
  });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  const got: string[] = [];
  h.socket.on("news", (v: unknown) => got.push(v as string + "@" + h.socket.transport));
  for (let i = 0; i < 5; i++) {
    h.clock.advance(200);
    h.server.emit(s, "news", ["n" + i]);
  }
  assert.ok(h.clock.until(() => got.length === 5));
  assert.deepEqual(got, ["n0@polling", "n1@polling", "n2@polling", "n3@polling", "n4@polling"]);
  assert.ok(h.clock.until(() => h.socket.transport === "websocket", 10_000));
  h.server.emit(s, "news", ["after"]);
  assert.ok(h.clock.until(() => got.length === 6));
  assert.equal(got[5], "after@websocket");
  assert.equal(h.server.sessions.length, 1);
});

test("auto without WebSocket: upgrades to sse after its ping comes back on the new downlink", () => {
  const h = setup({}, { WebSocket: undefined });
  assert.ok(h.clock.until(() => h.socket.transport === "sse"));
  assert.deepEqual(h.transports(), ["polling", "sse"]);
  assert.equal(h.server.sockets.length, 0);
  const s = h.server.session();
  assert.deepEqual(s.attaches.map((a) => a.kind), ["polling", "sse"]);
  assert.ok(s.received.some((p) => p.body.type === "ping" && !p.body.probe), "a verification ping went up");
});

test("auto without WebSocket and EventSource: upgrades to streaming", () => {
  const h = setup({}, { WebSocket: undefined, EventSource: undefined });
  assert.ok(h.clock.until(() => h.socket.transport === "streaming"));
  assert.deepEqual(h.transports(), ["polling", "streaming"]);
});

test("a buffering proxy on sse is detected: sse is dropped, polling re-attached with a higher n, streaming used", () => {
  const h = setup({}, { WebSocket: undefined }, (server) => {
    server.buffered.sse = true;
  });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  const got: string[] = [];
  h.socket.on("news", (v: unknown) => got.push(v as string));
  // events the server sends while the sse downlink swallows them must not be lost
  h.clock.until(() => s.downlink !== null && s.downlink.kind === "sse");
  h.server.emit(s, "news", ["during-buffering"]);
  assert.ok(h.clock.until(() => h.socket.transport === "streaming", 10_000));
  h.server.emit(s, "news", ["after"]);
  assert.ok(h.clock.until(() => got.length === 2));
  assert.deepEqual(got, ["during-buffering", "after"]);
  assert.deepEqual(h.transports(), ["polling", "streaming"]);
  const kinds = s.attaches.map((a) => a.kind);
  const sse = kinds.indexOf("sse");
  assert.ok(sse > 0 && kinds[sse + 1] === "polling" && kinds.indexOf("streaming") > sse + 1, kinds.join(","));
  const ns = s.attaches.map((a) => a.n);
  assert.deepEqual(ns, ns.slice().sort((a, b) => a - b), "n only grows");
  assert.equal(new Set(ns).size, ns.length, "every downlink request has a new n");
});

test("transport death mid-session: same session on the next transport, unacked packets resent once", () => {
  const h = setup();
  assert.ok(h.clock.until(() => h.socket.transport === "websocket"));
  const s = h.server.session();
  const sid = h.socket.id;
  const got: string[] = [];
  h.socket.on("news", (v: unknown) => got.push(v as string));
  h.server.emit(s, "news", ["1"]);
  assert.ok(h.clock.until(() => got.length === 1));
  // the network dies: the client's next frames are lost, and so are the server's
  h.server.cut(s);
  h.socket.emit("say", "lost-1");
  h.socket.emit("say", "lost-2");
  h.server.emit(s, "news", ["2"]);
  h.server.emit(s, "news", ["3"]);
  assert.ok(h.clock.until(() => h.socket.transport === "sse"), "fell back to the next transport: " + h.transports().join(","));
  assert.ok(h.clock.until(() => s.events.length === 2 && got.length === 3));
  assert.equal(h.socket.id, sid, "same session");
  assert.equal(h.server.sessions.length, 1);
  assert.deepEqual(s.events.map((e) => e.args[0]), ["lost-1", "lost-2"]);
  assert.deepEqual(got, ["1", "2", "3"]);
  assert.ok(!h.names().includes("disconnect"));
  // later it tries the better transport again
  assert.ok(h.clock.until(() => h.socket.transport === "websocket", 60_000));
  assert.deepEqual(h.transports(), ["polling", "websocket", "sse", "websocket"]);
});

test("death of the last transport in the list: retried until the grace period ends, then a new session", () => {
  const h = setup({ transports: ["polling"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  const s = h.server.session();
  h.server.broken.polling = true;
  h.server.cut(s);
  assert.ok(h.clock.until(() => h.names().includes("disconnect"), 120_000));
  const d = h.events.find((e) => e[0] === "disconnect") as unknown[];
  assert.equal(d[1], "connection-lost");
  h.server.broken.polling = false;
  assert.ok(h.clock.until(() => h.socket.connected && h.server.sessions.length === 2, 120_000));
  assert.ok(h.names().includes("reconnect"));
});

test("forced transports open directly: sse and streaming after POST /open (no probe), websocket with GET /websocket", () => {
  for (const t of ["sse", "streaming", "polling"] as const) {
    const h = setup({ transports: [t] });
    assert.ok(h.clock.until(() => h.socket.connected), t);
    assert.equal(h.socket.transport, t);
    h.clock.advance(5000);
    assert.deepEqual(h.transports(), [t]);
    assert.equal(h.server.sockets.length, 0);
    assert.ok(!h.server.session().received.some((p) => p.body.type === "ping"), "no verification for a forced transport");
  }
  const h = setup({ transports: ["websocket"] });
  assert.ok(h.clock.until(() => h.socket.connected));
  assert.equal(h.socket.transport, "websocket");
  assert.equal(h.server.requests.length, 0, "no HTTP at all");
  assert.equal(h.server.sockets[0].url, "ws://test.invalid/realtime/websocket");
  assert.deepEqual(h.server.sockets[0].sent[0], '{"type":"connect"}');
});

test("remembered transport: websocket opens directly next time; expired memory is ignored", () => {
  const storage = new MemoryStorage();
  const first = setup({}, { storage });
  assert.ok(first.clock.until(() => first.socket.transport === "websocket"));
  const key = "tramline:transport:" + URL;
  assert.equal(JSON.parse(storage.data[key]).transport, "websocket");
  first.socket.close();

  const again = { clock: first.clock, server: new FakeServer(first.clock) };
  const second = setup({ auth: { token: "t" } }, { storage }, undefined, again);
  assert.ok(second.clock.until(() => second.socket.connected));
  assert.equal(second.socket.transport, "websocket");
  assert.equal(second.server.requests.length, 0, "no POST /open");
  assert.equal(second.server.sockets[0].sent[0], '{"type":"connect","auth":{"token":"t"}}');
  second.socket.close();

  storage.data[key] = JSON.stringify({ transport: "websocket", at: first.clock.now() - MEMORY_TTL_MS - 1 });
  const third = setup({}, { storage }, undefined, { clock: first.clock, server: new FakeServer(first.clock) });
  assert.ok(third.clock.until(() => third.socket.connected));
  assert.equal(third.socket.transport, "polling", "expired: opened the safe way");
});

test("remembered transport: probes that failed last time are skipped", () => {
  const storage = new MemoryStorage();
  storage.setItem("tramline:transport:" + URL, JSON.stringify({ transport: "streaming", at: 0 }));
  const h = setup({}, { storage });
  assert.ok(h.clock.until(() => h.socket.transport === "streaming"));
  h.clock.advance(5000);
  assert.equal(h.server.sockets.length, 0, "no websocket probe");
  assert.ok(!h.server.requests.some((r) => /\/sse\?/.test(r.url)), "no sse attempt");
  assert.deepEqual(h.transports(), ["polling", "streaming"]);
});

test("remembered websocket that fails now: falls back to POST /open and forgets", () => {
  const storage = new MemoryStorage();
  const key = "tramline:transport:" + URL;
  storage.setItem(key, JSON.stringify({ transport: "websocket", at: 0 }));
  const h = setup({}, { storage }, (server) => {
    server.broken.websocket = true;
  });
  assert.ok(h.clock.until(() => h.socket.connected));
  assert.equal(h.socket.transport, "polling");
  assert.ok(!h.names().includes("connect_error"));
  assert.ok(h.clock.until(() => h.socket.transport === "sse"));
  // The probe is retried after 1, 2 and 4 ping intervals before the downgrade is remembered.
  const before = storage.data[key];
  assert.ok(before === undefined || JSON.parse(before).transport !== "sse", "not remembered yet");
  h.clock.advance(8 * 25000);
  assert.equal(h.socket.transport, "sse");
  assert.equal(JSON.parse(storage.data[key]).transport, "sse");
});

test("a websocket probe that failed is retried later, and the session upgrades once it works", () => {
  const h = setup({}, {}, (server) => {
    server.broken.websocket = true;
  });
  assert.ok(h.clock.until(() => h.socket.transport === "sse"));
  h.server.broken.websocket = false;
  assert.ok(h.clock.until(() => h.socket.transport === "websocket"));
  assert.equal(h.server.sessions.length, 1, "the same session");
  assert.deepEqual(h.transports(), ["polling", "sse", "websocket"]);
});

test("a failing websocket probe leaves the session on polling, then sse", () => {
  const h = setup({}, {}, (server) => {
    server.broken.websocket = true;
  });
  assert.ok(h.clock.until(() => h.socket.transport === "sse"));
  assert.deepEqual(h.transports(), ["polling", "sse"]);
  assert.equal(h.server.sessions.length, 1);
});
