/**
 * The transport policy of one session: how to open it, which transports to try next in the
 * background, where to fall back when the current one dies, and what to remember.
 *
 * Why this module exists: choosing transports is a policy that changes independently of the
 * mechanics of switching (`connection.ts`). The rules (docs/protocol.md sections 5 and 7, and
 * the client design brief):
 * - open with `POST P/open` on the most compatible HTTP transport allowed (normally polling),
 *   or directly with `GET P/websocket` when websocket is the only choice or is remembered to
 *   work here; then, in the background and in list order, try the better ones: websocket by
 *   probe and upgrade, sse/streaming by attaching and checking that a ping's pong arrives on
 *   the new downlink (a buffering proxy fails that; then the previous transport is re-attached);
 * - when the current downlink dies, re-attach the same session on the next transport of the
 *   list (retrying the last one until the grace period is over), then later try to upgrade again;
 * - remember the best transport that worked, per endpoint, for 24 hours, and skip the probes
 *   that failed last time.
 * Every step belongs to a job; starting a new job (or the session ending) cancels the old one.
 */

import { Body, decodeText, encodeText, Handshake, isDecodeError } from "./codec.js";
import { PROTOCOL_VERSION, TransportName } from "./codes.js";
import { better, sessionKinds, TransportMemory, usableTransports } from "./candidates.js";
import { Connection, ConnectionEvents, ConnectionSettings, SessionEnd } from "./connection.js";
import { makeError, TramlineError } from "./errors.js";
import { Platform, TimerHandle } from "./platform.js";
import { Endpoint } from "./url.js";
import { TransportContext, TransportEnd } from "./transports/transport.js";
import { post } from "./transports/uplink.js";
import { WebSocketTransport } from "./transports/websocket.js";

/** Settings of the negotiation. */
export interface NegotiateSettings extends ConnectionSettings {
  transports: TransportName[];
  /** The connect packet's `auth`, as JSON text. */
  auth?: string;
  rememberTransport: boolean;
}

type HttpKind = "sse" | "streaming" | "polling";

export { MEMORY_TTL_MS, TransportMemory, usableTransports } from "./candidates.js";

/** What `open` reports: the new session, or why there is none. */
export type OpenDone = (err: TramlineError | null, conn: Connection | null) => void;

/** How often a failed background websocket probe is tried again in one session. */
export const PROBE_RETRIES = 3;

export class Negotiator {
  private conn: Connection | null = null;
  private app: ConnectionEvents | null = null;
  private done: OpenDone | null = null;
  private opened = false;
  private stopped = false;
  private job = 0;
  private losses = 0;
  private heardAtLoss = 0;
  private kinds: TransportName[] = [];
  private remembered: TransportName | null = null;
  /** Background websocket probes that failed in this session (each is retried later). */
  private probeFailures = 0;
  private timers: TimerHandle[] = [];
  private cancelOpen: (() => void) | null = null;

  constructor(
    private readonly platform: Platform,
    private readonly endpoint: Endpoint,
    private readonly settings: NegotiateSettings,
    private readonly memory: TransportMemory,
  ) {}

  /** Opens a session; `done` gets the connection (whose events then go to `app`) or an error. */
  open(app: ConnectionEvents, done: OpenDone): void {
    this.app = app;
    this.done = done;
    const usable = usableTransports(this.settings.transports, this.platform);
    if (!usable.length) {
      const names = this.settings.transports.join(", ");
      return this.openFailed(makeError("no-transport", "none of " + names + " works on this platform"));
    }
    const http = usable.filter((k) => k !== "websocket");
    this.remembered = this.settings.rememberTransport && usable.length > 1 ? this.memory.get() : null;
    if (usable[0] === "websocket" && (!http.length || this.remembered === "websocket")) {
      this.openWebsocket(usable, http.length > 0);
    } else {
      this.openHttp(usable);
    }
  }

  /** Cancels everything still to come (the socket closes, or the session ended). */
  stop(): void {
    this.stopped = true;
    this.done = null;
    this.job++;
    this.clearTimers();
    if (this.cancelOpen) this.cancelOpen();
    this.cancelOpen = null;
  }

  private readonly events: ConnectionEvents = {
    event: (name, args, ack) => {
      if (this.app) this.app.event(name, args, ack);
    },
    ack: (id, args, error) => {
      if (this.app) this.app.ack(id, args, error);
    },
    error: (code, message) => {
      if (this.app) this.app.error(code, message);
    },
    transport: (name) => {
      if (this.opened && this.app) this.app.transport(name);
    },
    ended: (end: SessionEnd) => {
      if (!this.opened) {
        this.openFailed(makeError(end.reason === "rejected" ? "rejected" : "connect-failed", end.message));
        return;
      }
      this.stop();
      if (this.app) this.app.ended(end);
    },
  };

  private openFailed(err: TramlineError): void {
    const done = this.done;
    this.stop();
    if (done) done(err, null);
  }

  private openSucceeded(conn: Connection): void {
    const done = this.done;
    if (!done || this.stopped) return;
    this.done = null;
    this.cancelOpen = null;
    this.opened = true;
    conn.lost = (name, end) => this.lost(name, end);
    done(null, conn);
  }

  private newConnection(h: Handshake, started: number): Connection {
    const conn = new Connection(this.platform, this.endpoint, h, this.settings, this.events, this.platform.now() - started);
    this.conn = conn;
    return conn;
  }

  private connectBody(): Body {
    const auth = this.settings.auth;
    return auth === undefined ? { type: "connect" } : { type: "connect", auth };
  }

  // ---- opening ------------------------------------------------------------------------------

  /** GET P/websocket: connect, open (docs/protocol.md section 5B). */
  private openWebsocket(usable: TransportName[], httpFallback: boolean): void {
    const started = this.platform.now();
    const ctx: TransportContext = {
      platform: this.platform,
      endpoint: this.endpoint,
      sid: "",
      withCredentials: this.settings.withCredentials,
      maxPayload: 1048576,
      rx: () => 0,
      nextN: () => 0,
    };
    let finished = false;
    const failed = (end: TransportEnd): void => {
      if (finished) return;
      finished = true;
      this.clearTimers();
      ws.close();
      if (end.kind === "closed" && end.code === 4403) {
        this.openFailed(makeError("rejected", end.message));
      } else if (httpFallback && !this.stopped) {
        // Remembered wrongly (or the network changed): forget, and open the safe way.
        this.memory.forget();
        this.remembered = null;
        this.openHttp(usable);
      } else {
        this.openFailed(makeError("connect-failed", "websocket: " + end.message));
      }
    };
    const ws = new WebSocketTransport(0, ctx, {
      open: () => {
        ws.send([{ body: this.connectBody() }]);
      },
      packets: (_t, packets) => {
        if (finished) return;
        const first = packets[0].body;
        if (first.type === "close") return; // `closed` follows
        if (first.type !== "open") {
          return failed({ kind: "malformed", message: "expected an open packet, got " + first.type });
        }
        finished = true;
        this.clearTimers();
        const h = first.handshake;
        if (h.version !== PROTOCOL_VERSION) {
          ws.close();
          return this.openFailed(makeError("unsupported-version", "the server speaks protocol version " + h.version));
        }
        ctx.maxPayload = h.maxPayload;
        const conn = this.newConnection(h, started);
        this.kinds = sessionKinds(usable, h);
        conn.adoptWebsocket(ws);
        this.openSucceeded(conn);
        this.remember("websocket");
        if (packets.length > 1) conn.packets(ws, packets.slice(1));
      },
      closed: (_t, end) => failed(end),
    });
    this.later(this.settings.connectTimeout, () => failed({ kind: "error", message: "no open packet in time" }));
    this.cancelOpen = () => {
      finished = true;
      ws.close();
    };
    ws.start();
  }

  /** POST P/open, then the first downlink (docs/protocol.md section 5A). */
  private openHttp(usable: TransportName[]): void {
    const started = this.platform.now();
    const http = usable.filter((k) => k !== "websocket");
    const first = http[http.length - 1] || "polling";
    const url = this.endpoint.http("open", { transport: first });
    const body = encodeText({ body: this.connectBody() });
    const handle = post(this.platform, url, body, this.settings.connectTimeout, this.settings.withCredentials, (r) => {
      this.cancelOpen = null;
      if (this.stopped) return;
      if (!r.ok) {
        const end = r.end;
        const rejected = end.status === 403;
        const code = rejected ? "rejected" : "connect-failed";
        return this.openFailed(makeError(code, (end.error ? end.error + ": " : "") + end.message, end.status));
      }
      let h: Handshake;
      try {
        const p = decodeText(r.text);
        if (p.body.type !== "open") throw new Error("expected an open packet, got " + p.body.type);
        h = p.body.handshake;
      } catch (e) {
        const message = isDecodeError(e) || e instanceof Error ? e.message : String(e);
        return this.openFailed(makeError("connect-failed", "bad handshake: " + message));
      }
      if (h.version !== PROTOCOL_VERSION) {
        return this.openFailed(makeError("unsupported-version", "the server speaks protocol version " + h.version));
      }
      const conn = this.newConnection(h, started);
      this.kinds = sessionKinds(usable, h);
      const httpKinds = this.kinds.filter((k) => k !== "websocket");
      const opening = httpKinds[httpKinds.length - 1] as HttpKind | undefined;
      if (!opening) {
        if (this.kinds.indexOf("websocket") < 0) {
          conn.lose("no transport in common with the server");
          return;
        }
        conn.upgradeWebsocket((ok) => {
          if (ok) this.openSucceeded(conn);
          else conn.lose("the websocket probe failed");
        });
        return;
      }
      conn.attachHttp(opening, false, (ok) => {
        if (!ok) return conn.lose(opening + " did not open");
        this.openSucceeded(conn);
        this.startUpgrades(conn, opening);
      });
    });
    this.cancelOpen = () => handle.abort();
  }

  // ---- upgrading ----------------------------------------------------------------------------

  /** Background upgrades after opening on `opening`. */
  private startUpgrades(conn: Connection, opening: TransportName): void {
    let candidates = better(this.kinds, opening);
    const r = this.remembered;
    if (r && r !== "websocket" && this.kinds.indexOf(r) >= 0) {
      // The better ones failed here last time: skip their probes.
      candidates = candidates.filter((k) => this.kinds.indexOf(k) >= this.kinds.indexOf(r));
    }
    if (!candidates.length) {
      this.remember(opening);
      return;
    }
    this.later(0, () => this.upgrade(conn, candidates, opening as HttpKind, true));
  }

  /**
   * Tries `candidates` in order until one works. After a failed sse/streaming check, `base`
   * is attached again before the next candidate.
   */
  private upgrade(conn: Connection, candidates: TransportName[], base: HttpKind, remember: boolean): void {
    const job = ++this.job;
    const stale = (): boolean => job !== this.job || conn.isClosed;
    const step = (i: number): void => {
      if (stale()) return;
      if (i >= candidates.length) {
        if (remember && conn.transport) this.remember(conn.transport);
        return;
      }
      const k = candidates[i];
      const next = (ok: boolean): void => {
        if (stale()) return;
        if (ok) {
          if (remember) this.remember(k);
          return;
        }
        if (k === "websocket") {
          // A probe can fail for a passing reason (a slow first handshake): try again after
          // 1, 2 and 4 ping intervals, and remember the downgrade only when that ran out.
          if (this.probeFailures < PROBE_RETRIES) {
            const wait = conn.handshake.pingInterval * Math.pow(2, this.probeFailures++);
            remember = false;
            this.later(wait, () => this.reupgrade(conn));
          }
          return step(i + 1);
        }
        conn.attachHttp(base, false, (back) => {
          if (stale()) return;
          if (back) step(i + 1);
          else this.lost(base, { kind: "error", message: base + " could not be attached again" });
        });
      };
      if (k === "websocket") conn.upgradeWebsocket(next);
      else conn.attachHttp(k as HttpKind, true, next);
    };
    step(0);
  }

  private remember(name: TransportName): void {
    if (this.settings.rememberTransport) this.memory.set(name);
  }

  // ---- falling back -------------------------------------------------------------------------

  /**
   * The current downlink died: re-attach the session on the next transport of the list. The
   * deadline is the grace period counted from the last packet heard, so a transport that keeps
   * "attaching" without ever delivering does not keep the session alive forever; repeated
   * losses without progress back off.
   */
  private lost(name: TransportName, end: TransportEnd): void {
    const conn = this.conn;
    if (!conn || conn.isClosed || this.stopped) return;
    const job = ++this.job;
    const stale = (): boolean => job !== this.job || conn.isClosed;
    const i = this.kinds.indexOf(name);
    let order: TransportName[] = this.kinds.slice(i + 1);
    // A streaming response that simply ended is re-requested (docs/protocol.md section 6.3).
    if (end.kind === "ended" && name !== "websocket") order = ([name] as TransportName[]).concat(order);
    if (!order.length) order = [name];
    const h = conn.handshake;
    const deadline = conn.lastHeard + h.pingInterval + h.pingTimeout;
    if (conn.lastHeard > this.heardAtLoss) this.losses = 0;
    this.heardAtLoss = conn.lastHeard;
    const backoff = (): number => Math.min(2000, 100 * Math.pow(2, this.losses++));
    const step = (j: number): void => {
      if (stale()) return;
      const k = order[j];
      const last = j === order.length - 1;
      const next = (ok: boolean): void => {
        if (stale()) return;
        if (ok) {
          if (k !== this.kinds[0]) this.later(h.pingInterval, () => this.reupgrade(conn));
          return;
        }
        if (!last) return step(j + 1);
        retry(j);
      };
      if (k === "websocket") conn.upgradeWebsocket(next);
      else conn.attachHttp(k as HttpKind, !last && k !== "polling", next);
    };
    const retry = (j: number): void => {
      const left = deadline - this.platform.now();
      if (left <= 0) return conn.lose("could not re-attach the session within its grace period");
      this.later(Math.min(left, backoff()), () => {
        if (!stale()) step(j);
      });
    };
    if (this.losses === 0) {
      this.losses++;
      step(0);
    } else {
      retry(0);
    }
  }

  /** Some time after a fall back: try the better transports again. */
  private reupgrade(conn: Connection): void {
    const current = conn.transport;
    if (conn.isClosed || conn.switching || !conn.attached || !current || current === "websocket") return;
    const candidates = better(this.kinds, current);
    if (candidates.length) this.upgrade(conn, candidates, current as HttpKind, true);
  }

  // ---- timers -------------------------------------------------------------------------------

  private later(ms: number, fn: () => void): void {
    const handle = this.platform.setTimeout(() => {
      const i = this.timers.indexOf(handle);
      if (i >= 0) this.timers.splice(i, 1);
      if (!this.stopped) fn();
    }, ms);
    this.timers.push(handle);
  }

  private clearTimers(): void {
    for (let i = 0; i < this.timers.length; i++) this.platform.clearTimeout(this.timers[i]);
    this.timers = [];
  }
}
