/**
 * The client's error objects.
 *
 * Why this module exists: every failure the app can see (a rejected `emitWithAck`, an ack
 * callback's error, `connect_error`, the local `error` event) is an `Error` with a stable
 * string `code`, so apps branch on codes, not messages. Errors are plain `Error`s with extra
 * fields rather than subclasses, because subclassing `Error` breaks `instanceof` once compiled
 * to ES5.
 */

/** Codes of errors the client itself raises (the server's codes pass through unchanged). */
export type ClientErrorCode =
  | "offline-buffer-full"
  | "ack-timeout"
  | "closed"
  | "payload-too-large"
  | "reconnect-failed"
  | "connect-failed"
  | "rejected"
  | "unsupported-version"
  | "no-transport"
  | "reserved-event";

/** An error with a machine-readable `code`. */
export interface TramlineError extends Error {
  /** A client code (`ClientErrorCode`) or a code from the server (`invalid-args`, ...). */
  code: string;
  /** For errors from an HTTP response: its status. */
  status?: number;
}

/** Makes a `TramlineError`. */
export function makeError(code: string, message: string, status?: number): TramlineError {
  const e = new Error(message) as TramlineError;
  e.name = "TramlineError";
  e.code = code;
  if (status !== undefined) e.status = status;
  return e;
}
