/**
 * Close codes and HTTP error codes of the Tramline wire protocol, version 1.
 *
 * Why this module exists: the client must react to the same codes the server sends, with the
 * same names, so this file mirrors `crates/tramline-protocol/src/codes.rs` (and section 10 of
 * `docs/protocol.md`) entry for entry. Change them together. It must never grow client policy:
 * what to do about a code is decided in `connection.ts` and `socket.ts`.
 */

/** Session and transport close codes, sent in `close` packets and WebSocket close frames. */
export const CloseCode = {
  /** The application closed the session (either side). */
  NORMAL: 4000,
  /** An undecodable packet or a protocol error (including a sequence gap). */
  MALFORMED: 4400,
  /** The connection middleware refused the client, or its Origin is not allowed. */
  REJECTED: 4403,
  /** The session id is unknown or expired. */
  UNKNOWN_SESSION: 4404,
  /** The transport is not allowed by this server. */
  TRANSPORT_NOT_ALLOWED: 4405,
  /** No packet from the client within `pingTimeout` after a ping. */
  HEARTBEAT_TIMEOUT: 4408,
  /** A newer downlink replaced this one. The only code that does not end the session. */
  REPLACED: 4409,
  /** The packets the client is missing are gone. */
  REPLAY_LOST: 4410,
  /** A message exceeded `maxPayload`. */
  PAYLOAD_TOO_LARGE: 4413,
  /** The client read too slowly; its bounded outbound queue overflowed. */
  SLOW_CONSUMER: 4429,
  /** The server is shutting down. */
  SHUTDOWN: 4503,
} as const;

/** One of the close codes this protocol version defines. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Stable short names of the close codes, as in the Rust `CloseCode::name`. */
export type CloseCodeName =
  | "normal"
  | "malformed"
  | "rejected"
  | "unknown-session"
  | "transport-not-allowed"
  | "heartbeat-timeout"
  | "replaced"
  | "replay-lost"
  | "payload-too-large"
  | "slow-consumer"
  | "shutdown"
  | "unknown";

const NAMES: { [code: number]: CloseCodeName } = {
  4000: "normal",
  4400: "malformed",
  4403: "rejected",
  4404: "unknown-session",
  4405: "transport-not-allowed",
  4408: "heartbeat-timeout",
  4409: "replaced",
  4410: "replay-lost",
  4413: "payload-too-large",
  4429: "slow-consumer",
  4503: "shutdown",
};

/** The name of a close code; `"unknown"` for a code this version does not define. */
export function closeCodeName(code: number): CloseCodeName {
  return Object.prototype.hasOwnProperty.call(NAMES, code) ? NAMES[code] : "unknown";
}

/**
 * Whether receiving `code` ends the whole session. Every code but 4409 does, including codes
 * this version does not know (section 10: an unknown 4000–4999 code ends the session).
 */
export function endsSession(code: number): boolean {
  return code !== CloseCode.REPLACED;
}

/** The `error` field of an HTTP error body `{"error": "<code>", "message": "..."}`. */
export type HttpErrorCode =
  | "bad-request"
  | "malformed-packet"
  | "transport-not-allowed"
  | "origin-not-allowed"
  | "rejected"
  | "unknown-session"
  | "not-found"
  | "method-not-allowed"
  | "payload-too-large"
  | "shutting-down";

/** HTTP error code → HTTP status, as in the Rust `ErrorCode::http_status`. */
export const HTTP_ERROR_STATUS: { readonly [code in HttpErrorCode]: number } = {
  "bad-request": 400,
  "malformed-packet": 400,
  "transport-not-allowed": 400,
  "origin-not-allowed": 403,
  rejected: 403,
  "unknown-session": 404,
  "not-found": 404,
  "method-not-allowed": 405,
  "payload-too-large": 413,
  "shutting-down": 503,
};

/** HTTP error code → the close code of the same condition on a WebSocket. */
export const HTTP_ERROR_CLOSE_CODE: { readonly [code in HttpErrorCode]: number } = {
  "bad-request": CloseCode.MALFORMED,
  "malformed-packet": CloseCode.MALFORMED,
  "transport-not-allowed": CloseCode.TRANSPORT_NOT_ALLOWED,
  "origin-not-allowed": CloseCode.REJECTED,
  rejected: CloseCode.REJECTED,
  "unknown-session": CloseCode.UNKNOWN_SESSION,
  "not-found": CloseCode.MALFORMED,
  "method-not-allowed": CloseCode.MALFORMED,
  "payload-too-large": CloseCode.PAYLOAD_TOO_LARGE,
  "shutting-down": CloseCode.SHUTDOWN,
};

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = 1;

/** A side reports its `rx` at least once every this many sequenced packets received. */
export const ACK_EVERY = 64;

/** The four transports, best first. */
export const TRANSPORTS = ["websocket", "sse", "streaming", "polling"] as const;

/** A transport name, as used in URLs, the handshake, options and events. */
export type TransportName = (typeof TRANSPORTS)[number];

/** Whether `name` is one of the four transport names. */
export function isTransportName(name: unknown): name is TransportName {
  return name === "websocket" || name === "sse" || name === "streaming" || name === "polling";
}
