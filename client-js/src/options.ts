/**
 * `SocketOptions` → settings with every default filled in and checked.
 *
 * Why this module exists: defaults are part of the public contract (they are listed in the
 * README) and must be decided in one place; invalid options fail `connect` at once with a clear
 * message instead of misbehaving later.
 */

import { isTransportName, TRANSPORTS, TransportName } from "./codes.js";
import { ReconnectSettings, reconnectSettings } from "./reconnect.js";
import { SocketOptions } from "./types.js";

/** Resolved options. */
export interface Settings {
  transports: TransportName[];
  /** Returns the auth payload of a new session as JSON text (or undefined for none). */
  auth: () => string | undefined;
  reconnect: ReconnectSettings;
  offlineBuffer: number;
  /** Set only when the app gave one (it then makes `emit` callbacks error-first). */
  ackTimeout: number | undefined;
  probeTimeout: number;
  connectTimeout: number;
  rememberTransport: boolean;
  withCredentials: boolean;
}

function positive<D extends number | undefined>(name: string, value: number | undefined, def: D): number | D {
  if (value === undefined) return def;
  if (typeof value !== "number" || !(value >= 0)) {
    throw new RangeError("tramline: option " + name + " must be a non-negative number");
  }
  return value;
}

/** Fills in defaults; throws `TypeError`/`RangeError` on invalid options. */
export function resolveSettings(o?: SocketOptions): Settings {
  const opts: SocketOptions = o || {};
  let transports: TransportName[] = TRANSPORTS.slice();
  if (opts.transports !== undefined) {
    if (!Array.isArray(opts.transports) || !opts.transports.length) {
      throw new TypeError("tramline: transports must be a non-empty list");
    }
    transports = [];
    for (let i = 0; i < opts.transports.length; i++) {
      const t = opts.transports[i];
      if (!isTransportName(t)) {
        throw new TypeError(
          "tramline: unknown transport " + JSON.stringify(t) + ": expected websocket, sse, streaming or polling",
        );
      }
      if (transports.indexOf(t) < 0) transports.push(t);
    }
  }
  const authOption = opts.auth;
  const auth = (): string | undefined => {
    const value = typeof authOption === "function" ? (authOption as () => unknown)() : authOption;
    return value === undefined ? undefined : JSON.stringify(value);
  };
  return {
    transports,
    auth,
    reconnect: reconnectSettings(opts.reconnect),
    offlineBuffer: positive("offlineBuffer", opts.offlineBuffer, 1000),
    ackTimeout: positive("ackTimeout", opts.ackTimeout, undefined),
    probeTimeout: positive("probeTimeout", opts.probeTimeout, 1000),
    connectTimeout: positive("connectTimeout", opts.connectTimeout, 20000),
    rememberTransport: opts.rememberTransport === undefined ? true : !!opts.rememberTransport,
    withCredentials: !!opts.withCredentials,
  };
}
