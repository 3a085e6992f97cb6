// Small shared pieces of the reach harness: bounded waits, free ports, line readers, and the
// registry of things to stop when the harness ends (normally, on failure, or on a signal).

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Rejects with `timed out after N ms: what` unless `promise` settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A deliberate pause: the idle time between two sends of a run (the issue asks for mostly idle
 * sessions). Never used to wait for something to happen.
 */
export function idle(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** `count` distinct free TCP ports on 127.0.0.1 (all held open until every one is known). */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve()))));
  }
}

/** Calls `onLine` for every complete line of a readable stream (the client tests' helper). */
export { lines } from '../../client-js/test/support/lines.mjs';

/**
 * Resolves once `test()` is true, re-checked on every change inside `dir` (inotify via
 * fs.watch) and at most every 250 ms as a safety net; rejects after `ms`.
 */
export function watchUntil(dir, test, ms, what) {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
      if (err) reject(err);
      else resolve();
    };
    const check = () => {
      try {
        if (test()) finish();
      } catch (e) {
        finish(e);
      }
    };
    let watcher;
    try {
      watcher = fs.watch(dir, { recursive: false }, check);
      watcher.on('error', () => {});
    } catch {
      watcher = undefined;
    }
    const poll = setInterval(check, 250);
    const timer = setTimeout(() => finish(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    check();
  });
}

/** Things to stop at the end, newest first; `stopAll` runs each once, whatever happens. */
const stoppers = [];
/** Synchronous last resorts (kill signals) for when the process exits without `stopAll`. */
const lastResorts = new Set();

export function onCleanup(stop, lastResort) {
  const entry = { stop, lastResort, done: false };
  stoppers.push(entry);
  if (lastResort) lastResorts.add(lastResort);
  return entry;
}

export async function stopAll() {
  while (stoppers.length) {
    const entry = stoppers.pop();
    if (entry.done) continue;
    entry.done = true;
    try {
      await withTimeout(Promise.resolve().then(entry.stop), 10_000, 'stopping a process');
    } catch (e) {
      console.error(`reach: cleanup: ${e.message}`);
      try {
        entry.lastResort?.();
      } catch {
        // already gone
      }
    }
    if (entry.lastResort) lastResorts.delete(entry.lastResort);
  }
}

function lastResortAll() {
  for (const kill of lastResorts) {
    try {
      kill();
    } catch {
      // already gone
    }
  }
  lastResorts.clear();
}
process.on('exit', lastResortAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`reach: ${signal}: stopping everything`);
    lastResortAll();
    process.exit(128 + { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal]);
  });
}

/** Copies every file of `from` (not recursive) into `to`. */
export function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from)) {
    const src = path.join(from, name);
    if (fs.statSync(src).isFile()) fs.copyFileSync(src, path.join(to, name));
  }
}
