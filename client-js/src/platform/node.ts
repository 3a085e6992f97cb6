/**
 * The Node platform: `ws` for WebSocket, `node:http`/`node:https` for streaming requests, and
 * the request-based `EventSource` reader.
 *
 * Why this module exists: Node has no XMLHttpRequest or EventSource (and, before v22, no
 * WebSocket), and the client must run all four transports there exactly as in a browser.
 * Only the node entry (`tramline/node`) imports this file, so the browser builds
 * never pull in `ws` or Node built-ins.
 */

import * as http from "node:http";
import * as https from "node:https";
import { StringDecoder } from "node:string_decoder";
import WebSocket from "ws";

import { HttpRequest, Platform, RequestHandle, WebSocketConstructor } from "../platform.js";
import { eventSourceOver } from "./eventsource.js";

/** An HTTP request over `node:http`, reporting body text as chunks arrive. */
export function nodeRequest(req: HttpRequest): RequestHandle {
  let done = false;
  const finish = (fn: () => void): void => {
    if (done) return;
    done = true;
    fn();
  };
  const url = new URL(req.url);
  const mod = url.protocol === "https:" ? https : http;
  const headers: { [name: string]: string } = {};
  if (req.body !== undefined) {
    headers["content-type"] = "text/plain;charset=UTF-8";
    headers["content-length"] = String(Buffer.byteLength(req.body, "utf8"));
  }
  if (req.accept) headers.accept = req.accept;
  const r = mod.request(url, { method: req.method, headers }, (res) => {
    if (done) {
      res.resume();
      return;
    }
    const decoder = new StringDecoder("utf8");
    req.onHeaders(res.statusCode || 0);
    res.on("data", (chunk: Buffer) => {
      if (done) return;
      const text = decoder.write(chunk);
      if (text) req.onData(text);
    });
    res.on("end", () => {
      if (done) return;
      const rest = decoder.end();
      if (rest) req.onData(rest);
      finish(() => req.onEnd());
    });
    res.on("close", () => {
      if (!res.complete) finish(() => req.onError("connection closed before the response ended"));
    });
    res.on("error", (e: Error) => finish(() => req.onError(e.message)));
  });
  r.on("error", (e: Error) => finish(() => req.onError(e.message)));
  r.setNoDelay(true);
  r.end(req.body);
  return {
    abort(): void {
      if (done) return;
      done = true;
      r.destroy();
    },
  };
}

/** The platform for Node: `ws`, `node:http`, timers; no storage (nothing is remembered). */
export function nodePlatform(): Platform {
  return {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    EventSource: eventSourceOver(nodeRequest),
    request: nodeRequest,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    now: () => Date.now(),
    random: () => Math.random(),
  };
}
