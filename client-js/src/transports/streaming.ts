/**
 * `streaming`: one long chunked response, `GET P/streaming?sid=S&rx=N&n=K`, one packet per line.
 *
 * Why this module exists: it streams where EventSource is missing or broken, over plain
 * XMLHttpRequest (reading `responseText` as it grows). The body starts with a line of 2048
 * spaces (skipped like every blank line). A response that ends without a close packet is
 * reported as `ended`, and the owner attaches a new downlink (docs/protocol.md section 6.3).
 * Because `responseText` only grows, a response is also ended on purpose after
 * `RECYCLE_BYTES`, so a long session does not hold an ever larger string.
 */

import { decodeText, isDecodeError, Packet } from "../codec.js";
import { RequestHandle } from "../platform.js";
import { httpError, Transport, TransportContext, TransportEnd, TransportHandler } from "./transport.js";

/** After this many characters, the response is ended and a new one is requested. */
export const RECYCLE_BYTES = 4 * 1024 * 1024;

export class StreamingTransport implements Transport {
  readonly name = "streaming" as const;
  private request: RequestHandle | null = null;
  private stopped = false;
  private status = 0;
  private buffer = "";
  private received = 0;

  constructor(
    readonly id: number,
    private readonly ctx: TransportContext,
    public handler: TransportHandler,
  ) {}

  start(): void {
    const ctx = this.ctx;
    const request = ctx.platform.request;
    if (!request) {
      this.platformEnd();
      return;
    }
    const url = ctx.endpoint.http("streaming", { sid: ctx.sid, rx: ctx.rx(), n: ctx.nextN() });
    this.request = request({
      method: "GET",
      url,
      withCredentials: ctx.withCredentials,
      onHeaders: (status) => {
        this.status = status;
        if (status === 200 && !this.stopped) this.handler.open(this);
      },
      onData: (text) => this.data(text),
      onEnd: () => {
        if (this.status !== 200) this.end(httpError(this.status, this.buffer));
        else this.end({ kind: "ended", message: "the streaming response ended" });
      },
      onError: (message) => this.end({ kind: "error", message }),
    });
  }

  close(): void {
    this.stopped = true;
    if (this.request) {
      const r = this.request;
      this.request = null;
      r.abort();
    }
  }

  private platformEnd(): void {
    this.ctx.platform.setTimeout(
      () => this.end({ kind: "error", message: "no HTTP request function on this platform" }),
      0,
    );
  }

  private end(end: TransportEnd): void {
    if (this.stopped) return;
    this.close();
    this.handler.closed(this, end);
  }

  private data(text: string): void {
    if (this.stopped) return;
    this.buffer += text;
    if (this.status !== 200) return; // an error body: read it whole at the end
    this.received += text.length;
    const packets: Packet[] = [];
    let close: { code: number; reason: string } | null = null;
    let nl = this.buffer.indexOf("\n");
    while (nl >= 0 && !close) {
      const line = this.buffer.substring(0, nl);
      this.buffer = this.buffer.substring(nl + 1);
      nl = this.buffer.indexOf("\n");
      if (/^\s*$/.test(line)) continue;
      let p: Packet;
      try {
        p = decodeText(line);
      } catch (e) {
        if (packets.length) this.handler.packets(this, packets);
        this.end({ kind: "malformed", message: isDecodeError(e) ? e.message : String(e) });
        return;
      }
      packets.push(p);
      if (p.body.type === "close") close = { code: p.body.code, reason: p.body.reason };
    }
    if (packets.length) this.handler.packets(this, packets);
    if (close) this.end({ kind: "closed", code: close.code, message: close.reason });
    else if (this.received > RECYCLE_BYTES && this.buffer === "") {
      this.end({ kind: "ended", message: "recycled a long streaming response" });
    }
  }
}
