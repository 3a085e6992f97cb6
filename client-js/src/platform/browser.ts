/**
 * The browser platform: globals read when `connect` runs, never when the module loads.
 *
 * Why this module exists: tests (and sites with broken polyfills) remove `window.WebSocket` or
 * `window.EventSource` before or after loading the client, and the client must see the page
 * as it is at connect time. HTTP goes through `XMLHttpRequest` only (no `fetch`): it exists in
 * every browser the ES5 build targets and reports a streaming response progressively.
 */

import {
  EventSourceConstructor,
  HttpRequest,
  Platform,
  RequestFunction,
  RequestHandle,
  StorageLike,
  WebSocketConstructor,
} from "../platform.js";

declare const window: unknown;
declare const self: unknown;

interface XhrLike {
  readyState: number;
  status: number;
  responseText: string;
  withCredentials: boolean;
  onreadystatechange: (() => void) | null;
  onprogress: (() => void) | null;
  open(method: string, url: string, async: boolean): void;
  setRequestHeader(name: string, value: string): void;
  send(body: string | null): void;
  abort(): void;
}

interface GlobalLike {
  WebSocket?: WebSocketConstructor;
  EventSource?: EventSourceConstructor;
  XMLHttpRequest?: new () => XhrLike;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  localStorage?: StorageLike;
  location?: { href?: string };
}

function globalObject(): GlobalLike {
  if (typeof window !== "undefined") return window as GlobalLike;
  if (typeof self !== "undefined") return self as GlobalLike;
  if (typeof globalThis !== "undefined") return globalThis as unknown as GlobalLike;
  return {};
}

/** An HTTP request over `XMLHttpRequest`, reporting `responseText` as it grows. */
export function xhrRequest(Xhr: new () => XhrLike): RequestFunction {
  return function request(req: HttpRequest): RequestHandle {
    const xhr = new Xhr();
    let seen = 0;
    let headers = false;
    let done = false;
    const responseText = (): string | null => {
      try {
        return xhr.responseText || "";
      } catch (_e) {
        return null; // old browsers throw while the response is incomplete
      }
    };
    const pushText = (): void => {
      const text = responseText();
      if (text === null) return;
      if (text.length > seen) {
        const chunk = text.substring(seen);
        seen = text.length;
        req.onData(chunk);
      }
    };
    const step = (): void => {
      if (done) return;
      const state = xhr.readyState;
      if (state >= 2 && !headers) {
        const status = statusOf(xhr);
        if (status === 0 && state < 4) return;
        if (status !== 0) {
          headers = true;
          req.onHeaders(status);
          if (done) return;
        }
      }
      if (state === 3) pushText();
      if (state === 4) {
        done = true;
        if (!headers) {
          req.onError("network error");
          return;
        }
        pushText();
        req.onEnd();
      }
    };
    xhr.open(req.method, req.url, true);
    if (req.withCredentials) xhr.withCredentials = true;
    if (req.body !== undefined) xhr.setRequestHeader("Content-Type", "text/plain;charset=UTF-8");
    xhr.onreadystatechange = step;
    try {
      xhr.onprogress = step;
    } catch (_e) {
      // very old XHR without progress events: readystatechange is enough
    }
    try {
      xhr.send(req.body === undefined ? null : req.body);
    } catch (e) {
      done = true;
      const message = e instanceof Error ? e.message : "request failed";
      globalSetTimeout(() => req.onError(message), 0);
    }
    return {
      abort(): void {
        if (done) return;
        done = true;
        xhr.onreadystatechange = null;
        try {
          xhr.abort();
        } catch (_e) {
          // already finished
        }
      },
    };
  };
}

function statusOf(xhr: XhrLike): number {
  try {
    return xhr.status;
  } catch (_e) {
    return 0;
  }
}

function globalSetTimeout(fn: () => void, ms: number): unknown {
  const g = globalObject();
  return g.setTimeout ? g.setTimeout(fn, ms) : undefined;
}

/**
 * The platform of the current page (or worker): whatever of WebSocket, EventSource,
 * XMLHttpRequest and localStorage exists right now.
 */
export function browserPlatform(): Platform {
  const g = globalObject();
  const setT = g.setTimeout;
  const clearT = g.clearTimeout;
  if (!setT || !clearT) throw new Error("tramline: no setTimeout in this environment");
  let storage: StorageLike | undefined;
  try {
    storage = g.localStorage || undefined;
  } catch (_e) {
    storage = undefined; // access denied (privacy settings, sandboxed iframe)
  }
  let baseUrl: string | undefined;
  try {
    baseUrl = g.location && typeof g.location.href === "string" ? g.location.href : undefined;
  } catch (_e) {
    baseUrl = undefined;
  }
  return {
    WebSocket: typeof g.WebSocket === "function" ? g.WebSocket : undefined,
    EventSource: typeof g.EventSource === "function" ? g.EventSource : undefined,
    request: typeof g.XMLHttpRequest === "function" ? xhrRequest(g.XMLHttpRequest) : undefined,
    setTimeout: (fn, ms) => setT.call(g, fn, ms),
    clearTimeout: (h) => clearT.call(g, h),
    now: () => new Date().getTime(),
    random: () => Math.random(),
    storage,
    baseUrl,
  };
}
