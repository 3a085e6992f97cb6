// Starts and stops the real chat server binary (examples/chat) for the end-to-end and browser
// tests. The binary is built by scripts/test (`cargo build -p example-chat`) before the tests
// run; tests never call cargo. Its path comes from TRAMLINE_CHAT_BIN, by default
// ../target/debug/example-chat relative to client-js.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { lines } from './lines.mjs';

const CLIENT_JS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The chat binary the tests run. */
export const CHAT_BIN = process.env.TRAMLINE_CHAT_BIN
  ? path.resolve(process.cwd(), process.env.TRAMLINE_CHAT_BIN)
  : path.resolve(CLIENT_JS, '../target/debug/example-chat');

const STARTUP_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LINES_KEPT = 400;

/** Every server started by this process, killed on exit even if a test forgot to. */
const running = new Set();
function killAll() {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

/**
 * Starts the chat server and resolves once it printed its "chat on http://..." line.
 *
 * @param {object} [opts]
 * @param {number} [opts.port]  port to listen on; 0 (default) lets the system choose a free one
 * @param {number} [opts.pingIntervalMs]
 * @param {number} [opts.pingTimeoutMs]
 * @param {string} [opts.rustLog]  RUST_LOG for the server (default "info")
 * @returns {Promise<ChatServer>}
 */
export async function startChat(opts = {}) {
  if (!existsSync(CHAT_BIN)) {
    throw new Error(
      `chat server binary not found at ${CHAT_BIN}: run \`cargo build -p example-chat\` ` +
        'or set TRAMLINE_CHAT_BIN',
    );
  }
  const args = ['--listen', `127.0.0.1:${opts.port ?? 0}`];
  if (opts.pingIntervalMs) args.push('--ping-interval-ms', String(opts.pingIntervalMs));
  if (opts.pingTimeoutMs) args.push('--ping-timeout-ms', String(opts.pingTimeoutMs));
  const child = spawn(CHAT_BIN, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: opts.rustLog ?? process.env.RUST_LOG ?? 'info', NO_COLOR: '1' },
  });
  running.add(child);
  const server = new ChatServer(child, args);
  try {
    await server.ready;
  } catch (e) {
    await server.kill();
    throw e;
  }
  return server;
}

export class ChatServer {
  constructor(child, args) {
    this.child = child;
    this.args = args;
    /** @type {string[]} stdout and stderr lines, the last LOG_LINES_KEPT of them */
    this.log = [];
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`chat server did not print its address within ${STARTUP_TIMEOUT_MS} ms:\n${this.logText()}`));
      }, STARTUP_TIMEOUT_MS);
      const onLine = (line) => {
        const m = /chat on (http:\/\/[^/\s]+)\//.exec(line);
        if (m) {
          clearTimeout(timer);
          /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
          this.url = m[1];
          this.port = Number(new URL(this.url).port);
          /** The Tramline endpoint: the URL the clients connect to. */
          this.endpoint = `${this.url}/realtime`;
          resolve(this);
        }
      };
      lines(child.stdout, (line) => {
        this.keep(line);
        onLine(line);
      });
      lines(child.stderr, (line) => this.keep(line));
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${CHAT_BIN}: ${e.message}`));
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`chat server exited (code ${code}, signal ${signal}) before it was ready:\n${this.logText()}`));
      });
    });
    // Nobody may be listening for `ready` rejections after startup.
    this.ready.catch(() => {});
  }

  keep(line) {
    this.log.push(line);
    if (this.log.length > LOG_LINES_KEPT) this.log.splice(0, this.log.length - LOG_LINES_KEPT);
  }

  /** The server's recent output, for failure messages. */
  logText(last = 60) {
    return this.log.slice(-last).join('\n');
  }

  get running() {
    return this.exitStatus === undefined;
  }

  /**
   * Graceful stop: SIGINT makes the server close every session with 4503 and exit; SIGKILL
   * after STOP_TIMEOUT_MS if it has not.
   */
  async stop() {
    if (!this.running) return this.exitStatus;
    this.child.kill('SIGINT');
    let timer;
    const status = await Promise.race([
      this.exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (status) return status;
    return this.kill();
  }

  /** Abrupt stop (a crash): SIGKILL, no close packets. */
  async kill() {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}
