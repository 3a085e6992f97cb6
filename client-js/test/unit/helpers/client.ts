// Builds a socket under test on the fake server and manual clock, recording its events.

import { connectWith } from "../../../src/index.js";
import { Platform, StorageLike } from "../../../src/platform.js";
import { Socket } from "../../../src/socket.js";
import { SocketOptions } from "../../../src/types.js";
import { FakeClock } from "./clock.js";
import { FakeServer } from "./fake-server.js";

export const URL = "http://test.invalid/realtime";

export class MemoryStorage implements StorageLike {
  readonly data: { [k: string]: string } = {};
  getItem(k: string): string | null {
    return Object.prototype.hasOwnProperty.call(this.data, k) ? this.data[k] : null;
  }
  setItem(k: string, v: string): void {
    this.data[k] = v;
  }
  removeItem(k: string): void {
    delete this.data[k];
  }
}

export interface Harness {
  clock: FakeClock;
  server: FakeServer;
  socket: Socket;
  /** Lifecycle events in order: [name, ...args]. */
  events: unknown[][];
  /** Names of the `transport` events. */
  transports(): string[];
  names(): string[];
}

export function setup(
  options: SocketOptions = {},
  platform: Partial<Platform> = {},
  prepare?: (server: FakeServer) => void,
  existing?: { clock: FakeClock; server: FakeServer },
): Harness {
  const clock = existing ? existing.clock : new FakeClock();
  const server = existing ? existing.server : new FakeServer(clock);
  if (prepare) prepare(server);
  const p = server.platform(platform);
  const socket = connectWith(() => p, URL, { reconnect: { minDelay: 100, maxDelay: 1000 }, ...options });
  const events: unknown[][] = [];
  for (const name of ["connect", "disconnect", "connect_error", "reconnect_attempt", "reconnect", "transport", "error"] as const) {
    socket.on(name, (...args: unknown[]) => events.push([name, ...args]));
  }
  return {
    clock,
    server,
    socket,
    events,
    transports: () => events.filter((e) => e[0] === "transport").map((e) => e[1] as string),
    names: () => events.map((e) => e[0] as string),
  };
}
