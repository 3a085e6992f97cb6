// Self-test of the Socket.IO and SockJS peers and their pages, without nginx.
//   node reach/peers/selftest.mjs        (needs `npm ci` in reach/ and /usr/bin/chromium)
// Starts each peer with allowedOrigin = a static page server A, loads reach/pages/<lib>/ from A
// in Chromium, drives window.reach (start, send 1..3, all echoes back), then checks every
// forced transport from A (must work) and from a second static server C (must be refused),
// plus a raw WebSocket upgrade from node with a good and a bad Origin header.
// Exit code 0 when every check passed.
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as socketioPeer from "./socketio.mjs";
import * as sockjsPeer from "./sockjs.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const reachDir = path.resolve(here, "..");
const BUNDLES = {
  "socket.io.min.js": "node_modules/socket.io-client/dist/socket.io.min.js",
  "sockjs.min.js": "node_modules/sockjs-client/dist/sockjs.min.js",
};
const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-quic",
  "--disable-sync",
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const srv = http.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

// Serves /<lib>/ -> reach/pages/<lib>/index.html and /<lib>/<bundle> -> node_modules copy.
async function staticServer() {
  const srv = http.createServer((req, res) => {
    const p = new URL(req.url, "http://x").pathname;
    const m = /^\/(socketio|sockjs)\/(index\.html|[a-z.]+\.js)?$/.exec(p);
    let file = null;
    if (m && (!m[2] || m[2] === "index.html")) file = path.join(reachDir, "pages", m[1], "index.html");
    else if (m && BUNDLES[m[2]]) file = path.join(reachDir, BUNDLES[m[2]]);
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": file.endsWith(".html") ? "text/html; charset=utf-8" : "application/javascript",
      "cache-control": "no-store",
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  srv.origin = `http://127.0.0.1:${srv.address().port}`;
  return srv;
}

// Raw WebSocket upgrade from node: resolves with the HTTP status (101 on success).
function rawUpgrade(port, pathAndQuery, origin) {
  return new Promise((resolve) => {
    const req = http.request({
      host: "127.0.0.1",
      port,
      path: pathAndQuery,
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        Origin: origin,
      },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", (e) => resolve("error " + e.code));
    req.setTimeout(5000, () => {
      req.destroy();
      resolve("timeout");
    });
    req.end();
  });
}

const results = [];
function check(name, ok, detail) {
  results.push({ name, ok, detail });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? "  " + detail : ""}`);
}

// Raw HTTP request from node: resolves with the status.
function rawRequest(port, method, pathAndQuery, headers) {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: pathAndQuery, headers });
    req.on("response", (res) => {
      res.destroy();
      resolve(res.statusCode);
    });
    req.on("error", (e) => resolve("error " + e.code));
    req.setTimeout(3000, () => {
      req.destroy();
      resolve("timeout");
    });
    req.end(method === "POST" ? "[]" : undefined);
  });
}

// In-page probes of one forced transport (runs in the browser).
async function probeSocketio(page, endpoint, transport) {
  return page.evaluate(
    ({ endpoint, transport }) =>
      new Promise((resolve) => {
        const out = { opened: false, transport: "", echoed: false, errors: [] };
        const s = io(endpoint, { transports: [transport], withCredentials: true, reconnection: false, forceNew: true });
        const done = () => {
          s.close();
          resolve(out);
        };
        const timer = setTimeout(done, 6000);
        s.on("connect_error", (e) => {
          out.errors.push(String(e && e.message));
          clearTimeout(timer);
          done();
        });
        s.on("connect", () => {
          out.opened = true;
          out.transport = s.io.engine.transport.name;
          s.emit("say", 42, () => {});
        });
        s.on("message", (n) => {
          if (n === 42) {
            out.echoed = true;
            clearTimeout(timer);
            done();
          }
        });
      }),
    { endpoint, transport },
  );
}

async function probeSockjs(page, endpoint, transport) {
  return page.evaluate(
    ({ endpoint, transport }) =>
      new Promise((resolve) => {
        const out = { opened: false, transport: "", echoed: false, errors: [] };
        const s = new SockJS(endpoint + "/sockjs", null, { transports: [transport] });
        let finished = false;
        const done = () => {
          if (finished) return;
          finished = true;
          try {
            s.close();
          } catch {}
          resolve(out);
        };
        const timer = setTimeout(() => {
          out.errors.push("timeout");
          done();
        }, 12000);
        s.onopen = () => {
          out.opened = true;
          out.transport = String(s.transport);
          s.send(JSON.stringify({ n: 42 }));
        };
        s.onmessage = (e) => {
          if (JSON.parse(e.data).n === 42) {
            out.echoed = true;
            clearTimeout(timer);
            done();
          }
        };
        s.onclose = (e) => {
          out.errors.push(`close ${e.code} ${e.reason}`);
          clearTimeout(timer);
          done();
        };
      }),
    { endpoint, transport },
  );
}

const LIBS = [
  {
    name: "socketio",
    peer: socketioPeer,
    transports: ["polling", "websocket"],
    probe: probeSocketio,
    wsPath: "/socket.io/?EIO=4&transport=websocket",
    settleMs: 1500, // let the polling -> websocket upgrade happen before reading the transport
  },
  {
    name: "sockjs",
    peer: sockjsPeer,
    transports: [
      "websocket",
      "xhr-streaming",
      "eventsource",
      "iframe-eventsource",
      "iframe-htmlfile",
      "xhr-polling",
      "iframe-xhr-polling",
      "jsonp-polling",
    ],
    probe: probeSockjs,
    wsPath: "/sockjs/000/selftest/websocket",
    settleMs: 0,
  },
];

async function runLib(browser, lib, pageA, pageC) {
  const port = await freePort();
  const peer = await lib.peer.start({ port, allowedOrigin: pageA.origin });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    // 1. the page API, allowed origin
    {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${pageA.origin}/${lib.name}/`);
      await page.evaluate((endpoint) => window.reach.start({ endpoint, credentials: true }), endpoint);
      let connected = true;
      try {
        await page.waitForFunction(() => window.reach.state.connected, null, { timeout: 10000 });
      } catch {
        connected = false;
      }
      if (lib.settleMs) await sleep(lib.settleMs);
      for (let n = 1; n <= 3; n++) {
        await page.evaluate((n) => window.reach.send(n), n);
        await sleep(200);
      }
      try {
        await page.waitForFunction(() => [1, 2, 3].every((n) => window.reach.state.received.includes(n)), null, {
          timeout: 10000,
        });
      } catch {}
      const st = await page.evaluate(() => JSON.parse(JSON.stringify(window.reach.state)));
      const ok = connected && st.received.join(",") === "1,2,3";
      check(
        `${lib.name} page, allowed origin: connect + echo 1..3`,
        ok,
        `transport=${st.transport} firstEventMs=${st.firstEventMs} received=[${st.received}] acked=[${st.acked}] errors=${JSON.stringify(st.errors)}`,
      );
      await ctx.close();
    }
    // 2. the page API, disallowed origin
    {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${pageC.origin}/${lib.name}/`);
      await page.evaluate((endpoint) => window.reach.start({ endpoint, credentials: true }), endpoint);
      await sleep(4000);
      for (let n = 1; n <= 3; n++) await page.evaluate((n) => window.reach.send(n), n);
      await sleep(2000);
      const st = await page.evaluate(() => JSON.parse(JSON.stringify(window.reach.state)));
      check(
        `${lib.name} page, disallowed origin: refused`,
        !st.connected && st.received.length === 0 && st.transport === "",
        `connected=${st.connected} received=[${st.received}] errors=${JSON.stringify(st.errors.slice(0, 3))}${st.errors.length > 3 ? `… (${st.errors.length})` : ""}`,
      );
      await ctx.close();
    }
    // 3. every transport forced, from both origins (concurrently)
    const probes = [];
    for (const [origin, allowed] of [
      [pageA.origin, true],
      [pageC.origin, false],
    ]) {
      for (const t of lib.transports) {
        probes.push(
          (async () => {
            const ctx = await browser.newContext();
            const page = await ctx.newPage();
            await page.goto(`${origin}/${lib.name}/`);
            const r = await lib.probe(page, endpoint, t);
            await ctx.close();
            const ok = allowed ? r.opened && r.echoed && r.transport === t : !r.opened && !r.echoed;
            return [
              `${lib.name} forced ${t}, ${allowed ? "allowed origin: works" : "disallowed origin: refused"}`,
              ok,
              `opened=${r.opened} transport=${r.transport} echoed=${r.echoed} errors=${JSON.stringify(r.errors)}`,
            ];
          })(),
        );
      }
    }
    for (const r of await Promise.all(probes)) check(...r);
    // 4. raw WebSocket upgrade from node with an Origin header
    const good = await rawUpgrade(port, lib.wsPath, pageA.origin);
    const bad = await rawUpgrade(port, lib.wsPath, pageC.origin);
    check(`${lib.name} raw websocket upgrade, allowed Origin -> 101`, good === 101, `status=${good}`);
    check(`${lib.name} raw websocket upgrade, other Origin -> refused`, bad !== 101, `status=${bad}`);
    // 5. sockjs: the origin check is path-agnostic; hit each transport URL directly (skipping /info)
    if (lib.name === "sockjs") {
      const reqs = [
        ["GET", "/sockjs/info"],
        ["GET", "/sockjs/iframe.html"],
        ["POST", "/sockjs/000/raw1/xhr_streaming"],
        ["POST", "/sockjs/000/raw2/xhr"],
        ["GET", "/sockjs/000/raw3/eventsource"],
        ["GET", "/sockjs/000/raw4/htmlfile?c=cb"],
        ["GET", "/sockjs/000/raw5/jsonp?c=cb"],
      ];
      for (const [method, p] of reqs) {
        const viaReferer = method === "GET" && !p.endsWith("/info") && !p.endsWith("/eventsource");
        const h = (o) => (viaReferer ? { Referer: o + "/sockjs/" } : { Origin: o });
        const okA = await rawRequest(port, method, p, h(pageA.origin));
        const okC = await rawRequest(port, method, p, h(pageC.origin));
        check(
          `sockjs raw ${method} ${p} (${viaReferer ? "Referer" : "Origin"}): allowed served, other 403`,
          okA !== 403 && okC === 403,
          `allowed=${okA} other=${okC}`,
        );
      }
    }
  } finally {
    const t = Date.now();
    await peer.stop();
    check(`${lib.name} stop()`, Date.now() - t < 2500, `${Date.now() - t} ms`);
  }
}

async function main() {
  for (const f of Object.values(BUNDLES)) {
    if (!fs.existsSync(path.join(reachDir, f))) {
      console.error(`missing ${f}: run npm ci in ${reachDir}`);
      process.exit(2);
    }
  }
  const pageA = await staticServer();
  const pageC = await staticServer();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "reach-peers-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  const browser = context.browser() ?? {
    // persistent contexts have no Browser object: hand out fresh pages in the one context
    newContext: async () => {
      const pages = [];
      return {
        newPage: async () => {
          const p = await context.newPage();
          pages.push(p);
          return p;
        },
        close: async () => {
          for (const p of pages) await p.close();
        },
      };
    },
  };
  try {
    await Promise.all(LIBS.map((lib) => runLib(browser, lib, pageA, pageC)));
  } finally {
    await context.close();
    pageA.close();
    pageC.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\n${results.length - failed.length}/${results.length} checks passed`);
  if (process.env.SELFTEST_NO_EXIT) process.exitCode = failed.length ? 1 : 0;
  else process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
