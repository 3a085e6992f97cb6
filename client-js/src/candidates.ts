/**
 * Which transports a session may use, in which order, and the memory of the last one that
 * worked.
 *
 * Why this module exists: these are the pure parts of the negotiation policy (no timers, no
 * IO), kept apart from `negotiate.ts` so they can be read and tested on their own. A transport
 * is usable when the platform has what it needs (websocket: WebSocket; sse: EventSource and
 * HTTP for the uplink; streaming and polling: HTTP) and, once the handshake is known, when the
 * server allows it (websocket: also in `upgrades`, since coming back to it needs a probe).
 */

import { TRANSPORTS, TransportName } from "./codes.js";
import { Handshake } from "./codec.js";
import { Platform, StorageLike } from "./platform.js";

/** How long a remembered transport stays valid. */
export const MEMORY_TTL_MS = 24 * 60 * 60 * 1000;

/** The last transport that worked for one endpoint, kept in storage for `MEMORY_TTL_MS`. */
export class TransportMemory {
  private readonly key: string;

  constructor(
    private readonly storage: StorageLike | undefined,
    endpoint: string,
    private readonly now: () => number,
  ) {
    this.key = "tramline:transport:" + endpoint;
  }

  get(): TransportName | null {
    if (!this.storage) return null;
    try {
      const raw = this.storage.getItem(this.key);
      if (!raw) return null;
      const v = JSON.parse(raw) as { transport?: unknown; at?: unknown };
      const fresh = typeof v.at === "number" && this.now() - v.at < MEMORY_TTL_MS && this.now() >= v.at;
      if (fresh && TRANSPORTS.indexOf(v.transport as TransportName) >= 0) return v.transport as TransportName;
      this.storage.removeItem(this.key);
    } catch (_e) {
      // unreadable storage: remember nothing
    }
    return null;
  }

  set(name: TransportName): void {
    if (!this.storage) return;
    try {
      this.storage.setItem(this.key, JSON.stringify({ transport: name, at: this.now() }));
    } catch (_e) {
      // full or denied: remember nothing
    }
  }

  forget(): void {
    if (!this.storage) return;
    try {
      this.storage.removeItem(this.key);
    } catch (_e) {
      // denied
    }
  }
}

/** The transports of `list` this platform can run, in list order. */
export function usableTransports(list: TransportName[], platform: Platform): TransportName[] {
  const out: TransportName[] = [];
  for (let i = 0; i < list.length; i++) {
    const k = list[i];
    const ok =
      k === "websocket" ? !!platform.WebSocket
      : k === "sse" ? !!platform.EventSource && !!platform.request
      : !!platform.request;
    if (ok && out.indexOf(k) < 0) out.push(k);
  }
  return out;
}

/** The transports a session may use: usable here, allowed by the server, in list order. */
export function sessionKinds(usable: TransportName[], handshake: Handshake): TransportName[] {
  return usable.filter((k) =>
    k === "websocket"
      ? handshake.transports.indexOf(k) >= 0 && handshake.upgrades.indexOf(k) >= 0
      : handshake.transports.indexOf(k) >= 0,
  );
}


/** The transports of `kinds` listed before `name` (better ones). */
export function better(kinds: TransportName[], name: TransportName): TransportName[] {
  const i = kinds.indexOf(name);
  return i < 0 ? kinds.slice() : kinds.slice(0, i);
}
