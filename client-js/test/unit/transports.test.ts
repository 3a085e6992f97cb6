// Transport framing and attempt hygiene with a scripted `request`: streaming lines split
// across chunks (prelude skipped), a response ending without close, polling's pause/resume
// for the upgrade, the SSE reader's line endings, WebSocket frame packing, and the rule that
// superseded attempts cannot act on the session.

import assert from "node:assert/strict";
import { test } from "node:test";

import { encodeText, Packet } from "../../src/codec.js";
import { Connection, ConnectionEvents } from "../../src/connection.js";
import { HttpRequest, Platform } from "../../src/platform.js";
import { eventSourceOver } from "../../src/platform/eventsource.js";
import { PollingTransport } from "../../src/transports/polling.js";
import { StreamingTransport } from "../../src/transports/streaming.js";
import { Transport, TransportContext, TransportEnd, TransportHandler } from "../../src/transports/transport.js";
import { WebSocketTransport } from "../../src/transports/websocket.js";
import { Endpoint } from "../../src/url.js";
import { FakeClock } from "./helpers/clock.js";
import { FakeServer, FakeWebSocket } from "./helpers/fake-server.js";
import { URL } from "./helpers/client.js";

class Recorder {
  opened = 0;
  packets: Packet[] = [];
  ends: TransportEnd[] = [];
}

function handler(r: Recorder): TransportHandler {
  return {
    open: () => r.opened++,
    packets: (_t, p) => r.packets.push(...p),
    closed: (_t, e) => r.ends.push(e),
  };
}

function scripted(): { clock: FakeClock; requests: HttpRequest[]; ctx: TransportContext } {
  const clock = new FakeClock();
  const requests: HttpRequest[] = [];
  let n = 0;
  const platform: Platform = {
    request: (req) => {
      requests.push(req);
      return { abort() {} };
    },
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.now,
    random: () => 0,
  };
  const ctx: TransportContext = {
    platform, endpoint: new Endpoint(URL), sid: "S", withCredentials: false, maxPayload: 100,
    rx: () => 7, nextN: () => ++n,
  };
  return { clock, requests, ctx };
}

const ping = encodeText({ body: { type: "ping", probe: false } });
const event = encodeText({ seq: 1, body: { type: "event", name: "a", args: { json: "[1]", bins: [] } } });

test("streaming: URL carries sid, rx and n; prelude skipped; lines split across chunks", () => {
  const { requests, ctx } = scripted();
  const r = new Recorder();
  const t = new StreamingTransport(1, ctx, handler(r));
  t.start();
  assert.equal(requests[0].url, "http://test.invalid/realtime/streaming?sid=S&rx=7&n=1");
  const body = " ".repeat(2048) + "\n" + event + "\n" + ping + "\n";
  requests[0].onHeaders(200);
  assert.equal(r.opened, 1);
  for (let i = 0; i < body.length; i += 5) requests[0].onData(body.slice(i, i + 5));
  assert.deepEqual(r.packets.map((p) => p.body.type), ["event", "ping"]);
  requests[0].onEnd();
  assert.deepEqual(r.ends.map((e) => e.kind), ["ended"]);
});

test("streaming: a close packet ends it with its code; an HTTP error reports status and code", () => {
  const a = scripted();
  const r = new Recorder();
  new StreamingTransport(1, a.ctx, handler(r)).start();
  a.requests[0].onHeaders(200);
  a.requests[0].onData(encodeText({ body: { type: "close", code: 4409, reason: "replaced" } }) + "\n" + ping + "\n");
  assert.deepEqual(r.ends, [{ kind: "closed", code: 4409, message: "replaced" }]);
  assert.deepEqual(r.packets.map((p) => p.body.type), ["close"], "nothing after the close");
  const b = scripted();
  const r2 = new Recorder();
  new StreamingTransport(1, b.ctx, handler(r2)).start();
  b.requests[0].onHeaders(404);
  b.requests[0].onData('{"error":"unknown-session","message":"gone"}');
  b.requests[0].onEnd();
  assert.deepEqual(r2.ends, [{ kind: "http", status: 404, error: "unknown-session", message: "gone" }]);
  assert.equal(r2.opened, 0);
});

test("polling: one GET at a time with a new n each; pause waits for the GET in flight; retire is silent", () => {
  const { clock, requests, ctx } = scripted();
  const r = new Recorder();
  const t = new PollingTransport(1, ctx, handler(r));
  t.start();
  clock.advance(1);
  assert.equal(r.opened, 1);
  assert.equal(requests.length, 1);
  assert.match(requests[0].url, /polling\?sid=S&rx=7&n=1$/);
  requests[0].onHeaders(200);
  requests[0].onData(event);
  requests[0].onEnd();
  assert.equal(requests.length, 2);
  assert.match(requests[1].url, /n=2$/);
  let idle = 0;
  t.pause(() => idle++);
  assert.equal(idle, 0, "a GET is in flight");
  assert.equal(t.inFlight, true);
  requests[1].onHeaders(200);
  requests[1].onData(ping);
  requests[1].onEnd();
  assert.equal(idle, 1);
  assert.equal(requests.length, 2, "no new GET while paused");
  t.resume();
  assert.equal(requests.length, 3);
  t.retire();
  requests[2].onHeaders(200);
  requests[2].onData(encodeText({ body: { type: "close", code: 4409, reason: "replaced" } }));
  requests[2].onEnd();
  assert.equal(r.ends.length, 0, "a retired poll reports no lifecycle");
  assert.equal(requests.length, 3);
});

test("SSE reader: CRLF, CR and LF line ends, comments, multi-line data, id", () => {
  let req: HttpRequest | null = null;
  const ES = eventSourceOver((q) => {
    req = q;
    return { abort() {} };
  });
  const es = new ES("http://x/sse");
  const got: { data: string; lastEventId?: string }[] = [];
  es.onmessage = (ev) => got.push(ev);
  const q = req as unknown as HttpRequest;
  q.onHeaders(200);
  for (const chunk of [": hi\r", "\nid: 4\rdata: a\r\n", "data: b\n\n", "event: other\ndata: x\n\ndata: c\r\n\r", "\n"]) q.onData(chunk);
  assert.deepEqual(got, [{ data: "a\nb", lastEventId: "4" }, { data: "c", lastEventId: "4" }]);
  let err = 0;
  es.onerror = () => err++;
  q.onEnd();
  assert.equal(err, 1);
  assert.equal(es.readyState, 2);
});

test("websocket: text packets share frames up to maxPayload; binary packets go alone", () => {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const platform = server.platform();
  const ctx: TransportContext = {
    platform, endpoint: new Endpoint(URL), sid: "", withCredentials: false, maxPayload: 120,
    rx: () => 0, nextN: () => 0,
  };
  const r = new Recorder();
  const t = new WebSocketTransport(1, ctx, handler(r));
  t.start();
  clock.advance(2);
  assert.equal(r.opened, 1);
  const ws = server.sockets[0] as FakeWebSocket;
  const big: Packet = { seq: 2, body: { type: "event", name: "b", args: { json: '["' + "x".repeat(60) + '"]', bins: [] } } };
  const bin: Packet = { seq: 3, body: { type: "event", name: "c", args: { json: '[{"$bin":0}]', bins: [new Uint8Array([1])] } } };
  t.send([{ body: { type: "ping", probe: true } }, { seq: 1, body: { type: "noop" } } as Packet, big, bin, { body: { type: "noop" } }]);
  assert.equal(ws.sent.length, 4);
  assert.equal(ws.sent[0], '{"type":"ping","probe":true}\n{"type":"noop","seq":1}');
  assert.ok(typeof ws.sent[1] === "string" && ws.sent[1].startsWith('{"type":"event","seq":2'));
  assert.ok(ws.sent[2] instanceof Uint8Array);
  assert.equal(ws.sent[3], '{"type":"noop"}');
});

test("superseded attempts: late callbacks of a replaced attempt change nothing", () => {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const s = server.newSession();
  const hs = server.handshake(s.sid).body;
  assert.ok(hs.type === "open");
  const transports: string[] = [];
  const events: ConnectionEvents = {
    event() {}, ack() {}, error() {}, ended() {},
    transport: (name) => transports.push(name),
  };
  const conn = new Connection(server.platform({ WebSocket: undefined }), new Endpoint(URL), hs.handshake,
    { withCredentials: false, probeTimeout: 1000, connectTimeout: 5000 }, events, 0);
  const opened: Transport[] = [];
  const open = conn.open.bind(conn);
  conn.open = (t: Transport) => {
    opened.push(t);
    open(t);
  };
  let lost = 0;
  conn.lost = () => lost++;
  const done: string[] = [];
  conn.attachHttp("sse", true, (ok) => done.push("sse " + ok));
  assert.ok(clock.until(() => opened.length === 1));
  const sse = opened[0];
  // superseded before its verification finished
  conn.attachHttp("streaming", false, (ok) => done.push("streaming " + ok));
  assert.ok(clock.until(() => conn.transport === "streaming"));
  assert.deepEqual(done, ["streaming true"]);
  const streaming = opened[opened.length - 1];
  assert.equal(streaming.name, "streaming");
  // the old attempt's late callbacks: open, a pong (its verification), an error
  conn.open(sse);
  conn.packets(sse, [{ body: { type: "pong", probe: false } }]);
  conn.closed(sse, { kind: "error", message: "late" });
  clock.advance(5000);
  assert.deepEqual(done, ["streaming true"], "the superseded attempt never completes");
  assert.equal(lost, 0, "its death is not the session's");
  assert.deepEqual(transports, ["streaming"]);
  assert.equal(conn.transport, "streaming");
  // and the attempt ids differ
  assert.notEqual(sse.id, streaming.id);
});
