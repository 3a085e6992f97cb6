/**
 * `sse`: Server-Sent Events, `GET P/sse?sid=S&rx=N&n=K` through the platform's `EventSource`.
 *
 * Why this module exists: where EventSource works it is the cheapest streaming downlink. Each
 * `data:` is one packet. The EventSource is closed on any close packet and on any error: a
 * browser's automatic reconnect would repeat the old request (old `n`, old `rx`) behind the
 * client's back and could replace a newer downlink, so the owner re-attaches explicitly
 * instead (docs/protocol.md section 6.2).
 */

import { decodeText, isDecodeError, Packet } from "../codec.js";
import { EventSourceLike } from "../platform.js";
import { Transport, TransportContext, TransportEnd, TransportHandler } from "./transport.js";

export class SseTransport implements Transport {
  readonly name = "sse" as const;
  private source: EventSourceLike | null = null;
  private stopped = false;

  constructor(
    readonly id: number,
    private readonly ctx: TransportContext,
    public handler: TransportHandler,
  ) {}

  start(): void {
    const ctx = this.ctx;
    const Ctor = ctx.platform.EventSource;
    if (!Ctor) {
      ctx.platform.setTimeout(
        () => this.end({ kind: "error", message: "no EventSource on this platform" }),
        0,
      );
      return;
    }
    const url = ctx.endpoint.http("sse", { sid: ctx.sid, rx: ctx.rx(), n: ctx.nextN() });
    let source: EventSourceLike;
    try {
      source = new Ctor(url, { withCredentials: ctx.withCredentials });
    } catch (e) {
      const message = e instanceof Error ? e.message : "EventSource failed";
      ctx.platform.setTimeout(() => this.end({ kind: "error", message }), 0);
      return;
    }
    this.source = source;
    source.onopen = () => {
      if (!this.stopped) this.handler.open(this);
    };
    source.onmessage = (ev) => this.message(ev.data);
    source.onerror = () => this.end({ kind: "error", message: "the EventSource failed" });
  }

  close(): void {
    this.stopped = true;
    if (this.source) {
      const s = this.source;
      this.source = null;
      s.onopen = null;
      s.onmessage = null;
      s.onerror = null;
      s.close();
    }
  }

  private end(end: TransportEnd): void {
    if (this.stopped) return;
    this.close();
    this.handler.closed(this, end);
  }

  private message(data: string): void {
    if (this.stopped) return;
    let p: Packet;
    try {
      p = decodeText(data);
    } catch (e) {
      this.end({ kind: "malformed", message: isDecodeError(e) ? e.message : String(e) });
      return;
    }
    this.handler.packets(this, [p]);
    if (p.body.type === "close") {
      this.end({ kind: "closed", code: p.body.code, message: p.body.reason });
    }
  }
}
