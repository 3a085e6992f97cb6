// The servers behind nginx: Tramline's chat example (the real binary) and the peers
// (reach/peers/<lib>.mjs, Socket.IO and SockJS servers in this process). Each is started on a
// free loopback port and registered for cleanup.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { lines, onCleanup, withTimeout } from './util.mjs';

const STARTUP_MS = 15_000;
const STOP_MS = 5_000;

/** The libraries, in report order, and where each keeps its endpoint. */
export const LIBS = {
  tramline: { title: 'Tramline', path: '/realtime/' },
  socketio: { title: 'Socket.IO', path: '/socket.io/', peer: 'socketio.mjs', npm: ['socket.io', 'socket.io-client'] },
  sockjs: { title: 'SockJS', path: '/sockjs/', peer: 'sockjs.mjs', npm: ['sockjs', 'sockjs-client'] },
};

/** Why `lib` cannot run here (its peer module or npm packages are missing), or null. */
export function unavailable(lib, reachDir) {
  const info = LIBS[lib];
  if (!info.peer) return null;
  const peer = path.join(reachDir, 'peers', info.peer);
  if (!fs.existsSync(peer)) return `not available: reach/peers/${info.peer} is missing`;
  for (const pkg of info.npm) {
    if (!fs.existsSync(path.join(reachDir, 'node_modules', pkg, 'package.json'))) {
      return `not available: npm package ${pkg} is not installed (npm ci in reach/)`;
    }
  }
  if (!fs.existsSync(path.join(reachDir, 'pages', lib, 'index.html'))) {
    return `not available: reach/pages/${lib}/index.html is missing`;
  }
  return null;
}

/**
 * Starts the chat example: `--listen 127.0.0.1:PORT --ping-interval-ms 2000 --ping-timeout-ms
 * 3000` (pings well below the 5 s idle timeout of idle-5s) and `--allowed-origin` for each of
 * `allowedOrigins`. Resolves with `{port, stop(), logText()}` once it printed its address.
 * Ports come from the harness (all allocated at once), not from `:0`: a port the system hands
 * out for `:0` may be one the harness just freed for nginx.
 */
export async function startChat({ bin, port, allowedOrigins = [], logFile, label }) {
  if (!fs.existsSync(bin)) {
    throw new Error(`chat server binary not found at ${bin}: run \`cargo build -p example-chat\` or set TRAMLINE_CHAT_BIN`);
  }
  const args = ['--listen', `127.0.0.1:${port}`, '--ping-interval-ms', '2000', '--ping-timeout-ms', '3000'];
  for (const o of allowedOrigins) args.push('--allowed-origin', o);
  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info', NO_COLOR: '1' },
  });
  const out = fs.createWriteStream(logFile);
  const kept = [];
  const keep = (line) => {
    out.write(`${line}\n`);
    kept.push(line);
    if (kept.length > 200) kept.shift();
  };
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let running = true;
  exited.then(() => {
    running = false;
    out.end();
  });
  const kill = () => {
    if (running) child.kill('SIGKILL');
  };
  const stop = async () => {
    if (!running) return;
    child.kill('SIGINT');
    try {
      await withTimeout(exited, STOP_MS, `${label}: chat server exit after SIGINT`);
    } catch {
      kill();
      await exited;
    }
  };
  onCleanup(stop, kill);
  const ready = new Promise((resolve, reject) => {
    lines(child.stdout, (line) => {
      keep(line);
      const m = /chat on http:\/\/[^:/\s]+:(\d+)\//.exec(line);
      if (m) resolve(Number(m[1]));
    });
    lines(child.stderr, keep);
    child.once('error', (e) => reject(new Error(`cannot start ${bin}: ${e.message}`)));
    exited.then(({ code, signal }) =>
      reject(new Error(`chat server exited (code ${code}, signal ${signal}) before it was ready:\n${kept.join('\n')}`)),
    );
  });
  const listening = await withTimeout(ready, STARTUP_MS, `${label}: chat server to print "chat on http://..."`);
  return { port: listening, stop, logText: (n = 40) => kept.slice(-n).join("\n") };
}

/** Starts a peer server: `import(reach/peers/<lib>.mjs).start({port, allowedOrigin})`. */
export async function startPeer({ lib, reachDir, port, allowedOrigin, label }) {
  const mod = await import(pathToFileURL(path.join(reachDir, 'peers', LIBS[lib].peer)).href);
  const opts = { port };
  if (allowedOrigin) opts.allowedOrigin = allowedOrigin;
  const server = await withTimeout(mod.start(opts), STARTUP_MS, `${label}: peer ${lib} to start`);
  if (!server || typeof server.stop !== 'function') {
    throw new Error(`${label}: reach/peers/${LIBS[lib].peer} start() returned no {stop()}`);
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
  };
  onCleanup(stop);
  return { port: Number.isInteger(server.port) && server.port > 0 ? server.port : port, stop, logText: () => '' };
}
