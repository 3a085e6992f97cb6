/**
 * `polling`: a loop of long-poll GETs, `GET P/polling?sid=S&rx=N&n=K`.
 *
 * Why this module exists: it is the transport that works everywhere, so sessions open on it.
 * Each response is a batch; the next GET goes out at once with the new `rx` and a new `n`,
 * unless the batch held a close packet. For a websocket upgrade the loop can be paused: no new
 * GET, and the owner hears when the one in flight has returned (docs/protocol.md section 7,
 * step 4), because a poll that reached the server after `upgrade` would replace the websocket.
 */

import { decodeBatch, isDecodeError, Packet } from "../codec.js";
import { RequestHandle } from "../platform.js";
import {
  closeIn,
  httpError,
  Transport,
  TransportContext,
  TransportEnd,
  TransportHandler,
  upToClose,
} from "./transport.js";

export class PollingTransport implements Transport {
  readonly name = "polling" as const;
  private request: RequestHandle | null = null;
  private stopped = false;
  private paused = false;
  private opened = false;
  private idle: (() => void) | null = null;
  /** Retired: the GET in flight may still deliver packets, then the loop ends silently. */
  private retired = false;

  constructor(
    readonly id: number,
    private readonly ctx: TransportContext,
    public handler: TransportHandler,
  ) {}

  /** Whether a GET is in flight. */
  get inFlight(): boolean {
    return this.request !== null;
  }

  start(): void {
    this.poll();
  }

  /** Stops issuing GETs; `onIdle` runs once no GET is in flight (at once if none is). */
  pause(onIdle?: () => void): void {
    this.paused = true;
    this.idle = onIdle || null;
    if (!this.request && this.idle) this.fireIdle();
  }

  /** Issues GETs again after `pause`. */
  resume(): void {
    if (this.stopped || !this.paused) return;
    this.paused = false;
    this.idle = null;
    if (!this.request) this.poll();
  }

  /**
   * No more GETs and no more lifecycle callbacks; packets of the GET in flight (if any) are
   * still delivered, because they are ordinary downlink packets the receiver rules sort out.
   */
  retire(): void {
    this.retired = true;
    this.paused = true;
    this.idle = null;
    if (!this.request) this.stopped = true;
  }

  close(): void {
    this.stopped = true;
    this.idle = null;
    if (this.request) {
      const r = this.request;
      this.request = null;
      r.abort();
    }
  }

  private fireIdle(): void {
    const idle = this.idle;
    this.idle = null;
    if (idle) idle();
  }

  private end(end: TransportEnd): void {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.retired) this.handler.closed(this, end);
  }

  private poll(): void {
    if (this.stopped || this.paused) return;
    const ctx = this.ctx;
    const request = ctx.platform.request;
    if (!request) {
      this.end({ kind: "error", message: "no HTTP request function on this platform" });
      return;
    }
    const url = ctx.endpoint.http("polling", { sid: ctx.sid, rx: ctx.rx(), n: ctx.nextN() });
    let status = 0;
    let text = "";
    const finish = (fn: () => void): void => {
      if (this.request !== handle) return;
      this.request = null;
      fn();
    };
    const handle: RequestHandle = request({
      method: "GET",
      url,
      withCredentials: ctx.withCredentials,
      onHeaders: (s) => {
        status = s;
      },
      onData: (chunk) => {
        text += chunk;
      },
      onEnd: () => finish(() => this.response(status, text)),
      onError: (message) => finish(() => this.end({ kind: "error", message })),
    });
    this.request = handle;
    if (!this.opened) {
      // A poll is attached as soon as it reaches the server; there is no earlier signal.
      this.opened = true;
      ctx.platform.setTimeout(() => {
        if (!this.stopped && !this.retired) this.handler.open(this);
      }, 0);
    }
  }

  private response(status: number, text: string): void {
    if (this.stopped) return;
    if (status !== 200) {
      this.end(httpError(status, text));
      return;
    }
    let packets: Packet[];
    try {
      packets = upToClose(decodeBatch(text));
    } catch (e) {
      this.end({ kind: "malformed", message: isDecodeError(e) ? e.message : String(e) });
      return;
    }
    this.handler.packets(this, packets);
    if (this.stopped) return;
    const close = closeIn(packets);
    if (close) {
      this.end({ kind: "closed", code: close.code, message: close.reason });
      return;
    }
    if (this.retired) {
      this.stopped = true;
      return;
    }
    if (this.paused) this.fireIdle();
    else this.poll();
  }
}
