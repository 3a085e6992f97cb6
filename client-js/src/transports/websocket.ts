/**
 * `websocket`: `GET P/websocket` (a new session: connect/open) or
 * `GET P/websocket?sid=S&rx=N&n=K` (an existing session: probe, then upgrade).
 *
 * Why this module exists: the one duplex transport, and the only one that sends. Text frames
 * carry `\n`-separated packets, binary frames one packet with its attachments; both are
 * accepted. The session-level steps (connect, probe ping, upgrade) are the owner's: this file
 * only frames and reports. A WebSocket that fails before it opens is reported as `error`
 * (a browser tells nothing more, docs/protocol.md section 11); a close packet, or a close
 * frame with a 4xxx code, as `closed` with that code.
 */

import { decodeBatch, decodeBinaryFrame, encodeWebsocket, isDecodeError, Packet } from "../codec.js";
import { utf8Length } from "../bytes.js";
import { WebSocketLike } from "../platform.js";
import { closeIn, Transport, TransportContext, TransportEnd, TransportHandler, upToClose } from "./transport.js";

const OPEN = 1;

export class WebSocketTransport implements Transport {
  readonly name = "websocket" as const;
  private socket: WebSocketLike | null = null;
  private stopped = false;

  /** `query` is added to `P/websocket` (none to open a new session). */
  constructor(
    readonly id: number,
    private readonly ctx: TransportContext,
    public handler: TransportHandler,
    private readonly query?: { sid: string; rx: number; n: number },
  ) {}

  start(): void {
    const Ctor = this.ctx.platform.WebSocket;
    if (!Ctor) {
      this.later({ kind: "error", message: "no WebSocket on this platform" });
      return;
    }
    let ws: WebSocketLike;
    try {
      ws = new Ctor(this.ctx.endpoint.ws(this.query));
    } catch (e) {
      this.later({ kind: "error", message: e instanceof Error ? e.message : "WebSocket failed" });
      return;
    }
    this.socket = ws;
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      if (!this.stopped) this.handler.open(this);
    };
    ws.onmessage = (ev) => this.message(ev.data);
    ws.onerror = () => this.end({ kind: "error", message: "the WebSocket failed" });
    ws.onclose = (ev) => {
      const code = ev && typeof ev.code === "number" ? ev.code : 0;
      if (code >= 4000 && code <= 4999) {
        this.end({ kind: "closed", code, message: ev.reason || "closed with " + code });
      } else {
        this.end({ kind: "error", message: "the WebSocket closed (" + code + ")" });
      }
    };
  }

  /** Whether the socket is open (sending is possible). */
  get ready(): boolean {
    return !this.stopped && this.socket !== null && this.socket.readyState === OPEN;
  }

  /**
   * Sends packets in order: text packets share frames (up to `maxPayload` bytes each), a packet
   * with attachments goes alone in a binary frame. Returns `false` if the socket is not open.
   */
  send(packets: Packet[]): boolean {
    const ws = this.socket;
    if (!this.ready || !ws) return false;
    const max = this.ctx.maxPayload;
    let text = "";
    let size = 0;
    try {
      for (let i = 0; i < packets.length; i++) {
        const m = encodeWebsocket(packets[i]);
        if (typeof m !== "string") {
          if (text) ws.send(text);
          text = "";
          size = 0;
          ws.send(m);
          continue;
        }
        const len = utf8Length(m);
        if (text && size + 1 + len > max) {
          ws.send(text);
          text = "";
          size = 0;
        }
        text = text ? text + "\n" + m : m;
        size = text === m ? len : size + 1 + len;
      }
      if (text) ws.send(text);
    } catch (e) {
      this.end({ kind: "error", message: e instanceof Error ? e.message : "send failed" });
      return false;
    }
    return true;
  }

  /** Closes with a close frame (`code` 1000 unless given); no callbacks after this. */
  close(code?: number, reason?: string): void {
    this.stopped = true;
    const ws = this.socket;
    if (!ws) return;
    this.socket = null;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    // Not null: closing a WebSocket that is still connecting makes `ws` (Node) emit an error,
    // which would be thrown if nobody listened.
    ws.onerror = () => undefined;
    try {
      ws.close(code || 1000, reason || "");
    } catch (_e) {
      try {
        ws.close();
      } catch (_e2) {
        // already closed
      }
    }
  }

  private later(end: TransportEnd): void {
    this.ctx.platform.setTimeout(() => this.end(end), 0);
  }

  private end(end: TransportEnd): void {
    if (this.stopped) return;
    this.close();
    this.handler.closed(this, end);
  }

  private message(data: unknown): void {
    if (this.stopped) return;
    let packets: Packet[];
    try {
      if (typeof data === "string") {
        packets = upToClose(decodeBatch(data));
      } else if (data instanceof ArrayBuffer) {
        packets = [decodeBinaryFrame(new Uint8Array(data))];
      } else if (data instanceof Uint8Array) {
        packets = [decodeBinaryFrame(data)];
      } else {
        return; // Blob etc.: binaryType is arraybuffer, so this does not happen
      }
    } catch (e) {
      this.end({ kind: "malformed", message: isDecodeError(e) ? e.message : String(e) });
      return;
    }
    this.handler.packets(this, packets);
    const close = closeIn(packets);
    if (close) this.end({ kind: "closed", code: close.code, message: close.reason });
  }
}
