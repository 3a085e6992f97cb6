/**
 * One-shot HTTP POSTs: `POST P/open` (the handshake) and `POST P/send` (the uplink of sse,
 * streaming and polling).
 *
 * Why this module exists: both are a text/plain POST (a CORS simple request, no preflight)
 * whose whole JSON answer matters, bounded by a timeout. It only performs requests; the rules
 * of the uplink (one POST in flight, batching, resending after a failure) are in
 * `connection.ts`.
 */

import { Platform, RequestHandle } from "../platform.js";
import { httpError, TransportEnd } from "./transport.js";

/** The outcome of a POST: its JSON body on 200, otherwise how it failed. */
export type PostResult = { ok: true; text: string } | { ok: false; end: TransportEnd };

/** A POST in flight. */
export interface PostHandle {
  abort(): void;
}

/**
 * POSTs `body` as text/plain to `url` and calls `done` exactly once (never after `abort`).
 * No answer within `timeout` ms is an `error`.
 */
export function post(
  platform: Platform,
  url: string,
  body: string,
  timeout: number,
  withCredentials: boolean,
  done: (result: PostResult) => void,
): PostHandle {
  let finished = false;
  let status = 0;
  let text = "";
  let handle: RequestHandle | null = null;
  const finish = (r: PostResult): void => {
    if (finished) return;
    finished = true;
    platform.clearTimeout(timer);
    done(r);
  };
  const timer = platform.setTimeout(() => {
    if (handle) handle.abort();
    finish({ ok: false, end: { kind: "error", message: "no answer within " + timeout + " ms" } });
  }, timeout);
  const request = platform.request;
  if (!request) {
    platform.setTimeout(
      () => finish({ ok: false, end: { kind: "error", message: "no HTTP request function" } }),
      0,
    );
  } else {
    handle = request({
      method: "POST",
      url,
      body,
      withCredentials,
      onHeaders: (s) => {
        status = s;
      },
      onData: (chunk) => {
        text += chunk;
      },
      onEnd: () => {
        if (status === 200) finish({ ok: true, text });
        else finish({ ok: false, end: httpError(status, text) });
      },
      onError: (message) => finish({ ok: false, end: { kind: "error", message } }),
    });
  }
  return {
    abort(): void {
      if (finished) return;
      finished = true;
      platform.clearTimeout(timer);
      if (handle) handle.abort();
    },
  };
}

/** The `rx` of a `POST P/send` answer `{"rx":N}`; `null` if the body says something else. */
export function sendResponseRx(text: string): number | null {
  try {
    const body = JSON.parse(text) as { rx?: unknown };
    if (body && typeof body.rx === "number" && body.rx >= 0 && Math.floor(body.rx) === body.rx) {
      return body.rx;
    }
  } catch (_e) {
    // fall through
  }
  return null;
}
