// The browser bundle (dist/tramline.iife.js, made by `npm run build`): it parses as ES5 and,
// evaluated in a bare context, defines the global Tramline with connect; the platform is
// detected at connect time (a WebSocket added after loading is used; one deleted is not).

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import * as acorn from "acorn";

const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = path.resolve(here, "../../../dist/tramline.iife.js");

function load(): { ctx: vm.Context; Tramline: { connect: (url: string, o?: unknown) => unknown; browserPlatform: () => { WebSocket?: unknown; EventSource?: unknown; request?: unknown } } } {
  assert.ok(existsSync(bundle), "dist/tramline.iife.js is missing: run `npm run build` first");
  const timers: (() => void)[] = [];
  const ctx = vm.createContext({
    setTimeout: (fn: () => void) => timers.push(fn),
    clearTimeout: () => undefined,
  });
  ctx.window = ctx;
  ctx.__run = () => timers.splice(0).forEach((f) => f());
  vm.runInContext(readFileSync(bundle, "utf8"), ctx, { filename: "tramline.iife.js" });
  return { ctx, Tramline: ctx.Tramline };
}

test("the IIFE bundle parses as ES5", () => {
  assert.ok(existsSync(bundle), "dist/tramline.iife.js is missing: run `npm run build` first");
  const code = readFileSync(bundle, "utf8");
  assert.doesNotThrow(() => acorn.parse(code, { ecmaVersion: 5, sourceType: "script" }));
  assert.throws(() => acorn.parse("let x = () => 1;", { ecmaVersion: 5 }), "acorn really checks ES5");
});

test("evaluated in a bare context it defines Tramline.connect", () => {
  const { Tramline } = load();
  assert.equal(typeof Tramline, "object");
  assert.equal(typeof Tramline.connect, "function");
});

test("the platform is read at connect time, not at load time", () => {
  const { ctx, Tramline } = load();
  assert.equal(Tramline.browserPlatform().WebSocket, undefined);
  const created: string[] = [];
  ctx.WebSocket = function (this: { url: string }, url: string) {
    created.push(url);
    this.url = url;
  };
  assert.equal(typeof Tramline.browserPlatform().WebSocket, "function");
  const socket = Tramline.connect("http://example.invalid/realtime", { transports: ["websocket"] }) as { connected: boolean };
  ctx.__run();
  assert.deepEqual(created, ["ws://example.invalid/realtime/websocket"]);
  assert.equal(socket.connected, false);
  delete ctx.WebSocket;
  assert.equal(Tramline.browserPlatform().WebSocket, undefined);
});
