// Compile-time checks of the typed event maps (this file fails `tsc` if the types regress),
// plus a runtime smoke test so the runner counts it. `@ts-expect-error` lines must stay errors.

import assert from "node:assert/strict";
import { test } from "node:test";

import { connectWith, Socket, TramlineError } from "../../src/index.js";
import { FakeClock } from "./helpers/clock.js";
import { FakeServer } from "./helpers/fake-server.js";
import { URL } from "./helpers/client.js";

interface Message {
  room: string;
  from: string;
  text: string;
  id: number;
  ts: number;
}

/** Server → client: arguments → ack value (`void`: no ack). */
interface ServerEvents {
  message: (msg: Message) => void;
  question: (q: { n: number }) => number;
}

/** Client → server. */
interface ClientEvents {
  nick: (a: { name: string }) => { ok: boolean };
  join: (a: { room: string }) => { ok: boolean; room?: string; members?: string[] };
  say: (a: { room: string; text: string }) => { ok: boolean; id?: number };
  cursor: (p: { x: number; y: number }) => void;
}

function typed(socket: Socket<ServerEvents, ClientEvents>): void {
  socket.on("message", (msg) => {
    const text: string = msg.text;
    void text;
  });
  socket.on("question", (q, reply) => reply(q.n * 2));
  socket.on("disconnect", (reason, detail) => {
    const r: string = reason;
    const again: boolean = detail.reconnect;
    void r;
    void again;
  });
  socket.on("transport", (name) => {
    const n: "websocket" | "sse" | "streaming" | "polling" = name;
    void n;
  });
  socket.emit("say", { room: "r", text: "hi" }, (ack) => {
    const ok: boolean = ack.ok;
    void ok;
  });
  socket.timeout(1000).emit("say", { room: "r", text: "hi" }, (err, ack) => {
    const e: TramlineError | null = err;
    const ok: boolean = ack.ok;
    void [e, ok];
  });
  const p: Promise<{ ok: boolean; room?: string; members?: string[] }> = socket.emitWithAck("join", { room: "r" });
  const q: Promise<{ ok: boolean }> = socket.timeout(5000).emitWithAck("nick", { name: "n" });
  void [p, q];
  // @ts-expect-error: the error-first callback belongs to timeout(ms).emit
  socket.emit("say", { room: "r", text: "hi" }, (err: TramlineError | null, ack: { ok: boolean }) => void [err, ack]);
  socket.volatile.emit("cursor", { x: 1, y: 2 });
  // @ts-expect-error: unknown event
  socket.emit("shout", 1);
  // @ts-expect-error: wrong argument type
  socket.emit("nick", { name: 42 });
  // @ts-expect-error: reserved names cannot be emitted
  socket.emit("connect");
  // @ts-expect-error: the reply must be a number
  socket.on("question", (_q, reply) => reply("no"));
}

function untyped(socket: Socket): void {
  socket.on("anything", (a: { x: number }, b: string) => void [a, b]);
  socket.emit("anything", 1, "two", { three: 3 });
  socket.emit("with-ack", 1, (value: unknown) => void value);
  socket.emit("with-ack", 1, (a: unknown, b: unknown) => void [a, b]);
  socket.timeout(100).emit("with-ack", 1, (err: TramlineError | null, a: unknown, b: unknown) => void [err, a, b]);
  socket.send("hi", 2);
  const p: Promise<unknown> = socket.emitWithAck("x");
  void p;
}

test("typed and untyped sockets compile (see the file) and connect", () => {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const p = server.platform();
  const socket = connectWith<ServerEvents, ClientEvents>(() => p, URL, {});
  // The functions above are checked by the compiler; they are not meant to run.
  assert.equal(typeof typed, "function");
  assert.equal(typeof untyped, "function");
  assert.ok(clock.until(() => socket.connected));
});
