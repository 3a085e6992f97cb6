// A scripted, in-memory stand-in for a Tramline server, driving the client's injected
// platform objects (fake WebSocket, EventSource and request) on a manual clock. It implements
// just enough of docs/protocol.md for the client's policy tests: sessions with retention and
// replay from rx, "newer wins" downlinks with the n counter, probe/upgrade, pongs for client
// pings, heartbeat pings, and knobs to break things (a transport that fails, a buffering
// proxy, a cut connection). It is not the server and must not grow into one.

import { Body, decodeBatch, decodeBinaryFrame, encodeBatch, encodeSse, encodeText, encodeWebsocket, Packet } from "../../../src/codec.js";
import { TransportName } from "../../../src/codes.js";
import { EventSourceLike, HttpRequest, Platform, RequestHandle, WebSocketLike } from "../../../src/platform.js";
import { FakeClock } from "./clock.js";

const LAT = 1;

export interface Downlink {
  kind: TransportName;
  write(packets: Packet[]): void;
  replaced(packet: Packet): void;
  kill(): void;
}

export interface FakeSession {
  sid: string;
  seq: number;
  retained: Packet[];
  queue: Packet[];
  inRx: number;
  maxN: number;
  downlink: Downlink | null;
  probing: boolean;
  closed: boolean;
  /** Every packet received from the client, in order (duplicates included). */
  received: Packet[];
  /** Accepted events (duplicates dropped). */
  events: { name: string; args: unknown[]; ack?: number }[];
  /** Downlink attach log: kind and n of every attach. */
  attaches: { kind: TransportName; rx: number; n: number }[];
  heartbeat: unknown;
}

function closePacket(code: number, reason: string): Packet {
  return { body: { type: "close", code, reason } };
}

export class FakeServer {
  readonly sessions: FakeSession[] = [];
  pingInterval = 25000;
  pingTimeout = 20000;
  transports: TransportName[] = ["websocket", "sse", "streaming", "polling"];
  /** Transports that fail (WebSocket never opens; HTTP GETs get a network error). */
  broken: { [k in TransportName]?: boolean } = {};
  /** Transports behind a buffering proxy: headers arrive, body data never does. */
  buffered: { [k in TransportName]?: boolean } = {};
  /** How long a WebSocket takes to open (a slow handshake). */
  wsOpenDelay = LAT;
  /** Refuse POST /open with 403. */
  reject = false;
  /** Answer the next POST /open with a network error this many times. */
  openFailures = 0;
  /** All HTTP requests, for assertions. */
  readonly requests: { method: string; url: string; body?: string; at: number }[] = [];
  /** All WebSockets created. */
  readonly sockets: FakeWebSocket[] = [];
  private ids = 0;

  constructor(readonly clock: FakeClock) {}

  /** The platform a client under test runs on. */
  platform(overrides: Partial<Platform> = {}): Platform {
    const clock = this.clock;
    const WS = fakeWebSocketClass(this);
    const ES = fakeEventSourceClass(this);
    return {
      WebSocket: WS,
      EventSource: ES,
      request: (req) => this.request(req),
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      now: clock.now,
      random: () => 0.5,
      ...overrides,
    };
  }

  later(fn: () => void, ms = LAT): void {
    this.clock.setTimeout(fn, ms);
  }

  session(sid?: string): FakeSession {
    const s = sid ? this.sessions.find((x) => x.sid === sid) : this.sessions[this.sessions.length - 1];
    if (!s) throw new Error("no session " + sid);
    return s;
  }

  handshake(sid: string): Packet {
    return {
      body: {
        type: "open",
        handshake: {
          sid,
          version: 1,
          pingInterval: this.pingInterval,
          pingTimeout: this.pingTimeout,
          maxPayload: 1048576,
          transports: this.transports,
          upgrades: this.transports.indexOf("websocket") >= 0 ? ["websocket"] : [],
        },
      },
    };
  }

  newSession(): FakeSession {
    const s: FakeSession = {
      sid: "sid" + ++this.ids, seq: 0, retained: [], queue: [], inRx: 0, maxN: 0, downlink: null,
      probing: false, closed: false, received: [], events: [], attaches: [], heartbeat: null,
    };
    this.sessions.push(s);
    const beat = (): void => {
      if (s.closed) return;
      this.queue(s, { type: "ping", probe: false });
      s.heartbeat = this.clock.setTimeout(beat, this.pingInterval);
    };
    s.heartbeat = this.clock.setTimeout(beat, this.pingInterval);
    return s;
  }

  /** Queues a packet for the session's downlink (sequenced bodies get the next seq). */
  queue(s: FakeSession, body: Body): void {
    const seqd = body.type === "event" || body.type === "ack" || body.type === "error";
    const p: Packet = seqd ? { seq: ++s.seq, body } : { body };
    if (seqd) s.retained.push(p);
    s.queue.push(p);
    this.pump(s);
  }

  /** Sends an event to the session's client. */
  emit(s: FakeSession, name: string, args: unknown[], ack?: number): void {
    const body: Body = { type: "event", name, args: { json: JSON.stringify(args), bins: [] } };
    if (ack !== undefined) body.ack = ack;
    this.queue(s, body);
  }

  /** Ends the session as the server would (close packet, then gone). */
  closeSession(s: FakeSession, code: number, reason: string): void {
    s.queue.push(closePacket(code, reason));
    this.pump(s);
    s.closed = true;
    this.clock.clearTimeout(s.heartbeat);
  }

  /** Forgets a session without a word (reaped): later requests get 404. */
  forget(s: FakeSession): void {
    s.closed = true;
    this.clock.clearTimeout(s.heartbeat);
    const dl = s.downlink;
    s.downlink = null;
    if (dl) dl.kill();
  }

  /** Cuts the current downlink without a close packet (a dead network). */
  cut(s: FakeSession): void {
    const dl = s.downlink;
    s.downlink = null;
    if (dl) dl.kill();
  }

  pump(s: FakeSession): void {
    if (!s.downlink || !s.queue.length) return;
    const packets = s.queue.splice(0, s.queue.length);
    const dl = s.downlink;
    if (dl.kind === "polling") s.downlink = null;
    dl.write(packets);
  }

  /** Attaches a downlink; returns a refusal packet when it must not attach. */
  attach(s: FakeSession, dl: Downlink, rx: number, n: number): Packet | null {
    if (n < s.maxN) return closePacket(4409, "a newer downlink request was already made");
    s.maxN = n;
    s.attaches.push({ kind: dl.kind, rx, n });
    const old = s.downlink;
    s.downlink = dl;
    if (old) old.replaced(closePacket(4409, "replaced by a newer downlink"));
    this.ack(s, rx);
    const control = s.queue.filter((p) => p.seq === undefined);
    s.queue = s.retained.filter((p) => (p.seq as number) > rx).concat(control);
    if (s.probing && dl.kind === "polling") s.queue.push({ body: { type: "noop" } });
    this.later(() => this.pump(s));
    return null;
  }

  private ack(s: FakeSession, rx: number): void {
    s.retained = s.retained.filter((p) => (p.seq as number) > rx);
  }

  /** What the server does with packets from the client. */
  receive(s: FakeSession, packets: Packet[]): void {
    for (const p of packets) {
      s.received.push(p);
      if (p.rx !== undefined) this.ack(s, p.rx);
      if (p.seq !== undefined) {
        if (p.seq <= s.inRx) continue;
        if (p.seq !== s.inRx + 1) {
          this.closeSession(s, 4400, "sequence gap");
          return;
        }
        s.inRx = p.seq;
      }
      const b = p.body;
      if (b.type === "event") {
        const args = JSON.parse(b.args.json) as unknown[];
        s.events.push(b.ack === undefined ? { name: b.name, args } : { name: b.name, args, ack: b.ack });
        if (b.ack !== undefined) {
          // "fail" gets an error ack, "pair" its arguments back as the ack's values, others {echo}.
          const values = b.name === "pair" ? args : [{ echo: args[0] }];
          const reply = b.name === "fail" ? undefined : { json: JSON.stringify(values), bins: b.args.bins };
          this.queue(s, reply ? { type: "ack", id: b.ack, args: reply } : { type: "ack", id: b.ack, error: { code: "handler-error", message: "boom" } });
        }
      } else if (b.type === "ping" && !b.probe) {
        this.queue(s, { type: "pong", probe: false });
      } else if (b.type === "close") {
        s.closed = true;
        this.clock.clearTimeout(s.heartbeat);
      }
    }
  }

  private param(url: string, name: string): string | null {
    const m = new RegExp("[?&]" + name + "=([^&]*)").exec(url);
    return m ? decodeURIComponent(m[1]) : null;
  }

  /** The fake `request` (XMLHttpRequest / node:http). */
  request(req: HttpRequest): RequestHandle {
    this.requests.push({ method: req.method, url: req.url, body: req.body, at: this.clock.now() });
    let aborted = false;
    const respond = (status: number, body: string): void => {
      this.later(() => {
        if (aborted) return;
        req.onHeaders(status);
        if (body) req.onData(body);
        req.onEnd();
      });
    };
    const path = /\/realtime\/([a-z]+)/.exec(req.url);
    const endpoint = path ? path[1] : "";
    const handle = { abort: () => { aborted = true; } };
    if (endpoint === "open") {
      if (this.openFailures > 0) {
        this.openFailures--;
        this.later(() => !aborted && req.onError("connection refused"));
      } else if (this.reject) respond(403, '{"error":"rejected","message":"go away"}');
      else respond(200, encodeText(this.handshake(this.newSession().sid)));
      return handle;
    }
    const s = this.sessions.find((x) => x.sid === this.param(req.url, "sid"));
    if (!s || s.closed) {
      respond(404, '{"error":"unknown-session","message":"unknown or expired session"}');
      return handle;
    }
    if (endpoint === "send") {
      this.later(() => {
        if (aborted) return;
        this.receive(s, decodeBatch(req.body || ""));
        respond(200, '{"rx":' + s.inRx + "}");
      });
      return handle;
    }
    const kind = endpoint as TransportName;
    if (this.broken[kind]) {
      this.later(() => !aborted && req.onError("network error"));
      return handle;
    }
    const rx = Number(this.param(req.url, "rx") || 0);
    const n = Number(this.param(req.url, "n") || 0);
    if (kind === "polling") {
      let done = false;
      const dl: Downlink = {
        kind,
        write: (packets) => {
          done = true;
          respond(200, encodeBatch(packets));
        },
        replaced: (p) => {
          done = true;
          respond(200, encodeText(p));
        },
        kill: () => {
          if (!done) this.later(() => !aborted && req.onError("connection reset"));
          done = true;
        },
      };
      handle.abort = () => {
        aborted = true;
        if (s.downlink === dl) s.downlink = null;
      };
      this.later(() => {
        if (aborted) return;
        const refusal = this.attach(s, dl, rx, n);
        if (refusal) respond(200, encodeText(refusal));
      });
      return handle;
    }
    // streaming (sse goes through FakeEventSource, which calls streamDownlink too)
    const dl = this.streamDownlink(s, kind, (text) => !aborted && req.onData(text), () => !aborted && req.onEnd(), () => !aborted && req.onError("connection reset"));
    handle.abort = () => {
      aborted = true;
      if (s.downlink === dl) s.downlink = null;
    };
    this.later(() => {
      if (aborted) return;
      req.onHeaders(200);
      req.onData(" ".repeat(2048) + "\n");
      const refusal = this.attach(s, dl, rx, n);
      if (refusal) {
        req.onData(encodeText(refusal) + "\n");
        req.onEnd();
      }
    });
    return handle;
  }

  /** A streaming-style downlink writing framed text (streaming lines or SSE events). */
  streamDownlink(s: FakeSession, kind: TransportName, data: (text: string) => void, end: () => void, error: () => void): Downlink {
    const frame = (p: Packet): string => (kind === "sse" ? encodeSse(p) : encodeText(p) + "\n");
    let ended = false;
    return {
      kind,
      write: (packets) => {
        if (this.buffered[kind]) return; // held by the "proxy" forever
        this.later(() => !ended && data(packets.map(frame).join("")));
      },
      replaced: (p) => {
        this.later(() => {
          if (ended) return;
          if (!this.buffered[kind]) data(frame(p));
          ended = true;
          end();
        });
      },
      kill: () => {
        this.later(() => {
          if (ended) return;
          ended = true;
          error();
        });
      },
    };
  }
}

export class FakeWebSocket implements WebSocketLike {
  binaryType = "blob";
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  session: FakeSession | null = null;
  /** Frames the client sent. */
  readonly sent: (string | Uint8Array)[] = [];
  /** When each frame was sent. */
  readonly sentAt: number[] = [];
  readonly createdAt: number;
  closedWith: number | null = null;
  /** Cut: frames in either direction are lost until the close is noticed. */
  dead = false;
  private readonly probeOf: FakeSession | null = null;
  private readonly n: number;

  constructor(private readonly server: FakeServer, readonly url: string) {
    server.sockets.push(this);
    this.createdAt = server.clock.now();
    const sid = /[?&]sid=([^&]*)/.exec(url);
    this.n = Number((/[?&]n=(\d+)/.exec(url) || [0, 0])[1]);
    if (sid) this.probeOf = server.sessions.find((x) => x.sid === sid[1]) || null;
    server.later(() => {
      if (this.readyState !== 0) return;
      if (server.broken.websocket || (sid && (!this.probeOf || this.probeOf.closed))) {
        this.readyState = 3;
        if (this.onerror) this.onerror({});
        if (this.onclose) this.onclose({ code: 1006, reason: "" });
        return;
      }
      this.readyState = 1;
      if (this.onopen) this.onopen({});
    }, server.wsOpenDelay);
  }

  /** Delivers server packets to the client (text batch; binary frames alone). */
  deliver(packets: Packet[]): void {
    this.server.later(() => {
      if (this.readyState !== 1 || this.dead) return;
      const text: string[] = [];
      const flush = (): void => {
        if (text.length && this.onmessage) this.onmessage({ data: text.splice(0, text.length).join("\n") });
      };
      for (const p of packets) {
        const m = encodeWebsocket(p);
        if (typeof m === "string") text.push(m);
        else {
          flush();
          if (this.onmessage) this.onmessage({ data: m.buffer.slice(m.byteOffset, m.byteOffset + m.byteLength) });
        }
      }
      flush();
    });
  }

  private downlink(): Downlink {
    return {
      kind: "websocket",
      write: (packets) => this.deliver(packets),
      replaced: (p) => {
        this.deliver([p]);
        this.server.later(() => this.drop(4409));
      },
      kill: () => {
        this.dead = true;
        this.drop(1006);
      },
    };
  }

  /** The connection ends from the server side (`code` 1006: no close frame). */
  drop(code: number): void {
    this.server.later(() => {
      if (this.readyState === 3) return;
      this.readyState = 3;
      if (this.onclose) this.onclose({ code, reason: "" });
    });
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== 1) throw new Error("not open");
    this.sent.push(data);
    this.sentAt.push(this.server.clock.now());
    const server = this.server;
    if (this.dead) return;
    server.later(() => {
      const packets = typeof data === "string" ? decodeBatch(data) : [];
      for (const p of packets) this.fromClient(p);
      if (typeof data !== "string" && this.session) server.receive(this.session, [decodeBinaryFrame(data)]);
    });
  }

  private fromClient(p: Packet): void {
    const server = this.server;
    const b = p.body;
    if (!this.session && !this.probeOf) {
      if (b.type !== "connect") return this.drop(4400);
      if (server.reject) {
        this.deliver([closePacket(4403, "go away")]);
        return this.drop(4403);
      }
      const s = server.newSession();
      this.session = s;
      this.deliver([server.handshake(s.sid)]);
      server.attach(s, this.downlink(), 0, 0);
      return;
    }
    if (!this.session && this.probeOf) {
      const s = this.probeOf;
      if (b.type === "ping" && b.probe) {
        s.probing = true;
        if (s.downlink && s.downlink.kind === "polling") server.queue(s, { type: "noop" });
        this.deliver([{ body: { type: "pong", probe: true } }]);
      } else if (b.type === "upgrade") {
        s.probing = false;
        const refusal = server.attach(s, this.downlink(), p.rx || 0, this.n);
        if (refusal) {
          this.deliver([refusal]);
          this.drop(4409);
          return;
        }
        this.session = s;
      } else {
        this.deliver([closePacket(4400, "expected a probe")]);
        this.drop(4400);
      }
      return;
    }
    if (this.session) server.receive(this.session, [p]);
  }

  close(code?: number): void {
    this.closedWith = code === undefined ? 1005 : code;
    if (this.readyState === 3) return;
    this.readyState = 3;
    const s = this.session;
    if (s && s.downlink && s.downlink.kind === "websocket") s.downlink = null;
    if (this.probeOf) this.probeOf.probing = false;
  }
}

export class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  private dl: Downlink | null = null;
  private s: FakeSession | null = null;

  constructor(private readonly server: FakeServer, readonly url: string) {
    const sid = /[?&]sid=([^&]*)/.exec(url);
    const rx = Number((/[?&]rx=(\d+)/.exec(url) || [0, 0])[1]);
    const n = Number((/[?&]n=(\d+)/.exec(url) || [0, 0])[1]);
    server.requests.push({ method: "GET", url, at: server.clock.now() });
    server.later(() => {
      if (this.readyState === 2) return;
      const s = server.sessions.find((x) => sid && x.sid === sid[1]);
      if (server.broken.sse || !s || s.closed) {
        this.readyState = 2;
        if (this.onerror) this.onerror({});
        return;
      }
      this.s = s;
      this.readyState = 1;
      if (this.onopen) this.onopen({});
      const dl = server.streamDownlink(
        s,
        "sse",
        (text) => this.feed(text),
        () => this.fail(),
        () => this.fail(),
      );
      this.dl = dl;
      const refusal = server.attach(s, dl, rx, n);
      if (refusal) this.feed(encodeSse(refusal));
    });
  }

  private feed(text: string): void {
    if (this.readyState !== 1) return;
    for (const ev of text.split("\n\n")) {
      const data = ev.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
      if (data.length && this.onmessage) this.onmessage({ data: data.join("\n") });
      if (this.readyState !== 1) return;
    }
  }

  private fail(): void {
    if (this.readyState === 2) return;
    this.readyState = 0; // a browser would reconnect on its own: the client must close it
    if (this.onerror) this.onerror({});
  }

  close(): void {
    this.readyState = 2;
    if (this.s && this.s.downlink === this.dl) this.s.downlink = null;
  }
}

function fakeWebSocketClass(server: FakeServer): new (url: string) => FakeWebSocket {
  return class extends FakeWebSocket {
    constructor(url: string) {
      super(server, url);
    }
  };
}

function fakeEventSourceClass(server: FakeServer): new (url: string) => FakeEventSource {
  return class extends FakeEventSource {
    constructor(url: string) {
      super(server, url);
    }
  };
}
