/**
 * The uplink half of a session: numbering, retention until the server's `rx` covers a packet,
 * and sending on whichever uplink is current (the WebSocket, or `POST P/send`).
 *
 * Why this module exists: exactly-once delivery to the server rests on three rules kept here
 * (docs/protocol.md section 3): every sequenced packet is kept until acknowledged; after any
 * uplink change everything above the server's last `rx` is sent again; on HTTP at most one POST
 * is in flight, and a POST that fails without an answer is sent again. It never decides when
 * the uplink changes (`connection.ts` does) and never looks at what a packet means.
 */

import { utf8Length } from "./bytes.js";
import { Body, encodeBatch, encodeText, Packet } from "./codec.js";
import { Platform, TimerHandle } from "./platform.js";
import { Endpoint } from "./url.js";
import { TransportEnd } from "./transports/transport.js";
import { post, PostHandle, sendResponseRx } from "./transports/uplink.js";
import { WebSocketTransport } from "./transports/websocket.js";

/** A sequenced packet kept until the server acknowledges it. */
interface Retained {
  seq: number;
  body: Body;
}

/** What the outbox needs from its session. */
export interface OutboxHooks {
  /** The client's current rx, piggybacked on every packet sent. */
  rx(): number;
  /** A POST ended with an HTTP error that is about the session (404, 400, 403, 413). */
  failed(end: TransportEnd): void;
  /** No POST is in flight any more. */
  idle(): void;
}

/** Settings of the uplink. */
export interface OutboxSettings {
  platform: Platform;
  endpoint: Endpoint;
  sid: string;
  maxPayload: number;
  /** How long a POST may take before it counts as failed. */
  timeout: number;
  withCredentials: boolean;
}

export class Outbox {
  private seq = 0;
  private peerRx = 0;
  private sentUpTo = 0;
  private retained: Retained[] = [];
  private control: Body[] = [];
  private uplink: WebSocketTransport | "http" | null = null;
  private postHandle: PostHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private failures = 0;
  private stopped = false;
  /** The last batch (ending with a close packet), waiting for the POST in flight. */
  private finalBatch: Packet[] | null = null;
  /** The highest rx sent to the server so far. */
  rxReported = 0;
  /** While set, nothing is sent on HTTP (a websocket upgrade is being completed). */
  hold = false;

  constructor(
    private readonly s: OutboxSettings,
    private readonly hooks: OutboxHooks,
  ) {}

  /** Whether a POST is in flight. */
  get posting(): boolean {
    return this.postHandle !== null;
  }

  /** Whether sending is possible right now (an uplink is attached and not held). */
  get ready(): boolean {
    if (this.stopped || this.uplink === null) return false;
    if (this.uplink === "http") return !this.hold;
    return this.uplink.ready;
  }

  /** Bytes `body` takes on the wire, with room for `seq` and `rx`. */
  size(body: Body): number {
    return utf8Length(encodeText({ seq: 1, body })) + 40;
  }

  /** Numbers, retains and sends a sequenced packet; returns its seq. */
  pushSequenced(body: Body): number {
    this.seq++;
    this.retained.push({ seq: this.seq, body });
    this.flush();
    return this.seq;
  }

  /** Queues a control packet (pong, noop, ping) and sends it when possible. */
  pushControl(body: Body): void {
    this.control.push(body);
    this.flush();
  }

  /** The server has received everything up to `rx`. */
  acked(rx: number): void {
    if (rx <= this.peerRx) return;
    this.peerRx = rx;
    let i = 0;
    while (i < this.retained.length && this.retained[i].seq <= rx) i++;
    if (i > 0) this.retained.splice(0, i);
    if (this.sentUpTo < rx) this.sentUpTo = rx;
  }

  /** From now on the uplink is `ws`; everything unacknowledged is sent again on it. */
  useWebsocket(ws: WebSocketTransport): void {
    this.uplink = ws;
    this.hold = false;
    this.sentUpTo = this.peerRx;
    this.flush();
  }

  /** From now on the uplink is `POST P/send` (if it was not already). */
  useHttp(): void {
    if (this.uplink !== "http") {
      this.uplink = "http";
      this.sentUpTo = this.peerRx;
    }
    this.flush();
  }

  /** The uplink is gone (its WebSocket died); packets wait for the next one. */
  detach(ws: WebSocketTransport): void {
    if (this.uplink === ws) this.uplink = null;
  }

  /** Bodies of the retained (unacknowledged) packets, oldest first. */
  unacked(): Body[] {
    const out: Body[] = [];
    for (let i = 0; i < this.retained.length; i++) out.push(this.retained[i].body);
    return out;
  }

  private stamp(bodies: Body[], fromSeq: Retained[]): Packet[] {
    const rx = this.hooks.rx();
    const out: Packet[] = [];
    for (let i = 0; i < bodies.length; i++) out.push({ rx, body: bodies[i] });
    for (let i = 0; i < fromSeq.length; i++) out.push({ seq: fromSeq[i].seq, rx, body: fromSeq[i].body });
    if (rx > this.rxReported) this.rxReported = rx;
    return out;
  }

  private unsent(): Retained[] {
    const out: Retained[] = [];
    for (let i = 0; i < this.retained.length; i++) {
      if (this.retained[i].seq > this.sentUpTo) out.push(this.retained[i]);
    }
    return out;
  }

  /** Sends what is pending, if the uplink allows it now. */
  flush(): void {
    if (this.stopped || this.uplink === null) return;
    if (this.uplink !== "http") {
      if (!this.uplink.ready) return;
      const seqd = this.unsent();
      if (!seqd.length && !this.control.length) return;
      const packets = this.stamp(this.control.splice(0, this.control.length), seqd);
      if (this.uplink.send(packets)) this.sentUpTo = this.seq;
      return;
    }
    if (this.hold || this.postHandle || this.retryTimer !== null) return;
    const max = this.s.maxPayload;
    const controls: Body[] = [];
    const seqd: Retained[] = [];
    let size = 0;
    while (this.control.length) {
      const len = this.size(this.control[0]) + 1;
      if (size && size + len > max) break;
      controls.push(this.control.shift() as Body);
      size += len;
    }
    const pending = this.unsent();
    for (let i = 0; i < pending.length; i++) {
      const len = this.size(pending[i].body) + 1;
      if (size && size + len > max) break;
      seqd.push(pending[i]);
      size += len;
    }
    if (!controls.length && !seqd.length) return;
    const packets = this.stamp(controls, seqd);
    if (seqd.length) this.sentUpTo = seqd[seqd.length - 1].seq;
    this.postBatch(packets, controls, false);
  }

  private postBatch(packets: Packet[], controls: Body[], final: boolean): void {
    const s = this.s;
    const url = s.endpoint.http("send", { sid: s.sid });
    this.postHandle = post(s.platform, url, encodeBatch(packets), s.timeout, s.withCredentials, (r) => {
      this.postHandle = null;
      if (this.finalBatch) {
        const last = this.finalBatch;
        this.finalBatch = null;
        this.postBatch(last, [], true);
        return;
      }
      if (final || this.stopped) return;
      if (r.ok) {
        this.failures = 0;
        const rx = sendResponseRx(r.text);
        if (rx !== null) this.acked(rx);
        this.flush();
        this.hooks.idle();
        return;
      }
      const status = r.end.status;
      if (status === 400 || status === 403 || status === 404 || status === 413) {
        this.hooks.failed(r.end);
        return;
      }
      // No answer (or a server error): send the same packets again, a little later.
      this.control = controls.concat(this.control);
      this.sentUpTo = this.peerRx;
      this.failures++;
      const delay = Math.min(2000, 100 * Math.pow(2, this.failures));
      this.retryTimer = s.platform.setTimeout(() => {
        this.retryTimer = null;
        this.flush();
      }, delay);
      this.hooks.idle();
    });
  }

  /**
   * Sends what is unsent followed by `last` (a close packet) once, best effort, and stops.
   * A POST in flight is left to finish; the final one follows it at once.
   */
  finish(last: Body): void {
    if (this.stopped) return;
    const all = this.stamp(this.control.splice(0, this.control.length), this.unsent());
    all.push({ body: last });
    this.stop(false);
    if (this.uplink !== null && this.uplink !== "http") {
      this.uplink.send(all);
    } else if (this.postHandle) {
      this.finalBatch = all;
    } else if (this.s.platform.request) {
      this.postBatch(all, [], true);
    }
  }

  /** Stops sending; aborts a POST in flight unless `keepPost`. */
  stop(abortPost = true): void {
    this.stopped = true;
    if (this.retryTimer !== null) this.s.platform.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (abortPost && this.postHandle) {
      const h = this.postHandle;
      this.postHandle = null;
      h.abort();
    }
  }
}
