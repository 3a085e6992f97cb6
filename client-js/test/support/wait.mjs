// Waiting without sleeping: every wait here resolves on an event or on a condition that is
// re-checked when something happens, and rejects after a bounded timeout with a message that
// says what it was waiting for.

/** Rejects with `Error("timed out after N ms: what")` unless `promise` settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The names every recorder listens to: the client's lifecycle events and the chat's events. */
export const RECORDED_EVENTS = [
  'connect',
  'disconnect',
  'connect_error',
  'reconnect_attempt',
  'reconnect',
  'transport',
  'message',
  'joined',
  'left',
  'shared',
];

/**
 * Records what a client socket emits, in order, and lets a test wait for a condition over
 * that record. Conditions are re-checked after every recorded event (no polling).
 */
export class Recorder {
  constructor(socket, names = RECORDED_EVENTS) {
    this.socket = socket;
    /** @type {{name: string, args: unknown[], at: number, transport: unknown, id: unknown}[]} */
    this.events = [];
    this.waiters = new Set();
    for (const name of names) {
      socket.on(name, (...args) => this.push(name, args));
    }
  }

  push(name, args) {
    this.events.push({
      name,
      args,
      at: Date.now(),
      transport: this.socket.transport,
      id: this.socket.id,
    });
    for (const w of [...this.waiters]) w.check();
  }

  /** The first argument of every recorded `name` event, in order. */
  all(name) {
    return this.events.filter((e) => e.name === name).map((e) => e.args[0]);
  }

  count(name) {
    return this.events.filter((e) => e.name === name).length;
  }

  /** A short, readable history for failure messages. */
  summary(limit = 40) {
    const lines = this.events.map((e) => {
      const arg = e.args.length ? ` ${short(e.args[0])}` : '';
      return `${e.name}${arg} [transport=${String(e.transport)}]`;
    });
    const shown = lines.length > limit ? ['...', ...lines.slice(-limit)] : lines;
    return shown.join('\n  ');
  }

  /**
   * Resolves with the first truthy value of `predicate()`, checked now and after every
   * recorded event; rejects after `ms`.
   */
  waitFor(what, predicate, ms = 10_000) {
    const first = predicate();
    if (first) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          let value;
          try {
            value = predicate();
          } catch (e) {
            done();
            reject(e);
            return;
          }
          if (value) {
            done();
            resolve(value);
          }
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; events so far:\n  ${this.summary()}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** Waits for the next `name` event recorded after this call (or after index `from`). */
  next(name, ms = 10_000, from = this.events.length) {
    return this.waitFor(
      `event ${JSON.stringify(name)}`,
      () => {
        for (let i = from; i < this.events.length; i++) {
          if (this.events[i].name === name) return { args: this.events[i].args };
        }
        return null;
      },
      ms,
    ).then((found) => found.args);
  }

  /** Waits until the socket's current transport is `name` (checked on every event). */
  transportIs(name, ms = 10_000) {
    return this.waitFor(`transport ${name}`, () => this.socket.transport === name, ms);
  }
}

function short(value) {
  let s;
  try {
    s = JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  } catch {
    s = String(value);
  }
  if (s === undefined) s = String(value);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}
