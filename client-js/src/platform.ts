/**
 * The platform objects the client runs on, as structural interfaces.
 *
 * Why this module exists: the same client code runs in browsers (WebSocket, EventSource,
 * XMLHttpRequest, window timers, localStorage), in Node (`ws`, `node:http`) and in unit tests
 * (fakes with a manual clock). Nothing outside `platform/` touches a global: everything goes
 * through a `Platform` handed to `connect`, so tests and old browsers can remove or replace
 * any piece. It must never contain protocol logic.
 */

/** The subset of the browser `WebSocket` the client uses. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** `new WebSocket(url)`. */
export interface WebSocketConstructor {
  new (url: string): WebSocketLike;
}

/** The subset of the browser `EventSource` the client uses. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: string; lastEventId?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

/** `new EventSource(url, { withCredentials })`. */
export interface EventSourceConstructor {
  new (url: string, init?: { withCredentials?: boolean }): EventSourceLike;
}

/**
 * One HTTP request whose response body is reported as it arrives. The callbacks are called
 * in this order: `onHeaders` once, `onData` zero or more times (the body's text, in order),
 * then exactly one of `onEnd` or `onError`; nothing after `abort()`.
 */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  /** Request body; sent with `Content-Type: text/plain;charset=UTF-8` (a CORS simple request). */
  body?: string;
  /** Send cookies on cross-origin requests (`XMLHttpRequest.withCredentials`). */
  withCredentials?: boolean;
  /** An `Accept` header to send, when the platform allows it. */
  accept?: string;
  onHeaders(status: number): void;
  onData(text: string): void;
  onEnd(): void;
  onError(message: string): void;
}

/** A request in flight. */
export interface RequestHandle {
  abort(): void;
}

/** Starts an HTTP request. */
export type RequestFunction = (req: HttpRequest) => RequestHandle;

/** Key/value storage (`localStorage`). Any method may throw; the client copes. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** Everything the client needs from its environment. */
export interface Platform {
  /** WebSocket constructor; absent = no `websocket` transport. */
  WebSocket?: WebSocketConstructor;
  /** EventSource constructor; absent = no `sse` transport. */
  EventSource?: EventSourceConstructor;
  /** HTTP requests; absent = only `websocket`. */
  request?: RequestFunction;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Milliseconds since some fixed point (`Date.now`). */
  now(): number;
  /** A number in [0, 1) (`Math.random`), for backoff jitter. */
  random(): number;
  /** Where the last good transport is remembered; absent = nothing is remembered. */
  storage?: StorageLike;
  /** The URL relative endpoints are resolved against (a browser's `location.href`). */
  baseUrl?: string;
}

/** Platform pieces to override; a key set to `undefined` removes that piece. */
export type PlatformOverrides = Partial<Platform>;

const KEYS: (keyof Platform)[] = [
  "WebSocket", "EventSource", "request", "setTimeout", "clearTimeout", "now", "random", "storage",
  "baseUrl",
];

/** `base` with every key present in `overrides` replaced (even by `undefined`). */
export function mergePlatform(base: Platform, overrides?: PlatformOverrides): Platform {
  if (!overrides) return base;
  const out: Platform = {
    setTimeout: base.setTimeout,
    clearTimeout: base.clearTimeout,
    now: base.now,
    random: base.random,
  };
  const o = out as unknown as { [key: string]: unknown };
  const b = base as unknown as { [key: string]: unknown };
  const v = overrides as unknown as { [key: string]: unknown };
  for (let i = 0; i < KEYS.length; i++) {
    const k = KEYS[i];
    o[k] = Object.prototype.hasOwnProperty.call(overrides, k) ? v[k] : b[k];
  }
  if (typeof out.setTimeout !== "function" || typeof out.clearTimeout !== "function") {
    throw new TypeError("platform: setTimeout and clearTimeout are required");
  }
  if (typeof out.now !== "function") out.now = base.now;
  if (typeof out.random !== "function") out.random = base.random;
  return out;
}
