/**
 * tramline/node: `connect` for Node, with a platform built from `ws` and `node:http`.
 *
 * Why this module exists: Node lacks the browser objects the client is written against
 * (XMLHttpRequest, EventSource, and before v22 WebSocket). This entry supplies them, so all
 * four transports run in Node exactly as in a browser. It is the only module that imports `ws`
 * or Node built-ins; the browser builds never include it.
 */

import { connectWith } from "./index.js";
import { nodePlatform } from "./platform/node.js";
import { Socket } from "./socket.js";
import { DefaultEvents, EventsMap, SocketOptions } from "./types.js";

/**
 * Opens a socket to the Tramline endpoint at `url` (an absolute http(s) URL such as
 * `http://127.0.0.1:3000/realtime`), on Node's platform. See the browser `connect`.
 */
export function connect<L extends EventsMap<L> = DefaultEvents, E extends EventsMap<E> = DefaultEvents>(
  url: string,
  options?: SocketOptions,
): Socket<L, E> {
  return connectWith<L, E>(nodePlatform, url, options);
}

export { nodePlatform, nodeRequest } from "./platform/node.js";
export * from "./index.js";
