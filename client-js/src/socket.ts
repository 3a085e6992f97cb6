/**
 * The app's socket: events in and out, acks both ways, the offline buffer, and the lifecycle
 * (connect, disconnect, reconnect with backoff).
 *
 * Why this module exists: it is the one object the app holds, and it outlives sessions. Within
 * a session delivery is exactly-once (`connection.ts`); across a lost session the socket makes
 * it at-least-once: events the server had not acknowledged go back to the front of the offline
 * buffer and are sent again in the next session. Nothing fails silently: a full offline
 * buffer, an ack timeout, an oversized payload or a close reaches the ack callback (or the
 * `emitWithAck` promise) and, when there is none, the `error` event.
 */

import { Args, ErrorBody } from "./codec.js";
import { packArgs, unpackArgs } from "./args.js";
import { TransportName } from "./codes.js";
import { Connection, ConnectionEvents, SessionEnd } from "./connection.js";
import { AnyListener, Emitter } from "./emitter.js";
import { makeError, TramlineError } from "./errors.js";
import { Negotiator, TransportMemory } from "./negotiate.js";
import { Settings } from "./options.js";
import { Platform, TimerHandle } from "./platform.js";
import { Backoff } from "./reconnect.js";
import {
  AckValue,
  AppEventName,
  DefaultEvents,
  EmitArgs,
  EventArgs,
  EventsMap,
  LifecycleEvents,
  Listener,
  ListenerArgs,
  RESERVED_EVENTS,
  SendArgs,
  TimedEmitter,
  VolatileEmitter,
} from "./types.js";
import { Endpoint } from "./url.js";

interface Outgoing {
  name: string;
  args: Args;
  ack?: number;
}

/** How a pending ack ends: `error` set, or `args` (the ack's values). */
type Done = (error: TramlineError | null, args: unknown[]) => void;

interface PendingAck {
  done: Done;
  timer: TimerHandle | null;
}

type State = "connecting" | "connected" | "reconnecting" | "closed";

/** Removes and returns a trailing function argument (the ack callback). */
function popCallback(args: unknown[]): AnyListener | undefined {
  return typeof args[args.length - 1] === "function" ? (args.pop() as AnyListener) : undefined;
}

export class Socket<L extends EventsMap<L> = DefaultEvents, E extends EventsMap<E> = DefaultEvents> {
  /** `socket.volatile.emit(...)`: dropped if not deliverable now. */
  readonly volatile: VolatileEmitter<E>;
  private readonly emitter: Emitter;
  private readonly backoff: Backoff;
  private readonly memory: TransportMemory;
  private state: State = "connecting";
  private conn: Connection | null = null;
  private negotiator: Negotiator | null = null;
  private offline: Outgoing[] = [];
  private acks: { [id: number]: PendingAck } = {};
  private nextAck = 1;
  private retryTimer: TimerHandle | null = null;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly settings: Settings,
    private readonly platform: Platform,
  ) {
    this.emitter = new Emitter((e) => platform.setTimeout(() => {
      throw e;
    }, 0));
    this.backoff = new Backoff(settings.reconnect, () => platform.random());
    this.memory = new TransportMemory(platform.storage, endpoint.base, () => platform.now());
    this.volatile = {
      emit: (name: string, ...args: unknown[]): boolean => {
        this.checkName(name);
        const conn = this.conn;
        if (this.state !== "connected" || !conn || !conn.deliverable) return false;
        return conn.sendEvent(name, packArgs(args));
      },
    } as VolatileEmitter<E>;
    platform.setTimeout(() => this.open(), 0);
  }

  /** The session id, while connected. */
  get id(): string | undefined {
    return this.conn ? this.conn.sid : undefined;
  }

  /** Whether a session is open. */
  get connected(): boolean {
    return this.state === "connected";
  }

  /** The current transport, while connected. */
  get transport(): TransportName | undefined {
    return this.conn && this.conn.transport ? this.conn.transport : undefined;
  }

  on<K extends keyof LifecycleEvents>(name: K, listener: LifecycleEvents[K]): this;
  on<K extends AppEventName<L>>(name: K, listener: Listener<ListenerArgs<L, K>>): this;
  on(name: string, listener: unknown): this {
    this.emitter.on(name, listener as AnyListener);
    return this;
  }

  once<K extends keyof LifecycleEvents>(name: K, listener: LifecycleEvents[K]): this;
  once<K extends AppEventName<L>>(name: K, listener: Listener<ListenerArgs<L, K>>): this;
  once(name: string, listener: unknown): this {
    this.emitter.on(name, listener as AnyListener, true);
    return this;
  }

  /** Removes `listener`, or every listener of `name` without it, or every listener at all. */
  off<K extends keyof LifecycleEvents>(name?: K, listener?: LifecycleEvents[K]): this;
  off<K extends AppEventName<L>>(name?: K, listener?: Listener<ListenerArgs<L, K>>): this;
  off(name?: string, listener?: unknown): this {
    if (name === undefined) this.emitter.clear();
    else this.emitter.off(name, listener as AnyListener | undefined);
    return this;
  }

  /**
   * Sends an event. A function as last argument is the ack callback, called Socket.IO-style
   * with the ack's values (`cb(...args)`). Socket.IO has no error acks, so in this form a
   * failure (the server's error ack, `offline-buffer-full`, `closed`, `payload-too-large`)
   * does not call `cb`: it goes to the `error` event. When the `ackTimeout` option is set,
   * the callback is error-first as in `timeout(ms).emit` (as in Socket.IO).
   */
  emit<K extends AppEventName<E>>(name: K, ...args: EmitArgs<E, K>): this;
  emit(name: string, ...args: unknown[]): this {
    const t = this.settings.ackTimeout;
    if (t !== undefined) return this.timedEmit(name, args, t);
    const cb = popCallback(args);
    this.post(name, args, cb && ((err, values) => (err ? this.local("error", [err]) : cb(...values))), 0);
    return this;
  }

  /** `emit("message", ...args)`, as in Socket.IO. */
  send(...args: SendArgs<E>): this;
  send(...args: unknown[]): this {
    return (this.emit as (name: string, ...rest: unknown[]) => this)("message", ...args);
  }

  /**
   * Sends an event and resolves with the ack's first value; rejects on an error ack, a
   * timeout (the `ackTimeout` option, default 10000 ms) or any other failure. Needs a
   * `Promise` implementation.
   */
  emitWithAck<K extends AppEventName<E>>(name: K, ...args: EventArgs<E, K>): Promise<AckValue<E, K>>;
  emitWithAck(name: string, ...args: unknown[]): Promise<unknown> {
    const t = this.settings.ackTimeout;
    return this.withAck(name, args, t === undefined ? 10000 : t);
  }

  /**
   * Emits whose acks time out after `ms`: `socket.timeout(5000).emit(ev, ...args, (err,
   * ...values) => ...)` (err is `null` on success, a `TramlineError` on an error ack, a
   * timeout or any failure) and `socket.timeout(5000).emitWithAck(ev, ...args)`.
   */
  timeout(ms: number): TimedEmitter<E> {
    return {
      emit: (name: string, ...args: unknown[]): void => void this.timedEmit(name, args, ms),
      emitWithAck: (name: string, ...args: unknown[]) => this.withAck(name, args, ms),
    } as TimedEmitter<E>;
  }

  /** Closes the session (close code 4000) and stops reconnecting; pending acks fail with `closed`. */
  close(): this {
    if (this.state === "closed") return this;
    const wasConnected = this.state === "connected";
    this.state = "closed";
    if (this.retryTimer !== null) this.platform.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.negotiator) this.negotiator.stop();
    this.negotiator = null;
    if (this.conn) this.conn.close();
    this.conn = null;
    this.failAll(makeError("closed", "the socket was closed"), false);
    if (wasConnected) {
      this.local("disconnect", ["client-close", { code: 4000, message: "client close", reconnect: false }]);
    }
    return this;
  }

  // ---- sending ------------------------------------------------------------------------------

  private checkName(name: string): void {
    if (typeof name !== "string" || name === "") throw new TypeError("tramline: an event name must be a non-empty string");
    if (RESERVED_EVENTS.indexOf(name as keyof LifecycleEvents) >= 0) {
      throw new Error("tramline: \"" + name + "\" is a reserved event name");
    }
  }

  private timedEmit(name: string, args: unknown[], ms: number): this {
    const cb = popCallback(args);
    this.post(name, args, cb && ((err, values) => cb(err, ...values)), ms);
    return this;
  }

  private withAck(name: string, values: unknown[], timeout: number): Promise<unknown> {
    if (typeof Promise === "undefined") throw new Error("tramline: emitWithAck needs a Promise implementation");
    return new Promise((resolve, reject) => {
      this.post(name, values, (err, args) => (err ? reject(err) : resolve(args[0])), timeout);
    });
  }

  private post(name: string, values: unknown[], cb: Done | undefined, timeout: number): void {
    this.checkName(name);
    const args = packArgs(values);
    const out: Outgoing = { name, args };
    if (cb) {
      const id = this.nextAck++;
      out.ack = id;
      const pending: PendingAck = { done: cb, timer: null };
      if (timeout > 0) {
        pending.timer = this.platform.setTimeout(() => {
          pending.timer = null;
          this.settle(id, [], makeError("ack-timeout", "no ack for \"" + name + "\" within " + timeout + " ms"));
        }, timeout);
      }
      this.acks[id] = pending;
    }
    if (this.state === "closed") return this.failOne(out, makeError("closed", "the socket is closed"));
    if (this.state === "connected" && this.conn) return this.deliver(this.conn, out);
    if (this.offline.length >= this.settings.offlineBuffer) {
      return this.failOne(out, makeError("offline-buffer-full", "the offline buffer is full (" + this.settings.offlineBuffer + " packets)"));
    }
    this.offline.push(out);
  }

  private deliver(conn: Connection, out: Outgoing): void {
    if (!conn.sendEvent(out.name, out.args, out.ack)) {
      this.failOne(out, makeError("payload-too-large", "\"" + out.name + "\" is larger than the server's maxPayload"));
    }
  }

  /** Fails one emit: its ack callback if it has one, else the `error` event. */
  private failOne(out: Outgoing, error: TramlineError): void {
    if (out.ack !== undefined && this.acks[out.ack]) this.settle(out.ack, [], error);
    else this.local("error", [error]);
  }

  private settle(id: number, args: unknown[], error?: TramlineError): void {
    const p = this.acks[id];
    if (!p) return;
    delete this.acks[id];
    if (p.timer !== null) this.platform.clearTimeout(p.timer);
    try {
      p.done(error || null, args);
    } catch (e) {
      this.platform.setTimeout(() => {
        throw e;
      }, 0);
    }
  }

  /** Fails every pending ack and buffered emit (the socket will not send them). */
  private failAll(error: TramlineError, report: boolean): void {
    const dropped = this.offline.length;
    this.offline = [];
    for (const k in this.acks) {
      if (Object.prototype.hasOwnProperty.call(this.acks, k)) this.settle(Number(k), [], error);
    }
    if (report && dropped) this.local("error", [error]);
  }

  private local(name: keyof LifecycleEvents, args: unknown[]): void {
    this.emitter.emit(name, args);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private open(): void {
    if (this.state === "closed") return;
    const s = this.settings;
    let auth: string | undefined;
    try {
      auth = s.auth();
    } catch (e) {
      this.local("connect_error", [makeError("connect-failed", "auth failed: " + (e instanceof Error ? e.message : String(e)))]);
      return this.retry();
    }
    const negotiator = new Negotiator(this.platform, this.endpoint, {
      transports: s.transports,
      auth,
      rememberTransport: s.rememberTransport,
      withCredentials: s.withCredentials,
      probeTimeout: s.probeTimeout,
      connectTimeout: s.connectTimeout,
    }, this.memory);
    this.negotiator = negotiator;
    negotiator.open(this.connectionEvents(), (err, conn) => {
      if (this.negotiator !== negotiator || this.state === "closed") return;
      if (err || !conn) {
        this.negotiator = null;
        const e = err || makeError("connect-failed", "no session");
        this.local("connect_error", [e]);
        if ((this.state as State) === "closed") return;
        const hopeless = e.code === "rejected" || e.code === "unsupported-version" || e.code === "no-transport";
        if (hopeless) return this.giveUp(e);
        return this.retry();
      }
      this.onConnected(conn);
    });
  }

  private onConnected(conn: Connection): void {
    this.conn = conn;
    this.state = "connected";
    const queued = this.offline;
    this.offline = [];
    for (let i = 0; i < queued.length && this.conn === conn; i++) this.deliver(conn, queued[i]);
    const attempts = this.backoff.attempts;
    this.backoff.reset();
    if (attempts > 0) this.local("reconnect", [{ attempt: attempts }]);
    if (this.conn === conn) this.local("connect", []);
    if (this.conn === conn && conn.transport) this.local("transport", [conn.transport]);
  }

  private retry(): void {
    if (!this.settings.reconnect.enabled) return this.giveUp(makeError("closed", "reconnection is disabled"));
    const next = this.backoff.next();
    if (!next) return this.giveUp(makeError("reconnect-failed", "gave up after " + this.backoff.attempts + " attempts"));
    this.state = "reconnecting";
    this.local("reconnect_attempt", [next]);
    if (this.state !== "reconnecting") return;
    this.retryTimer = this.platform.setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, next.delay);
  }

  private giveUp(error: TramlineError): void {
    this.state = "closed";
    this.failAll(error, true);
  }

  private connectionEvents(): ConnectionEvents {
    return {
      event: (name, args, ack) => this.onEvent(name, args, ack),
      ack: (id, args, error) => this.onAck(id, args, error),
      error: (code, message) => this.local("error", [makeError(code, message)]),
      transport: (name) => {
        if (this.state === "connected") this.local("transport", [name]);
      },
      ended: (end) => this.onEnded(end),
    };
  }

  private onEvent(name: string, args: Args, ack: number | undefined): void {
    const conn = this.conn;
    if (!conn) return;
    if (RESERVED_EVENTS.indexOf(name as keyof LifecycleEvents) >= 0 || this.emitter.count(name) === 0) {
      if (ack !== undefined) {
        const known = this.emitter.count(name) === 0 ? "no-handler" : "reserved-event";
        conn.sendAckError(ack, { code: known, message: "the client has no handler for \"" + name + "\"" });
      }
      return;
    }
    const values = unpackArgs(args);
    if (ack !== undefined) {
      let replied = false;
      values.push((...reply: unknown[]) => {
        if (replied) return;
        replied = true;
        if (this.conn === conn) conn.sendAck(ack, packArgs(reply));
      });
    }
    this.emitter.emit(name, values);
  }

  private onAck(id: number, args: Args | undefined, error: ErrorBody | undefined): void {
    if (error) return this.settle(id, [], makeError(error.code, error.message));
    this.settle(id, args ? unpackArgs(args) : []);
  }

  private onEnded(end: SessionEnd): void {
    const conn = this.conn;
    if (!conn) return;
    this.conn = null;
    this.negotiator = null;
    const unacked = conn.unackedEvents();
    this.offline = unacked.concat(this.offline);
    const reconnect = this.settings.reconnect.enabled && end.reason !== "rejected";
    this.state = "reconnecting";
    this.local("disconnect", [end.reason, { code: end.code, message: end.message, reconnect }]);
    if (this.state !== "reconnecting") return;
    if (reconnect) this.retry();
    else this.giveUp(makeError(end.reason === "rejected" ? "rejected" : "closed", end.message));
  }
}
