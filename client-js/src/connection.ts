/**
 * One logical session: its id, the receiver rules, the outbox, and the downlink attached now.
 *
 * Why this module exists: a session outlives its transports. This is where that is made exact
 * (docs/protocol.md sections 3, 8, 9): incoming sequenced packets are delivered once and in
 * order (duplicates dropped, a gap closes the session with 4400), every ping gets a pong with
 * `rx`, `rx` is reported at least every 64 packets, a downlink that stays silent for
 * pingInterval + pingTimeout is dead, and a switch (`probe.ts` for websocket, `attach.ts` for
 * the HTTP downlinks) never loses or repeats a packet. Every transport attempt has an id, and
 * lifecycle callbacks of attempts that are no longer the current, attaching or probing one are
 * ignored. It does not choose transports: `negotiate.ts` does, through `attachHttp`,
 * `upgradeWebsocket` and the `lost` hook.
 */

import { AttachHost, HttpAttach } from "./attach.js";
import { Args, Body, ErrorBody, Handshake, Packet } from "./codec.js";
import { ACK_EVERY, CloseCode, TransportName } from "./codes.js";
import { Outbox } from "./outbox.js";
import { Platform, TimerHandle } from "./platform.js";
import { ProbeHost, WebsocketProbe } from "./probe.js";
import { endsSession, SessionEnd, sessionEndOf } from "./session-end.js";
import { PollingTransport } from "./transports/polling.js";
import { SseTransport } from "./transports/sse.js";
import { StreamingTransport } from "./transports/streaming.js";
import { Transport, TransportContext, TransportEnd, TransportHandler } from "./transports/transport.js";
import { WebSocketTransport } from "./transports/websocket.js";
import { Endpoint } from "./url.js";

export type { DisconnectReason, SessionEnd } from "./session-end.js";

/** What the session reports upwards (to the socket). */
export interface ConnectionEvents {
  event(name: string, args: Args, ack: number | undefined): void;
  ack(id: number, args: Args | undefined, error: ErrorBody | undefined): void;
  error(code: string, message: string): void;
  transport(name: TransportName): void;
  ended(end: SessionEnd): void;
}

/** Timing settings of a session. */
export interface ConnectionSettings {
  withCredentials: boolean;
  /** Lower bound of probe and verification timeouts (they are at least 4 × RTT). */
  probeTimeout: number;
  /** How long an unverified downlink may take to open. */
  connectTimeout: number;
}

/** An event the server has not acknowledged. */
export interface UnackedEvent {
  name: string;
  args: Args;
  ack?: number;
}

export class Connection implements TransportHandler, ProbeHost, AttachHost {
  readonly sid: string;
  /** The committed transport; `null` until the first downlink is attached. */
  transport: TransportName | null = null;
  /** Round-trip time estimate in ms. */
  rtt: number;
  /** Set by the negotiator: the current downlink died, the session goes on. */
  lost: (name: TransportName, end: TransportEnd) => void = () => undefined;
  /** When the last packet arrived from the server (any downlink). */
  lastHeard: number;
  readonly outbox: Outbox;
  private received = 0;
  private ended = false;
  private n = 0;
  private ids = 0;
  private downlink: Transport | null = null;
  private attempt: HttpAttach | null = null;
  private probe: WebsocketProbe | null = null;
  private retired: Transport[] = [];
  private liveness: TimerHandle | null = null;
  private pingSentAt = 0;
  private readonly ctx: TransportContext;

  constructor(
    readonly platform: Platform,
    endpoint: Endpoint,
    readonly handshake: Handshake,
    private readonly settings: ConnectionSettings,
    private readonly events: ConnectionEvents,
    rtt: number,
  ) {
    this.sid = handshake.sid;
    this.rtt = rtt;
    this.lastHeard = platform.now();
    const common = { platform, endpoint, sid: handshake.sid, withCredentials: settings.withCredentials, maxPayload: handshake.maxPayload };
    // While a probe is pending, polls reuse its n: equal is accepted, and a newer one would
    // make the probe's upgrade stale (see probe.ts).
    this.ctx = { ...common, rx: () => this.received, nextN: () => (this.probe ? this.n : ++this.n) };
    this.outbox = new Outbox(
      { ...common, timeout: handshake.pingTimeout + settings.connectTimeout },
      {
        rx: () => this.received,
        failed: (end) => this.endWith(end),
        idle: () => {
          if (this.probe) this.probe.tryUpgrade();
        },
      },
    );
  }

  /** Probe and verification timeout: at least the setting, and 4 × RTT. */
  probeTimeout(): number {
    return Math.max(this.settings.probeTimeout, 4 * this.rtt);
  }

  /** Whether the session is over. */
  get isClosed(): boolean {
    return this.ended;
  }

  /** Whether a switch (probe or attach) is in progress. */
  get switching(): boolean {
    return this.attempt !== null || this.probe !== null;
  }

  /** Whether a downlink is attached now. */
  get attached(): boolean {
    return this.downlink !== null;
  }

  /** Whether a packet sent now goes out at once (for volatile emits). */
  get deliverable(): boolean {
    return !this.ended && this.downlink !== null && this.outbox.ready;
  }

  // ---- sending (for the socket) -------------------------------------------------------------

  private sendBody(body: Body): boolean {
    if (this.ended || this.outbox.size(body) > this.handshake.maxPayload) return false;
    this.outbox.pushSequenced(body);
    return true;
  }

  /** Sends an event; `false` if the session is over or it is larger than `maxPayload`. */
  sendEvent(name: string, args: Args, ack?: number): boolean {
    return this.sendBody(ack === undefined ? { type: "event", name, args } : { type: "event", name, args, ack });
  }

  /** Answers the server's event that asked for ack `id` (an error ack if too large). */
  sendAck(id: number, args: Args): boolean {
    if (this.sendBody({ type: "ack", id, args })) return true;
    this.sendAckError(id, { code: "payload-too-large", message: "the ack is larger than maxPayload" });
    return false;
  }

  /** Answers the server's event that asked for ack `id` with an error. */
  sendAckError(id: number, error: ErrorBody): void {
    this.sendBody({ type: "ack", id, error });
  }

  /** Events sent but not acknowledged by the server (to send again in a new session). */
  unackedEvents(): UnackedEvent[] {
    const out: UnackedEvent[] = [];
    const bodies = this.outbox.unacked();
    for (let i = 0; i < bodies.length; i++) {
      const b = bodies[i];
      if (b.type !== "event") continue;
      out.push(b.ack === undefined ? { name: b.name, args: b.args } : { name: b.name, args: b.args, ack: b.ack });
    }
    return out;
  }

  /** The app closes the session: sends close 4000 (best effort) and stops. No `ended` event. */
  close(reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.outbox.finish({ type: "close", code: CloseCode.NORMAL, reason: reason || "client close" });
    this.teardown(false, CloseCode.NORMAL);
  }

  // ---- switching (for the negotiator) -------------------------------------------------------

  /** Takes over the WebSocket that opened this session (GET P/websocket, connect/open). */
  adoptWebsocket(ws: WebSocketTransport): void {
    ws.handler = this;
    this.downlink = ws;
    this.outbox.useWebsocket(ws);
    this.commit("websocket");
  }

  /**
   * Attaches an HTTP downlink in place of the current one (see `attach.ts`; with `verify`, the
   * buffering check).
   */
  attachHttp(kind: "sse" | "streaming" | "polling", verify: boolean, done: (ok: boolean) => void): void {
    if (this.ended) return done(false);
    this.abortSwitch();
    this.retire(this.downlink);
    this.downlink = null;
    this.clearLiveness();
    const id = ++this.ids;
    const t =
      kind === "sse" ? new SseTransport(id, this.ctx, this)
      : kind === "streaming" ? new StreamingTransport(id, this.ctx, this)
      : new PollingTransport(id, this.ctx, this);
    const attempt = new HttpAttach(this, t, verify, (ok) => {
      if (this.attempt === attempt) this.attempt = null;
      if (!this.ended) done(ok);
    });
    this.attempt = attempt;
    attempt.start();
  }

  /** Probes a WebSocket for this session and upgrades to it (see `probe.ts`). */
  upgradeWebsocket(done: (ok: boolean) => void): void {
    if (this.ended) return done(false);
    this.abortSwitch();
    const ws = new WebSocketTransport(++this.ids, this.ctx, this, { sid: this.sid, rx: this.received, n: ++this.n });
    const probe = new WebsocketProbe(this, ws, (ok) => {
      if (this.probe === probe) this.probe = null;
      if (!this.ended) done(ok);
    });
    this.probe = probe;
    probe.start();
  }

  /** Cancels a probe or attach in progress without calling its `done`. */
  abortSwitch(): void {
    const p = this.probe;
    const a = this.attempt;
    this.probe = null;
    this.attempt = null;
    if (p) p.abort();
    if (a) a.abort();
  }

  // ---- ProbeHost, AttachHost ----------------------------------------------------------------

  current(): Transport | null {
    return this.downlink;
  }

  rx(): number {
    return this.received;
  }

  drainTimeout(): number {
    return this.probeTimeout() + this.handshake.pingTimeout + this.settings.connectTimeout;
  }

  openTimeout(): number {
    return this.settings.connectTimeout;
  }

  measured(rtt: number): void {
    this.rtt = rtt;
  }

  verifyPing(): void {
    this.pingSentAt = this.platform.now();
    this.outbox.pushControl({ type: "ping", probe: false });
  }

  upgraded(ws: WebSocketTransport): void {
    this.probe = null;
    const old = this.downlink;
    this.downlink = ws;
    if (old) old.close();
    this.outbox.useWebsocket(ws);
    this.commit("websocket");
  }

  downlinkAttached(t: Transport): void {
    this.attempt = null;
    this.downlink = t;
    this.commit(t.name);
  }

  // ---- TransportHandler ---------------------------------------------------------------------

  open(t: Transport): void {
    if (this.ended) return;
    if (this.attempt && this.attempt.t === t) this.attempt.opened();
    else if (this.probe && this.probe.ws === t) this.probe.opened();
  }

  packets(t: Transport, packets: Packet[]): void {
    if (this.ended) return;
    if (this.probe && this.probe.ws === t) return this.probe.packets(packets);
    this.receive(t, packets);
  }

  closed(t: Transport, end: TransportEnd): void {
    if (this.ended) return;
    const a = this.attempt;
    const p = this.probe;
    const role = t === this.downlink ? "current" : a && a.t === t ? "attempt" : p && p.ws === t ? "probe" : null;
    if (role === null) return; // a superseded attempt
    if (endsSession(end, role === "probe")) return this.endWith(end);
    if (role === "attempt" && a) a.fail();
    else if (role === "probe" && p) p.fail(end);
    else this.downlinkDied(end);
  }

  // ---- receiving ----------------------------------------------------------------------------

  private receive(t: Transport, packets: Packet[]): void {
    if (t === this.downlink) this.heard();
    if (packets.length) this.lastHeard = this.platform.now();
    for (let i = 0; i < packets.length && !this.ended; i++) {
      const p = packets[i];
      const b = p.body;
      if (p.rx !== undefined) this.outbox.acked(p.rx);
      if (b.type === "event" || b.type === "ack" || b.type === "error") {
        const seq = p.seq as number;
        if (seq <= this.received) continue; // a duplicate from a replay
        if (seq !== this.received + 1) return this.fail("sequence gap: got " + seq + " after " + this.received);
        this.received = seq;
        if (this.received - this.outbox.rxReported >= ACK_EVERY) this.outbox.pushControl({ type: "noop" });
        if (b.type === "event") this.events.event(b.name, b.args, b.ack);
        else if (b.type === "ack") this.events.ack(b.id, b.args, b.error);
        else this.events.error(b.code, b.message);
      } else if (b.type === "ping" && !b.probe) {
        this.outbox.pushControl({ type: "pong", probe: false });
      } else if (b.type === "pong" && !b.probe) {
        if (this.pingSentAt) this.rtt = this.platform.now() - this.pingSentAt;
        this.pingSentAt = 0;
        if (this.attempt && this.attempt.t === t) this.attempt.pong();
      }
    }
  }

  // ---- transport changes --------------------------------------------------------------------

  private commit(name: TransportName): void {
    this.heard();
    if (this.transport !== name) {
      this.transport = name;
      this.events.transport(name);
    }
  }

  private downlinkDied(end: TransportEnd): void {
    const t = this.downlink;
    if (!t) return;
    this.downlink = null;
    this.clearLiveness();
    this.abortSwitch();
    t.close();
    if (t instanceof WebSocketTransport) this.outbox.detach(t);
    this.lost(t.name, end);
  }

  /** The old downlink of a switch: a poll in flight may still deliver; others just close. */
  private retire(t: Transport | null): void {
    if (!t) return;
    if (t instanceof PollingTransport) {
      t.retire();
      this.retired.push(t);
      if (this.retired.length > 4) (this.retired.shift() as Transport).close();
    } else {
      t.close();
      if (t instanceof WebSocketTransport) this.outbox.detach(t);
    }
  }

  /** Anything from the current downlink: it is alive for another pingInterval + pingTimeout. */
  private heard(): void {
    this.clearLiveness();
    const t = this.downlink;
    if (!t || this.ended) return;
    const h = this.handshake;
    this.liveness = this.platform.setTimeout(() => {
      this.liveness = null;
      if (this.downlink === t) {
        this.closed(t, { kind: "error", message: "nothing from the server for pingInterval + pingTimeout" });
      }
    }, h.pingInterval + h.pingTimeout);
  }

  private clearLiveness(): void {
    if (this.liveness !== null) this.platform.clearTimeout(this.liveness);
    this.liveness = null;
  }

  // ---- ending -------------------------------------------------------------------------------

  /** The client found a protocol error: close the session with 4400. */
  fail(message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.outbox.finish({ type: "close", code: CloseCode.MALFORMED, reason: message });
    this.teardown(false, CloseCode.MALFORMED);
    this.events.ended({ reason: "malformed", code: CloseCode.MALFORMED, message });
  }

  /** The session is lost without a word from the server (re-attaching failed). */
  lose(message: string): void {
    this.finish({ reason: "connection-lost", code: null, message });
  }

  private endWith(end: TransportEnd): void {
    if (end.kind === "malformed") this.fail(end.message);
    else this.finish(sessionEndOf(end));
  }

  private finish(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.teardown(true, 1000);
    this.events.ended(end);
  }

  /** Stops everything. A WebSocket is closed with `wsCode` after the outbox's last packet. */
  private teardown(stopOutbox: boolean, wsCode: number): void {
    if (stopOutbox) this.outbox.stop();
    this.abortSwitch();
    this.clearLiveness();
    const current = this.downlink;
    this.downlink = null;
    if (current instanceof WebSocketTransport) current.close(wsCode);
    else if (current) current.close();
    for (let i = 0; i < this.retired.length; i++) this.retired[i].close();
    this.retired = [];
  }
}
