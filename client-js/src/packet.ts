/**
 * The packet model: what one packet means, independent of how a transport frames it. Mirrors
 * `crates/tramline-protocol/src/packet.rs`.
 *
 * Why this module exists: the encoder, the decoder, the outbox and the connection all speak in
 * these types; keeping them apart from the codec's code lets each of those import the model
 * without importing each other. A packet is an envelope (`seq`, `rx`) around a `Body`;
 * sequenced bodies (event, ack, error) carry `seq`.
 */

import { TransportName } from "./codes.js";

/** Arguments of an event or ack: raw JSON array text plus binary attachments. */
export interface Args {
  /** The JSON array, one line, `{"$bin": i}` placeholders for attachments. */
  json: string;
  /** Attachments, in placeholder index order. */
  bins: Uint8Array[];
}

/** The body of a failed ack, and of an `error` packet. */
export interface ErrorBody {
  code: string;
  message: string;
}

/** The handshake document (`open` packet). */
export interface Handshake {
  sid: string;
  version: number;
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
  transports: TransportName[];
  upgrades: TransportName[];
}

/** What a packet says. `type` is the wire `type`. */
export type Body =
  | { type: "connect"; auth?: string }
  | { type: "open"; handshake: Handshake }
  | { type: "close"; code: number; reason: string }
  | { type: "ping"; probe: boolean }
  | { type: "pong"; probe: boolean }
  | { type: "upgrade" }
  | { type: "noop" }
  | { type: "event"; name: string; args: Args; ack?: number }
  | { type: "ack"; id: number; args?: Args; error?: ErrorBody }
  | { type: "error"; code: string; message: string };

/** One packet: the envelope (`seq`, `rx`) around a body. */
export interface Packet {
  seq?: number;
  rx?: number;
  body: Body;
}

/** The decode error classes of `docs/protocol.md` section 2.3. */
export type DecodeErrorKind =
  | "NotUtf8"
  | "InvalidJson"
  | "UnknownType"
  | "MissingField"
  | "InvalidField"
  | "InvalidBase64"
  | "TruncatedFrame"
  | "Empty";

/** A malformed packet, batch or frame. */
export interface DecodeError extends Error {
  kind: DecodeErrorKind;
  /** The field a `MissingField`/`InvalidField` error names (`type` for the packet type). */
  field?: string;
}

/** Whether `e` is a decode error thrown by this module. */
export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof Error && typeof (e as DecodeError).kind === "string";
}

/** Whether a body carries `seq` (event, ack, error). */
export function isSequenced(body: Body): boolean {
  return body.type === "event" || body.type === "ack" || body.type === "error";
}

