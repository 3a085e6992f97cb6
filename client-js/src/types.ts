/**
 * The public types of the socket API: event maps, listener and callback shapes, options.
 *
 * Why this module exists: apps describe their events once, as maps from event name to a
 * function signature whose parameters are the event's arguments and whose return type is the
 * value of its ack (`void`: no ack), and get checked `on`/`emit`/`emitWithAck` calls from that.
 * Untyped use (the default maps) stays possible without `any`: listener parameters are checked
 * bivariantly, so `(msg: Message) => ...` is accepted where `unknown` arguments are declared.
 */

import { TransportName } from "./codes.js";
import { DisconnectReason } from "./connection.js";
import { TramlineError } from "./errors.js";
import { PlatformOverrides } from "./platform.js";
import { ReconnectOptions } from "./reconnect.js";

/** The signature of one event: arguments → ack value (`void` when there is no ack). */
export type EventSignature = (...args: never[]) => unknown;

/** A map of events; use as the constraint `M extends EventsMap<M>`. */
export type EventsMap<M> = { [K in keyof M]: EventSignature };

type Loose = { bivarianceHack(...args: unknown[]): unknown }["bivarianceHack"];

/** The map used when none is given: any name, any arguments, any ack value. */
export interface DefaultEvents {
  [event: string]: Loose;
}

type Sig<M, K extends keyof M> = M[K] extends EventSignature ? M[K] : never;

/** The arguments of event `K` of map `M`. */
export type EventArgs<M, K extends keyof M> = Parameters<Sig<M, K>>;

/** The ack value of event `K` of map `M`. */
export type AckValue<M, K extends keyof M> = ReturnType<Sig<M, K>>;

/** Answers a server event that asked for an ack; only the first call counts. */
export type Reply<R> = (value: R) => void;

/** What a listener of event `K` receives: its arguments, plus `reply` when it has an ack. */
export type ListenerArgs<M, K extends keyof M> = unknown extends AckValue<M, K>
  ? EventArgs<M, K>
  : [AckValue<M, K>] extends [void]
    ? EventArgs<M, K>
    : [...EventArgs<M, K>, Reply<AckValue<M, K>>];

/** A listener (parameters checked bivariantly). */
export type Listener<A extends unknown[]> = { bivarianceHack(...args: A): void }["bivarianceHack"];

/**
 * The callback of `emit`: called with the ack's values, as in Socket.IO. A failure does not
 * call it (it goes to the `error` event), unless the `ackTimeout` option makes it error-first.
 */
export type AckCallback<R> = unknown extends R ? Listener<unknown[]> : Listener<[R]>;

/**
 * The callback of `timeout(ms).emit`: `err` is `null` on success, else the failure
 * (`ack-timeout`, `offline-buffer-full`, `closed`, `payload-too-large`, or the server's error
 * ack such as `invalid-args`), and then no values follow.
 */
export type TimedAckCallback<R> = unknown extends R
  ? Listener<[TramlineError | null, ...unknown[]]>
  : Listener<[TramlineError | null, R]>;

/** Event names of `M` the app may use (not the reserved lifecycle names). */
export type AppEventName<M> = Exclude<keyof M, ReservedEventName> & string;

/** The arguments of `emit`: the event's arguments, optionally followed by an ack callback. */
export type EmitArgs<M, K extends keyof M> = EventArgs<M, K> | [...EventArgs<M, K>, AckCallback<AckValue<M, K>>];

/** Emits that are dropped unless they can go out right now. */
export interface VolatileEmitter<E> {
  /** Sends the event if the session can carry it now; returns whether it was sent. */
  emit<K extends AppEventName<E>>(name: K, ...args: EventArgs<E, K>): boolean;
}

/** The arguments of `timeout(ms).emit`: the event's arguments, optionally an error-first callback. */
export type TimedEmitArgs<M, K extends keyof M> = EventArgs<M, K> | [...EventArgs<M, K>, TimedAckCallback<AckValue<M, K>>];

/** The arguments of `send`: those of the event `message`. */
export type SendArgs<E> = "message" extends AppEventName<E> ? EmitArgs<E, "message"> : never;

/** Emits with an explicit ack timeout. */
export interface TimedEmitter<E> {
  emit<K extends AppEventName<E>>(name: K, ...args: TimedEmitArgs<E, K>): void;
  emitWithAck<K extends AppEventName<E>>(name: K, ...args: EventArgs<E, K>): Promise<AckValue<E, K>>;
}

/** More about a `disconnect`. */
export interface DisconnectDetail {
  /** The close code, when one applies (`null` for `connection-lost`). */
  code: number | null;
  message: string;
  /** Whether the socket will now try to reconnect (a new session). */
  reconnect: boolean;
}

/** The socket's own events. Their names are reserved: emitting one throws. */
export interface LifecycleEvents {
  /** A session is open (first time, and after every reconnect). */
  connect: () => void;
  /** The session ended; see `DisconnectDetail.reconnect` for what happens next. */
  disconnect: (reason: DisconnectReason, detail: DisconnectDetail) => void;
  /** Opening a session failed. */
  connect_error: (error: TramlineError) => void;
  /** A reconnect attempt is scheduled (attempt from 1, delay in ms). */
  reconnect_attempt: (info: { attempt: number; delay: number }) => void;
  /** A session is open again after `attempt` attempts (emitted just before `connect`). */
  reconnect: (info: { attempt: number }) => void;
  /** The session's transport changed (also once right after each `connect`). */
  transport: (name: TransportName) => void;
  /** Something failed locally or the server sent an `error` packet. */
  error: (error: TramlineError) => void;
}

/** The reserved event names. */
export type ReservedEventName = keyof LifecycleEvents;

/** Every reserved name, for runtime checks. */
export const RESERVED_EVENTS: ReservedEventName[] = [
  "connect",
  "disconnect",
  "connect_error",
  "reconnect_attempt",
  "reconnect",
  "transport",
  "error",
];

/** Options of `connect`; every one has a default (see the README). */
export interface SocketOptions {
  /** Allowed transports, best first (default: all four: websocket, sse, streaming, polling). */
  transports?: TransportName[];
  /** Sent to the server's connection middleware; a function is called for every new session. */
  auth?: unknown;
  /** Reconnection (new sessions) with full-jitter backoff; `false` disables it. */
  reconnect?: ReconnectOptions | boolean;
  /** Most packets kept while disconnected (default 1000). */
  offlineBuffer?: number;
  /**
   * Ack timeout in ms, as Socket.IO's `ackTimeout`: when set, every ack (`emit` callbacks
   * too, which then become error-first) times out after it. Unset: `emit` callbacks wait
   * without a timeout (as in Socket.IO) and `emitWithAck` times out after 10000 ms.
   */
  ackTimeout?: number;
  /** Lower bound of probe/verification timeouts in ms; the real one is max(this, 4 × RTT) (default 1000). */
  probeTimeout?: number;
  /** How long opening a session or an unverified downlink may take, in ms (default 20000). */
  connectTimeout?: number;
  /** Remember the best working transport per endpoint for 24 h (default true; needs storage). */
  rememberTransport?: boolean;
  /** Send cookies with cross-origin HTTP requests (default false). */
  withCredentials?: boolean;
  /** Platform objects to use instead of the detected ones (a key set to `undefined` removes one). */
  platform?: PlatformOverrides;
}
