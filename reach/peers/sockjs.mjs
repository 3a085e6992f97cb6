// SockJS peer for the reach suite.
//
// A `sockjs` (sockjs-node) server, prefix "/sockjs", default options
// (websocket on, heartbeat_delay 25s, disconnect_delay 5s, response_limit 128K,
// jsessionid off, CORS on) except:
//   - log: no-op;
//   - sockjs_url: the iframe transports (iframe-eventsource, iframe-htmlfile,
//     iframe-xhr-polling) load the client inside a hidden iframe from
//     `sockjs_url`, which defaults to a CDN (jsdelivr). Nothing may be fetched from
//     the network at test time, so this peer serves the very same file
//     (node_modules/sockjs-client/dist/sockjs.min.js) under its own prefix at
//     /sockjs/__client/sockjs.min.js and points sockjs_url there. Same code as the
//     default, reachable through the proxy in every setup.
// Echo: on data -> JSON {n} -> conn.write(JSON.stringify({n})).
//
// Origin check (only when allowedOrigin is set): SockJS has no allow-list, so the
// http "request" and "upgrade" listeners installed by sockjs are wrapped. The
// request's origin is its Origin header, or, when there is none (classic
// <script>/JSONP GETs, same-origin GETs, iframe navigations), the origin of its
// Referer header. A request whose origin is known and is neither allowedOrigin
// nor the server's own origin (http://<X-Forwarded-Host or Host>, what the
// requests made from inside the SockJS iframe carry) is answered 403 (upgrades:
// "HTTP/1.1 403" and the socket is destroyed). Requests with neither header are let
// through (non-browser clients).
import http from "node:http";
import fs from "node:fs";
import { createRequire } from "node:module";
import sockjs from "sockjs";

const require = createRequire(import.meta.url);
const PREFIX = "/sockjs";
const CLIENT_PATH = PREFIX + "/__client/sockjs.min.js";

function originOf(url) {
  try {
    const u = new URL(url);
    return u.origin === "null" ? "null" : u.origin;
  } catch {
    return null;
  }
}

function requestOrigin(req) {
  const o = req.headers.origin;
  if (o !== undefined && o !== "") return o;
  const r = req.headers.referer;
  if (r) return originOf(r);
  return null;
}

function selfOrigins(req) {
  const out = [];
  const fwd = req.headers["x-forwarded-host"];
  if (fwd) for (const h of String(fwd).split(",")) out.push("http://" + h.trim());
  if (req.headers.host) out.push("http://" + req.headers.host);
  return out;
}

export async function start({ port, allowedOrigin } = {}) {
  const clientJs = fs.readFileSync(require.resolve("sockjs-client/dist/sockjs.min.js"));

  const service = sockjs.createServer({
    prefix: PREFIX,
    log: () => {},
    sockjs_url: CLIENT_PATH,
  });
  const conns = new Set();
  service.on("connection", (conn) => {
    if (!conn) return; // sockjs may emit a null connection for broken handshakes
    conns.add(conn);
    conn.on("close", () => conns.delete(conn));
    conn.on("data", (data) => {
      let msg;
      try {
        msg = JSON.parse(data);
      } catch {
        return;
      }
      if (msg && typeof msg === "object") conn.write(JSON.stringify({ n: msg.n }));
    });
  });

  const httpServer = http.createServer();
  const sockets = new Set();
  httpServer.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  // sockjs chains any listener already present for paths outside its prefix: 404 those.
  httpServer.on("request", (req, res) => {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  });
  httpServer.on("upgrade", (req, socket) => {
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
  });
  service.installHandlers(httpServer, { prefix: PREFIX });

  // Take over the listeners sockjs installed and put the origin check + client file in front.
  const onRequest = httpServer.listeners("request");
  const onUpgrade = httpServer.listeners("upgrade");
  httpServer.removeAllListeners("request");
  httpServer.removeAllListeners("upgrade");

  const refused = (req) => {
    if (!allowedOrigin) return false;
    const origin = requestOrigin(req);
    if (origin === null) return false;
    if (origin === allowedOrigin) return false;
    return !selfOrigins(req).includes(origin);
  };

  httpServer.on("request", (req, res) => {
    if (refused(req)) {
      res.writeHead(403, { "content-type": "text/plain", connection: "close" });
      res.end("origin not allowed\n");
      return;
    }
    const path = (req.url || "").split("?")[0];
    if (path === CLIENT_PATH && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, {
        "content-type": "application/javascript; charset=UTF-8",
        "content-length": clientJs.length,
        "cache-control": "public, max-age=31536000",
      });
      res.end(req.method === "HEAD" ? undefined : clientJs);
      return;
    }
    for (const l of onRequest) l.call(httpServer, req, res);
  });
  httpServer.on("upgrade", (req, socket, head) => {
    if (refused(req)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroySoon?.();
      return;
    }
    for (const l of onUpgrade) l.call(httpServer, req, socket, head);
  });

  await new Promise((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, "127.0.0.1", () => {
      httpServer.off("error", reject);
      resolve();
    });
  });

  let stopped = null;
  return {
    path: PREFIX + "/",
    port: httpServer.address().port,
    stop() {
      if (stopped) return stopped;
      stopped = new Promise((resolve) => {
        httpServer.close(() => resolve());
        for (const s of sockets) s.destroy();
        sockets.clear();
        // Best effort: end the open sessions now rather than after disconnect_delay (5 s),
        // so their timers do not keep the process alive.
        setImmediate(() => {
          for (const conn of conns) {
            const session = conn._session;
            try {
              if (session && !session.recv && session.connection) session.didTimeout();
            } catch {
              // internal API of sockjs-node: ignore
            }
          }
          conns.clear();
        });
        setTimeout(resolve, 2000).unref();
      });
      return stopped;
    },
  };
}
