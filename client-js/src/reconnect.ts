/**
 * Full-jitter exponential backoff for opening new sessions.
 *
 * Why this module exists: when a session is lost, every client of a restarted server tries to
 * reconnect at once; full jitter (a uniformly random delay up to an exponentially growing cap)
 * spreads them out. It only computes delays: `socket.ts` owns the timer and the events, and
 * the random source is injected so tests are exact.
 */

/** Reconnection options; every field has a default. */
export interface ReconnectOptions {
  /** Reconnect after a lost session or a failed connect (default `true`). */
  enabled?: boolean;
  /** Cap of the first delay, in ms (default 500). */
  minDelay?: number;
  /** Largest delay, in ms (default 10000). */
  maxDelay?: number;
  /** How many attempts in a row before giving up (default `Infinity`). */
  attempts?: number;
  /** Growth of the cap per attempt (default 2). */
  factor?: number;
}

/** `ReconnectOptions` with every default filled in. */
export interface ReconnectSettings {
  enabled: boolean;
  minDelay: number;
  maxDelay: number;
  attempts: number;
  factor: number;
}

/** Fills in defaults and checks ranges. */
export function reconnectSettings(o?: ReconnectOptions | boolean): ReconnectSettings {
  const opts: ReconnectOptions = typeof o === "boolean" ? { enabled: o } : o || {};
  const s: ReconnectSettings = {
    enabled: opts.enabled === undefined ? true : !!opts.enabled,
    minDelay: opts.minDelay === undefined ? 500 : opts.minDelay,
    maxDelay: opts.maxDelay === undefined ? 10000 : opts.maxDelay,
    attempts: opts.attempts === undefined ? Infinity : opts.attempts,
    factor: opts.factor === undefined ? 2 : opts.factor,
  };
  if (!(s.minDelay >= 0) || !(s.maxDelay >= s.minDelay) || !(s.factor >= 1) || !(s.attempts >= 0)) {
    throw new RangeError(
      "tramline: reconnect needs 0 <= minDelay <= maxDelay, factor >= 1 and attempts >= 0",
    );
  }
  return s;
}

/**
 * The delay before attempt number `attempt` (0 for the first): uniformly random in
 * `[0, min(maxDelay, minDelay * factor^attempt))`, rounded down to whole ms.
 */
export function backoffDelay(s: ReconnectSettings, attempt: number, random: () => number): number {
  const cap = Math.min(s.maxDelay, s.minDelay * Math.pow(s.factor, attempt));
  let r = random();
  if (!(r >= 0)) r = 0;
  if (r >= 1) r = 0.999999;
  return Math.floor(r * cap);
}

/** The attempt counter of one run of reconnections. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly settings: ReconnectSettings,
    private readonly random: () => number,
  ) {}

  /** Attempts made since the last `reset`. */
  get attempts(): number {
    return this.attempt;
  }

  /** The next attempt's number (from 1) and delay, or `null` when attempts are used up. */
  next(): { attempt: number; delay: number } | null {
    if (this.attempt >= this.settings.attempts) return null;
    const delay = backoffDelay(this.settings, this.attempt, this.random);
    this.attempt++;
    return { attempt: this.attempt, delay };
  }

  /** Starts over (after a successful connect). */
  reset(): void {
    this.attempt = 0;
  }
}
