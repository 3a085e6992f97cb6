/**
 * tramline: `connect(url, options)` and the public types.
 *
 * Why this module exists: it is the package's front door for browsers and bundlers (ESM, CJS
 * and the `Tramline` global of the IIFE build). The platform is detected when `connect` runs,
 * not when this module loads, so a page may replace or delete `WebSocket`/`EventSource` in
 * between. Node users import `tramline/node`, which passes a Node platform.
 */

import { resolveSettings } from "./options.js";
import { mergePlatform, Platform } from "./platform.js";
import { browserPlatform } from "./platform/browser.js";
import { Socket } from "./socket.js";
import { DefaultEvents, EventsMap, SocketOptions } from "./types.js";
import { Endpoint } from "./url.js";

/**
 * Opens a socket to the Tramline endpoint at `url` (e.g. `http://host:3000/realtime`, or a
 * path such as `/realtime` in a browser). The socket connects (and reconnects) on its own.
 */
export function connect<L extends EventsMap<L> = DefaultEvents, E extends EventsMap<E> = DefaultEvents>(
  url: string,
  options?: SocketOptions,
): Socket<L, E> {
  return connectWith<L, E>(browserPlatform, url, options);
}

/** `connect` on a given default platform (the node entry passes its own). */
export function connectWith<L extends EventsMap<L> = DefaultEvents, E extends EventsMap<E> = DefaultEvents>(
  defaultPlatform: () => Platform,
  url: string,
  options?: SocketOptions,
): Socket<L, E> {
  const settings = resolveSettings(options);
  const overrides = options && options.platform;
  const platform = mergePlatform(defaultPlatform(), overrides);
  const endpoint = new Endpoint(url, platform.baseUrl);
  return new Socket<L, E>(endpoint, settings, platform);
}

export { Socket } from "./socket.js";
export type {
  AckCallback,
  AckValue,
  AppEventName,
  DefaultEvents,
  DisconnectDetail,
  EmitArgs,
  EventArgs,
  EventSignature,
  EventsMap,
  LifecycleEvents,
  Listener,
  ListenerArgs,
  Reply,
  ReservedEventName,
  SendArgs,
  SocketOptions,
  TimedAckCallback,
  TimedEmitArgs,
  TimedEmitter,
  VolatileEmitter,
} from "./types.js";
export { RESERVED_EVENTS } from "./types.js";
export type { DisconnectReason } from "./connection.js";
export type { ClientErrorCode, TramlineError } from "./errors.js";
export type { ReconnectOptions } from "./reconnect.js";
export type {
  EventSourceConstructor,
  EventSourceLike,
  HttpRequest,
  Platform,
  PlatformOverrides,
  RequestFunction,
  RequestHandle,
  StorageLike,
  TimerHandle,
  WebSocketConstructor,
  WebSocketLike,
} from "./platform.js";
export {
  ACK_EVERY,
  CloseCode,
  closeCodeName,
  endsSession,
  HTTP_ERROR_CLOSE_CODE,
  HTTP_ERROR_STATUS,
  PROTOCOL_VERSION,
  TRANSPORTS,
} from "./codes.js";
export type { CloseCodeName, CloseCodeValue, HttpErrorCode, TransportName } from "./codes.js";
export { browserPlatform } from "./platform/browser.js";
export { eventSourceOver } from "./platform/eventsource.js";
