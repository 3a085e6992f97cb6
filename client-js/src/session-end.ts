/**
 * How a session ends: the reasons the app sees, and which transport ends are session ends.
 *
 * Why this module exists: deciding whether a transport's end is only that transport's (switch
 * to another) or the whole session's (disconnect, then maybe a new session) is the most
 * consequential branch of the client, so it is one small pure function, next to the mapping
 * from HTTP statuses to close codes (docs/protocol.md sections 10 and 11).
 */

import { CloseCode, CloseCodeName, closeCodeName } from "./codes.js";
import { TransportEnd } from "./transports/transport.js";

/** Why a session ended: a close code's name, or one of the client's own reasons. */
export type DisconnectReason = Exclude<CloseCodeName, "replaced"> | "client-close" | "connection-lost";

/** How a session ended. */
export interface SessionEnd {
  reason: DisconnectReason;
  /** The close code, when one applies (none for `connection-lost`). */
  code: number | null;
  message: string;
}

/**
 * Whether `end` (of the current, attaching or probing transport) ends the whole session: a
 * close with any code but 4409 (a probing WebSocket's 4400 ends only the probe), HTTP 404
 * (unknown session) or 403 (rejected), or malformed input from the server.
 */
export function endsSession(end: TransportEnd, probing: boolean): boolean {
  if (end.kind === "malformed") return true;
  if (end.kind === "closed" && end.code !== undefined) {
    if (end.code === CloseCode.REPLACED) return false;
    return !(probing && end.code === CloseCode.MALFORMED);
  }
  if (end.kind === "http") return end.status === 404 || end.status === 403;
  return false;
}

/** The session end that a (session-ending, not malformed) transport end means. */
export function sessionEndOf(end: TransportEnd): SessionEnd {
  let code = end.code === undefined ? CloseCode.MALFORMED : end.code;
  if (end.kind === "http") {
    code =
      end.status === 404 ? CloseCode.UNKNOWN_SESSION
      : end.status === 403 ? CloseCode.REJECTED
      : end.status === 413 ? CloseCode.PAYLOAD_TOO_LARGE
      : CloseCode.MALFORMED;
  }
  const name = closeCodeName(code);
  return { reason: name === "replaced" ? "unknown" : name, code, message: end.message };
}
