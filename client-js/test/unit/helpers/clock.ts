// A manual clock: timers run only when a test advances time, in due order, so protocol
// timeouts (probe, verification, liveness, backoff) are tested exactly and instantly.

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock {
  private t = 0;
  private seq = 0;
  private ids = 0;
  private timers: Timer[] = [];
  /** Exceptions thrown by timer callbacks (the client rethrows listener errors this way). */
  readonly thrown: unknown[] = [];

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): number => {
    const id = ++this.ids;
    this.timers.push({ id, at: this.t + Math.max(0, ms || 0), seq: ++this.seq, fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== handle);
  };

  /** Number of pending timers. */
  get pending(): number {
    return this.timers.length;
  }

  private next(limit: number): Timer | null {
    let best: Timer | null = null;
    for (const x of this.timers) {
      if (x.at > limit) continue;
      if (!best || x.at < best.at || (x.at === best.at && x.seq < best.seq)) best = x;
    }
    return best;
  }

  /** Advances time by `ms`, running every timer that comes due (including new ones). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const x = this.next(end);
      if (!x) break;
      this.timers = this.timers.filter((y) => y !== x);
      this.t = Math.max(this.t, x.at);
      try {
        x.fn();
      } catch (e) {
        this.thrown.push(e);
      }
    }
    this.t = end;
  }

  /** Runs in small steps until `cond()` holds or `max` ms have passed; returns whether it held. */
  until(cond: () => boolean, max = 60_000, step = 1): boolean {
    for (let waited = 0; waited <= max; waited += step) {
      if (cond()) return true;
      this.advance(step);
    }
    return cond();
  }
}
