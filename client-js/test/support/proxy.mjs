// A TCP proxy between a client and the chat server that can cut connections, to play the
// network's part in failure tests: "the websocket died", "every connection was reset".
//
// Each accepted connection is classified by its first request head: `websocket` when it has
// an `Upgrade: websocket` header, `http` otherwise. (A client's WebSocket always opens a new
// TCP connection; an HTTP keep-alive connection never turns into a websocket.)
//
// Events: `held` when a websocket connection is held (see `holdWebsockets`).

import { EventEmitter } from 'node:events';
import net from 'node:net';

const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Starts a proxy on 127.0.0.1 (a free port) forwarding to 127.0.0.1:`targetPort`.
 * @returns {Promise<Proxy>}
 */
export async function startProxy(targetPort) {
  const proxy = new Proxy(targetPort);
  await new Promise((resolve, reject) => {
    proxy.server.once('error', reject);
    proxy.server.listen(0, '127.0.0.1', () => {
      proxy.server.off('error', reject);
      resolve();
    });
  });
  proxy.port = proxy.server.address().port;
  proxy.url = `http://127.0.0.1:${proxy.port}`;
  proxy.endpoint = `${proxy.url}/realtime`;
  return proxy;
}

export class Proxy extends EventEmitter {
  constructor(targetPort) {
    super();
    this.targetPort = targetPort;
    /** @type {Set<{client: net.Socket, upstream: net.Socket | null, kind: string | null}>} */
    this.connections = new Set();
    /** How many connections of each kind were accepted and forwarded. */
    this.accepted = { websocket: 0, http: 0 };
    /** How many connections of each kind were cut by `cut`. */
    this.cutCount = { websocket: 0, http: 0 };
    /** How many websocket connections were refused while websockets were blocked. */
    this.refusedWebsockets = 0;
    this.websocketsBlocked = false;
    /** While set, new websocket connections wait here (their request unanswered). */
    this.heldWebsockets = null;
    this.server = net.createServer((client) => this.accept(client));
  }

  accept(client) {
    const conn = { client, upstream: null, kind: null };
    this.connections.add(conn);
    client.setNoDelay(true);
    client.on('error', () => this.drop(conn));
    client.on('close', () => this.drop(conn));
    let head = Buffer.alloc(0);
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0 && head.length < MAX_HEAD_BYTES) return;
      client.off('data', onData);
      client.pause();
      const text = head.subarray(0, end < 0 ? head.length : end).toString('latin1');
      conn.kind = /\r\nupgrade:[ \t]*websocket[ \t]*(\r\n|$)/i.test(text) ? 'websocket' : 'http';
      if (conn.kind === 'websocket' && this.websocketsBlocked) {
        this.refusedWebsockets++;
        const body = '{"error":"proxy","message":"websockets are blocked by the test proxy"}';
        client.end(
          'HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\n' +
            `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
        this.connections.delete(conn);
      } else if (conn.kind === 'websocket' && this.heldWebsockets) {
        this.heldWebsockets.push(() => this.forward(conn, head));
        this.emit('held', conn);
      } else {
        this.forward(conn, head);
      }
    };
    client.on('data', onData);
  }

  /** Connects `conn` to the server, sends the bytes read so far, then pipes both ways. */
  forward(conn, head) {
    const { client } = conn;
    if (client.destroyed) return;
    this.accepted[conn.kind]++;
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    conn.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('error', () => this.drop(conn));
    upstream.on('close', () => this.drop(conn));
    upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }

  /** One side ended or failed: end the other too. */
  drop(conn) {
    this.connections.delete(conn);
    conn.client.destroy();
    conn.upstream?.destroy();
  }

  /** Connections currently open, by kind (`websocket`, `http`, or null while unclassified). */
  open(kind) {
    return [...this.connections].filter((c) => kind === undefined || c.kind === kind).length;
  }

  /**
   * Cuts every open connection of `kind` ('websocket', 'http' or 'all'): both TCP sides are
   * destroyed at once, so neither peer gets a close frame or the rest of a response.
   * Returns how many were cut.
   */
  cut(kind = 'all') {
    let n = 0;
    for (const conn of [...this.connections]) {
      if (kind !== 'all' && conn.kind !== kind) continue;
      this.connections.delete(conn);
      if (conn.kind) this.cutCount[conn.kind]++;
      conn.client.destroy();
      conn.upstream?.destroy();
      n++;
    }
    return n;
  }

  /**
   * Holds new websocket connections: TCP is accepted but the upgrade request is not forwarded
   * until `releaseWebsockets()` (a slow network or proxy on the websocket path).
   */
  holdWebsockets() {
    this.heldWebsockets ??= [];
  }

  /** Forwards the held websocket connections and stops holding new ones. */
  releaseWebsockets() {
    const held = this.heldWebsockets ?? [];
    this.heldWebsockets = null;
    for (const go of held) go();
    return held.length;
  }

  /** While blocked, new websocket connections are answered 502 and never reach the server. */
  blockWebsockets(blocked = true) {
    this.websocketsBlocked = blocked;
  }

  async close() {
    this.cut('all');
    await new Promise((resolve) => this.server.close(() => resolve()));
  }
}
