/**
 * The one interface every transport implements, and what they share.
 *
 * Why this module exists: `connection.ts` treats websocket, sse, streaming and polling alike:
 * start one, learn when the server has attached it (`open`), receive decoded packets, learn
 * how it ended (`closed`, exactly once). Each start is a new attempt with its own `id`; a
 * transport never calls its handler after `close()`, and the connection ignores lifecycle
 * callbacks of attempts it has superseded. Transports know framing, never session rules
 * (sequence numbers, replay, which transport comes next).
 */

import { Packet } from "../codec.js";
import { TransportName } from "../codes.js";
import { Platform } from "../platform.js";
import { Endpoint } from "../url.js";

/** How a transport ended. */
export interface TransportEnd {
  /**
   * `closed`: a close packet (or a WebSocket close frame with a 4xxx code) ended it, see `code`;
   * `ended`: a streaming response ended without a close packet;
   * `http`: the server answered with an HTTP error, see `status` and `error`;
   * `malformed`: the server sent something that does not decode;
   * `error`: network failure, timeout, or a WebSocket that failed to open.
   */
  kind: "closed" | "ended" | "http" | "malformed" | "error";
  code?: number;
  status?: number;
  /** The `error` field of an HTTP error body. */
  error?: string;
  message: string;
}

/** What a transport reports to its owner. */
export interface TransportHandler {
  /** The server has attached this downlink (WebSocket open; HTTP response headers). */
  open(t: Transport): void;
  /** Packets arrived, in order. A close packet among them is also reported by `closed`. */
  packets(t: Transport, packets: Packet[]): void;
  /** The transport is over; called once, and never after `close()`. */
  closed(t: Transport, end: TransportEnd): void;
}

/** One attempt of one transport. */
export interface Transport {
  readonly name: TransportName;
  /** Unique per connection: tells attempts apart. */
  readonly id: number;
  /** Who gets the callbacks; the WebSocket that opened a session is handed over. */
  handler: TransportHandler;
  /** Opens the downlink. */
  start(): void;
  /** Stops for good, without calling the handler again. */
  close(): void;
}

/** What a transport needs to know about the session it attaches to. */
export interface TransportContext {
  platform: Platform;
  endpoint: Endpoint;
  /** Session id; empty for a WebSocket that opens a new session. */
  sid: string;
  withCredentials: boolean;
  /** Largest message the server accepts, in bytes. */
  maxPayload: number;
  /** The client's current rx (read when each downlink request is made). */
  rx(): number;
  /** The next value of the session's downlink counter `n`. */
  nextN(): number;
}

/** The close packet among `packets`, if any. */
export function closeIn(packets: Packet[]): { code: number; reason: string } | null {
  for (let i = 0; i < packets.length; i++) {
    const b = packets[i].body;
    if (b.type === "close") return { code: b.code, reason: b.reason };
  }
  return null;
}

/** Packets up to and including the first close packet (nothing after a close counts). */
export function upToClose(packets: Packet[]): Packet[] {
  for (let i = 0; i < packets.length; i++) {
    if (packets[i].body.type === "close") return packets.slice(0, i + 1);
  }
  return packets;
}

/** The `{error, message}` of an HTTP error body, as far as it parses. */
export function httpError(status: number, text: string): TransportEnd {
  let error: string | undefined;
  let message = "HTTP " + status;
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (body && typeof body.error === "string") error = body.error;
    if (body && typeof body.message === "string") message = body.message;
  } catch (_e) {
    // not JSON: keep the status
  }
  const end: TransportEnd = { kind: "http", status, message };
  if (error !== undefined) end.error = error;
  return end;
}
