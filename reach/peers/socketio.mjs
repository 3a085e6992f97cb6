// Socket.IO 4 peer for the reach suite (see docs in reach/README or the reach contract).
//
// Default Socket.IO settings (pingInterval 25s, pingTimeout 20s, transports
// ["polling", "websocket"], upgrade on, maxHttpBufferSize 1e6, ...), except:
//   - cors: { origin: allowedOrigin ?? true, credentials: true }
//   - when allowedOrigin is set, allowRequest refuses any handshake whose Origin
//     header is present and different from allowedOrigin. Every engine.io session
//     starts with a handshake (polling GET or a direct websocket upgrade, both go
//     through allowRequest), and later requests need its sid, so a disallowed
//     origin is refused on every transport.
// Handler: "say" (n, ack) -> socket.emit("message", n); ack().
import http from "node:http";
import { Server } from "socket.io";

export async function start({ port, allowedOrigin } = {}) {
  const httpServer = http.createServer();
  const sockets = new Set();
  httpServer.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  const opts = { cors: { origin: allowedOrigin ?? true, credentials: true } };
  if (allowedOrigin) {
    opts.allowRequest = (req, callback) => {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== allowedOrigin) {
        callback("origin not allowed", false);
      } else {
        callback(null, true);
      }
    };
  }
  const io = new Server(httpServer, opts);

  io.on("connection", (socket) => {
    socket.on("say", (n, ack) => {
      socket.emit("message", n);
      if (typeof ack === "function") ack();
    });
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
    path: "/socket.io/",
    port: httpServer.address().port,
    stop() {
      if (stopped) return stopped;
      stopped = new Promise((resolve) => {
        // io.close() disconnects every client, closes engine.io and calls httpServer.close().
        io.close(() => resolve());
        for (const s of sockets) s.destroy();
        sockets.clear();
        // belt and braces in case the close callback is not called (server already closed)
        setTimeout(resolve, 2000).unref();
      });
      return stopped;
    },
  };
}
