/**
 * The websocket probe and upgrade of an existing session (docs/protocol.md section 7).
 *
 * Why this module exists: moving a session onto a WebSocket without losing, repeating or
 * reordering anything takes a precise sequence, kept here in one place:
 * 1. open `GET P/websocket?sid=S&rx=N&n=K` while the current transport keeps working (polls
 *    made meanwhile reuse `n` = K, which the server accepts, so that none is newer than the
 *    probe and makes its upgrade stale);
 * 2. send `{"type":"ping","probe":true}` and wait for the probe pong (within the probe timeout);
 * 3. hold the HTTP uplink, and wait until no POST and no poll is in flight (the server answers a
 *    held poll at once while a probe is open);
 * 4. send `{"type":"upgrade","rx":N}` with the current rx; the owner then makes the WebSocket the
 *    downlink and uplink and sends again everything the server has not acknowledged.
 * Any failure before step 4 closes only the probe WebSocket; the session carries on as before.
 */

import { Outbox } from "./outbox.js";
import { Platform, TimerHandle } from "./platform.js";
import { PollingTransport } from "./transports/polling.js";
import { Packet } from "./codec.js";
import { Transport, TransportEnd } from "./transports/transport.js";
import { WebSocketTransport } from "./transports/websocket.js";

/** What the probe needs from the session it upgrades. */
export interface ProbeHost {
  readonly platform: Platform;
  readonly outbox: Outbox;
  /** The current downlink. */
  current(): Transport | null;
  rx(): number;
  probeTimeout(): number;
  /** How long step 3 may take (an in-flight POST may need its whole timeout). */
  drainTimeout(): number;
  /** A round-trip time was measured. */
  measured(rtt: number): void;
  /** `upgrade` was sent on `ws`: it is now the session's transport. */
  upgraded(ws: WebSocketTransport): void;
}

export class WebsocketProbe {
  private readonly polling: PollingTransport | null;
  private draining = false;
  private sentAt = 0;
  private timer: TimerHandle | null = null;
  private over = false;

  constructor(
    private readonly host: ProbeHost,
    readonly ws: WebSocketTransport,
    private readonly done: (ok: boolean, end?: TransportEnd) => void,
  ) {
    const current = host.current();
    this.polling = current instanceof PollingTransport ? current : null;
  }

  start(): void {
    this.arm(this.host.probeTimeout(), "no probe answer in time");
    this.ws.start();
  }

  /** The probe WebSocket is open: step 2. */
  opened(): void {
    if (this.over) return;
    this.sentAt = this.host.platform.now();
    this.ws.send([{ body: { type: "ping", probe: true } }]);
  }

  /** Packets on the probe WebSocket: only the probe pong matters before `upgrade`. */
  packets(packets: Packet[]): void {
    for (let i = 0; i < packets.length && !this.over; i++) {
      const b = packets[i].body;
      if (b.type === "pong" && b.probe && !this.draining) this.answered();
    }
  }

  /** Step 3: hold the uplink and wait for the old paths to be quiet. */
  private answered(): void {
    this.host.measured(this.host.platform.now() - this.sentAt);
    this.draining = true;
    this.host.outbox.hold = true;
    this.arm(this.host.drainTimeout(), "the old uplink or poll did not finish in time");
    if (this.polling) this.polling.pause(() => this.tryUpgrade());
    this.tryUpgrade();
  }

  /** Step 4, as soon as no poll and no POST is in flight. Called again when either ends. */
  tryUpgrade(): void {
    if (this.over || !this.draining) return;
    if ((this.polling && this.polling.inFlight) || this.host.outbox.posting) return;
    this.finish();
    const rx = this.host.rx();
    this.ws.send([{ rx, body: { type: "upgrade" } }]);
    this.host.outbox.rxReported = Math.max(this.host.outbox.rxReported, rx);
    this.host.upgraded(this.ws);
    this.done(true);
  }

  /** The probe failed: close it; the session stays on its current transport. */
  fail(end: TransportEnd): void {
    if (this.over) return;
    this.abort();
    this.done(false, end);
  }

  /** Stops without calling `done`: closes the probe, releases the uplink, resumes polling. */
  abort(): void {
    if (this.over) return;
    this.finish();
    this.ws.close();
    this.host.outbox.hold = false;
    if (this.polling && this.host.current() === this.polling) this.polling.resume();
    this.host.outbox.flush();
  }

  private finish(): void {
    this.over = true;
    if (this.timer !== null) this.host.platform.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number, message: string): void {
    const platform = this.host.platform;
    if (this.timer !== null) platform.clearTimeout(this.timer);
    this.timer = platform.setTimeout(() => {
      this.timer = null;
      this.fail({ kind: "error", message });
    }, ms);
  }
}
