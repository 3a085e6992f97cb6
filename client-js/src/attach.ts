/**
 * Attaching an HTTP downlink (`sse`, `streaming`, `polling`) to an existing session, with the
 * buffering check.
 *
 * Why this module exists: a streaming response that a proxy buffers looks healthy (headers
 * arrive) but delivers nothing. So, when asked to verify, the attach sends a ping on the uplink
 * once the new downlink is open and succeeds only when the server's pong arrives on that new
 * downlink within the probe timeout. A failed attempt closes its transport; the owner decides
 * what comes next. Requesting the downlink is what replaces the old one on the server ("newer
 * wins", with a higher `n`), and its `rx` makes the server replay what the client misses.
 */

import { Outbox } from "./outbox.js";
import { Platform, TimerHandle } from "./platform.js";
import { Transport } from "./transports/transport.js";

/** What the attach needs from its session. */
export interface AttachHost {
  readonly platform: Platform;
  readonly outbox: Outbox;
  probeTimeout(): number;
  /** How long an unverified downlink may take to open. */
  openTimeout(): number;
  /** Sends the verification ping (and notes when, for the RTT). */
  verifyPing(): void;
  /** The attempt succeeded: `t` is now the session's downlink. */
  downlinkAttached(t: Transport): void;
}

export class HttpAttach {
  private verifying = false;
  private timer: TimerHandle | null = null;
  private over = false;

  constructor(
    private readonly host: AttachHost,
    readonly t: Transport,
    private readonly verify: boolean,
    private readonly done: (ok: boolean) => void,
  ) {}

  start(): void {
    this.arm(this.verify ? this.host.probeTimeout() : this.host.openTimeout());
    this.t.start();
  }

  /** The server has attached the new downlink; the HTTP uplink is the session's uplink now. */
  opened(): void {
    if (this.over) return;
    this.host.outbox.useHttp();
    if (!this.verify) return this.succeed();
    this.verifying = true;
    // No pong on the new downlink in time: a buffering proxy holds it back.
    this.arm(this.host.probeTimeout());
    this.host.verifyPing();
  }

  /** A pong arrived on this attempt's downlink. */
  pong(): void {
    if (this.verifying && !this.over) this.succeed();
  }

  /** The attempt failed (timeout, error, buffering): close it and report. */
  fail(): void {
    if (this.over) return;
    this.abort();
    this.done(false);
  }

  /** Stops without reporting. */
  abort(): void {
    if (this.over) return;
    this.finish();
    this.t.close();
  }

  private succeed(): void {
    this.finish();
    this.host.downlinkAttached(this.t);
    this.done(true);
  }

  private finish(): void {
    this.over = true;
    if (this.timer !== null) this.host.platform.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    const platform = this.host.platform;
    if (this.timer !== null) platform.clearTimeout(this.timer);
    this.timer = platform.setTimeout(() => {
      this.timer = null;
      this.fail();
    }, ms);
  }
}
