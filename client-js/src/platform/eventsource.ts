/**
 * An `EventSource`-like reader over a streaming `request`.
 *
 * Why this module exists: Node has no `EventSource`, and the `sse` transport is written against
 * the browser's API (so that browsers use their native one). This gives any platform with a
 * streaming `request` the same API. Unlike a browser's, it never reconnects on its own: the
 * client closes an `EventSource` on any error anyway and re-attaches with a newer downlink
 * request itself (docs/protocol.md section 6.2).
 */

import { EventSourceConstructor, EventSourceLike, RequestFunction, RequestHandle } from "../platform.js";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** An `EventSource` constructor whose instances read the stream through `request`. */
export function eventSourceOver(request: RequestFunction): EventSourceConstructor {
  class RequestEventSource implements EventSourceLike {
    readyState = CONNECTING;
    onopen: ((ev: unknown) => void) | null = null;
    onmessage: ((ev: { data: string; lastEventId?: string }) => void) | null = null;
    onerror: ((ev: unknown) => void) | null = null;
    private handle: RequestHandle | null;
    private buffer = "";
    private data: string[] = [];
    private eventType = "";
    private lastEventId = "";

    constructor(url: string, init?: { withCredentials?: boolean }) {
      this.handle = request({
        method: "GET",
        url,
        accept: "text/event-stream",
        withCredentials: init ? init.withCredentials : false,
        onHeaders: (status) => {
          if (status !== 200) {
            this.fail("HTTP " + status);
            return;
          }
          this.readyState = OPEN;
          if (this.onopen) this.onopen({ type: "open" });
        },
        onData: (text) => this.feed(text),
        onEnd: () => this.fail("stream ended"),
        onError: (message) => this.fail(message),
      });
    }

    close(): void {
      this.readyState = CLOSED;
      if (this.handle) {
        const h = this.handle;
        this.handle = null;
        h.abort();
      }
    }

    private fail(message: string): void {
      if (this.readyState === CLOSED) return;
      this.close();
      if (this.onerror) this.onerror({ type: "error", message });
    }

    private feed(text: string): void {
      if (this.readyState !== OPEN) return;
      this.buffer += text;
      for (;;) {
        const m = /\r\n|\r|\n/.exec(this.buffer);
        if (!m) break;
        // A CR at the very end may be the first half of a CRLF: wait for more.
        if (m[0] === "\r" && m.index === this.buffer.length - 1) break;
        const line = this.buffer.substring(0, m.index);
        this.buffer = this.buffer.substring(m.index + m[0].length);
        this.line(line);
        if (this.readyState !== OPEN) return;
      }
    }

    private line(line: string): void {
      if (line === "") {
        this.dispatch();
        return;
      }
      if (line.charAt(0) === ":") return;
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.substring(0, colon);
      let value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.charAt(0) === " ") value = value.substring(1);
      if (name === "data") this.data.push(value);
      else if (name === "id" && value.indexOf("\u0000") < 0) this.lastEventId = value;
      else if (name === "event") this.eventType = value;
    }

    private dispatch(): void {
      const data = this.data;
      const type = this.eventType;
      this.data = [];
      this.eventType = "";
      if (data.length === 0) return;
      if ((type === "" || type === "message") && this.onmessage) {
        this.onmessage({ data: data.join("\n"), lastEventId: this.lastEventId });
      }
    }
  }
  return RequestEventSource;
}
