// The Socket.IO peer of the Tramline benchmarks (scripts/bench, bench/README.md).
//
//   node server.mjs --listen 127.0.0.1:PORT
//
// Socket.IO 4 with its default settings (websocket + polling at /socket.io/), CORS open. Prints one
// line `listening on 127.0.0.1:PORT` (the real port when PORT is 0) once it accepts connections.
// The same behaviour as every other benchmark server:
//   on connection: join the room "bench";
//   "echo" (arg, ack)    -> ack(arg);
//   "publish" (arg, ack) -> io.to("bench").emit("m", arg) (sender included); ack().
import http from "node:http";
import { Server } from "socket.io";

function parseListen(argv) {
  let listen = "127.0.0.1:0";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--listen") listen = argv[++i];
    else if (a.startsWith("--listen=")) listen = a.slice("--listen=".length);
    else if (a === "-h" || a === "--help") {
      console.log("usage: node server.mjs [--listen 127.0.0.1:PORT]");
      process.exit(0);
    } else {
      console.error(`server.mjs: unknown argument ${JSON.stringify(a)}`);
      process.exit(2);
    }
  }
  const m = /^(.*):(\d+)$/.exec(listen ?? "");
  if (!m) {
    console.error("server.mjs: --listen needs HOST:PORT");
    process.exit(2);
  }
  return { host: m[1].replace(/^\[(.*)\]$/, "$1"), port: Number(m[2]) };
}

const { host, port } = parseListen(process.argv.slice(2));
const httpServer = http.createServer();
const io = new Server(httpServer, { cors: { origin: "*" } });

io.on("connection", (socket) => {
  socket.join("bench");
  socket.on("echo", (arg, ack) => {
    if (typeof ack === "function") ack(arg);
  });
  socket.on("publish", (arg, ack) => {
    io.to("bench").emit("m", arg);
    if (typeof ack === "function") ack();
  });
});

httpServer.on("error", (err) => {
  console.error(`server.mjs: cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});
httpServer.listen(port, host, () => {
  const addr = httpServer.address();
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  console.log(`listening on ${shown}:${addr.port}`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    io.close();
    process.exit(0);
  });
}
