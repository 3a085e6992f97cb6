#!/usr/bin/env node
// The reach suite (issue 4): a real nginx in front of Tramline's chat example, and of a
// Socket.IO and a SockJS server for comparison, in the setups of docs/deployment.md; headless
// Chromium loads each library's page, connects through nginx, exchanges events both ways over
// at least 30 s of mostly idle time, and the suite records the transport reached, the time to
// the first event, and lost or duplicated events. Tramline must pass every setup; the other
// libraries are recorded only.
//
//   node reach/run.mjs [--update-docs] [--setups=a,b] [--libs=a,b] [--keep]
//
// --update-docs  rewrite the table section of docs/deployment.md (between the reach markers)
// --setups/--libs run a subset (development); --keep  keep the temporary nginx prefixes
//
// Installs nothing (scripts/install-test-deps does: Debian's nginx and chromium, `npm ci` here).
// Needs the chat binary (TRAMLINE_CHAT_BIN, default target/debug/example-chat) and the
// client's IIFE build (client-js/dist/tramline.iife.js, `npm run build` in client-js).
// Every process it starts is stopped at the end, also on failure or a signal. Writes
// target/reach/report.md, target/reach/results.json and target/reach/logs/.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { LIBS, startChat, startPeer, unavailable } from './lib/backends.mjs';
import { launchChromium } from './lib/browser.mjs';
import { drive, SENDS } from './lib/drive.mjs';
import { nginxVersion, startNginx, writeConfig } from './lib/nginx.mjs';
import { renderReport, updateDocs } from './lib/report.mjs';
import { traceText } from './lib/trace.mjs';
import { copyDir, freePorts, onCleanup, stopAll, withTimeout } from './lib/util.mjs';

const REACH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(REACH, '..');
const SUITE_MS = 240_000;
const TRANSPORTS = ['websocket', 'sse', 'streaming', 'polling'];
/** How many runs may be setting up their connection at the same time (see connectSlots). */
const CONNECTING_AT_ONCE = 4;

/**
 * The setups (reach/nginx/<template>.conf) and what Tramline must end on in each. `kill`:
 * nginx is reloaded mid-session (worker_shutdown_timeout 1s closes the old worker's
 * connections, the WebSocket included).
 */
const SETUPS = [
  { name: 'pass', template: 'pass', expect: ['websocket'] },
  { name: 'no-upgrade', template: 'no-upgrade', expect: ['sse', 'streaming'] },
  { name: 'buffered', template: 'buffered', expect: ['polling'] },
  { name: 'idle-5s', template: 'idle-5s', expect: ['websocket'] },
  {
    name: 'idle-5s-kill',
    template: 'idle-5s',
    mainExtra: 'worker_shutdown_timeout 1s;',
    kill: true,
    expect: TRANSPORTS,
  },
  { name: 'cross-origin', template: 'cross-origin', cross: true },
];

/** The client bundle each page loads, copied next to its index.html at run time. */
const BUNDLES = {
  tramline: () => {
    const built = path.join(ROOT, 'client-js/dist/tramline.iife.js');
    if (fs.existsSync(built)) return built;
    throw new Error('client-js/dist/tramline.iife.js is missing: run `npm run build` in client-js');
  },
  socketio: () => path.join(REACH, 'node_modules/socket.io-client/dist/socket.io.min.js'),
  sockjs: () => path.join(REACH, 'node_modules/sockjs-client/dist/sockjs.min.js'),
};

function parseArgs(argv) {
  const opts = { updateDocs: false, keep: false, setups: null, libs: null };
  for (const arg of argv) {
    if (arg === '--update-docs') opts.updateDocs = true;
    else if (arg === '--keep') opts.keep = true;
    else if (arg.startsWith('--setups=')) opts.setups = arg.slice(9).split(',');
    else if (arg.startsWith('--libs=')) opts.libs = arg.slice(7).split(',');
    else throw new Error(`unknown argument ${arg}\nusage: node reach/run.mjs [--update-docs] [--setups=a,b] [--libs=a,b] [--keep]`);
  }
  for (const s of opts.setups ?? []) if (!SETUPS.some((x) => x.name === s)) throw new Error(`unknown setup ${s}`);
  for (const l of opts.libs ?? []) if (!LIBS[l]) throw new Error(`unknown library ${l}`);
  return opts;
}

function pkgVersion(dir, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

function libVersion(lib) {
  if (lib === 'tramline') {
    const v = JSON.parse(fs.readFileSync(path.join(ROOT, 'client-js/package.json'), 'utf8')).version;
    return `tramline ${v}, examples/chat`;
  }
  if (lib === 'socketio') return `socket.io ${pkgVersion(REACH, 'socket.io')}, socket.io-client ${pkgVersion(REACH, 'socket.io-client')}`;
  return `sockjs ${pkgVersion(REACH, 'sockjs')}, sockjs-client ${pkgVersion(REACH, 'sockjs-client')}`;
}

function chatBin() {
  const env = process.env.TRAMLINE_CHAT_BIN;
  return env ? path.resolve(process.cwd(), env) : path.join(ROOT, 'target/debug/example-chat');
}

function reportDir() {
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
  return path.join(target, 'reach');
}

/** The runs of one (setup, lib): what page to load, which endpoint, what to expect. */
function makeRuns(setup, lib, ports) {
  const url = (port) => `http://127.0.0.1:${port}`;
  if (!setup.cross) {
    return [
      {
        setup: setup.name,
        lib,
        label: setup.name,
        mode: 'auto',
        pageUrl: `${url(ports.port)}/`,
        endpoint: url(ports.port),
        credentials: false,
        expect: setup.expect,
      },
    ];
  }
  const modes = lib === 'tramline' ? ['auto', ...TRANSPORTS] : ['auto'];
  const runs = [];
  for (const origin of ['allowed', 'disallowed']) {
    for (const mode of modes) {
      runs.push({
        setup: setup.name,
        lib,
        label: `cross-origin, ${origin} origin (${mode === 'auto' ? 'auto' : `forced ${mode}`})`,
        mode,
        origin,
        transports: mode === 'auto' ? undefined : [mode],
        pageUrl: `${url(origin === 'allowed' ? ports.page_port : ports.other_port)}/`,
        endpoint: url(ports.endpoint_port),
        credentials: true,
        cookie: true,
        refused: origin === 'disallowed',
        expect: mode === 'auto' ? ['websocket'] : [mode],
      });
    }
  }
  return runs;
}

/**
 * idle-5s-kill: once every run of the setup reached the middle of its session (or ended), or
 * 10 s after the first one did, nginx is reloaded once.
 */
function reloadBarrier(runs, nginx) {
  let arrived = 0;
  let fired = null;
  let timer;
  let resolveReloaded;
  const reloaded = new Promise((resolve) => {
    resolveReloaded = resolve;
  });
  const fire = () => {
    if (fired) return;
    clearTimeout(timer);
    fired = { at: Date.now() };
    nginx
      .reload()
      .then(
        () => (fired.done = Date.now()),
        (e) => (fired.error = e.message),
      )
      .finally(() => resolveReloaded(fired));
  };
  for (const run of runs) {
    let here = false;
    run.reloaded = reloaded;
    run.reload = () => fired;
    run.midSession = () => {
      if (here) return;
      here = true;
      arrived++;
      if (arrived === 1) timer = setTimeout(fire, 10_000);
      if (arrived === runs.length) fire();
    };
  }
}

/**
 * Every run loads its page, then waits for the gate: it opens once every page is loaded (or
 * failed to load), at most 30 s after the first one was.
 */
function startGate(runs) {
  let open;
  const gate = new Promise((resolve) => {
    open = resolve;
  });
  let loaded = 0;
  let timer;
  for (const run of runs) {
    let here = false;
    run.gate = gate;
    run.loaded = () => {
      if (here) return;
      here = true;
      loaded++;
      if (loaded === 1) timer = setTimeout(open, 30_000);
      if (loaded === runs.length) {
        clearTimeout(timer);
        open();
      }
    };
  }
}

/**
 * At most `max` runs set up their connection at once: a run takes a slot before it starts its
 * client and gives it back at its first echo (or first refusal, or when it fails). 29 clients
 * negotiating at the same instant on 2 cores measure the machine, not the proxy: a websocket
 * handshake that the starved browser does not finish within the client's probe timeout makes it
 * settle on sse in `pass`.
 */
function connectSlots(runs, max) {
  let free = max;
  const waiting = [];
  const take = () =>
    new Promise((resolve) => {
      let given = false;
      const release = () => {
        if (given) return;
        given = true;
        const next = waiting.shift();
        if (next) next();
        else free++;
      };
      if (free > 0) {
        free--;
        resolve(release);
      } else {
        waiting.push(() => resolve(release));
      }
    });
  for (const run of runs) run.slot = take;
}

/** Reads an access log written with the `reach` log_format (one JSON object a line). */
function readAccessLog(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return null;
      }
    })
    .filter(Boolean);
}

function countBy(items, key) {
  const m = new Map();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return [...m.entries()]
    .sort()
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
}

/**
 * The cross-origin endpoint's access log: every request from the allowed origin carried the
 * cookie and none was refused; every request from the disallowed origin was refused (403) by the
 * backend itself (upstream status 403), not by nginx's cookie check.
 */
function crossOriginLogCheck(lib, logFile, ports) {
  const entries = readAccessLog(logFile);
  const allowed = `http://127.0.0.1:${ports.page_port}`;
  const other = `http://127.0.0.1:${ports.other_port}`;
  const kind = (e) => {
    const [method, target] = e.req.split(' ');
    const p = (target ?? '').split('?')[0];
    return `${method} ${p.slice(p.lastIndexOf('/') + 1) || p}`;
  };
  const fromA = entries.filter((e) => e.origin === allowed);
  const fromC = entries.filter((e) => e.origin === other);
  const reasons = [];
  const noCookie = fromA.filter((e) => !e.req.startsWith('OPTIONS ') && e.cookie !== '1');
  const refusedA = fromA.filter((e) => e.status === 403);
  if (noCookie.length) reasons.push(`${noCookie.length} requests from the allowed origin without the cookie: ${countBy(noCookie, kind)}`);
  if (refusedA.length) reasons.push(`${refusedA.length} requests from the allowed origin refused: ${countBy(refusedA, kind)}`);
  if (!fromA.length) reasons.push('no request from the allowed origin reached the endpoint');
  const servedC = fromC.filter((e) => e.status !== 403 || e.up !== '403');
  if (servedC.length) reasons.push(`${servedC.length} requests from the disallowed origin not refused by the server: ${countBy(servedC, (e) => `${kind(e)} ${e.status}/${e.up}`)}`);
  if (!fromC.length) reasons.push('no request from the disallowed origin reached the endpoint');
  const summary =
    `endpoint log: allowed origin ${fromA.length} requests (${countBy(fromA, (e) => `${kind(e)} ${e.status}`)}), ` +
    `${fromA.length - noCookie.length} with the cookie or preflights; disallowed origin ${fromC.length} requests ` +
    `(${countBy(fromC, (e) => `${kind(e)} ${e.status}/${e.up}`)})`;
  return { lib, ok: reasons.length === 0, reasons, summary };
}

/** Lost, duplicated and unexpected numbers of a run. */
function tally(received) {
  const seen = new Map();
  for (const n of received) seen.set(n, (seen.get(n) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  for (let n = 1; n <= SENDS; n++) {
    const k = seen.get(n) ?? 0;
    if (k === 0) lost++;
    if (k > 1) duplicated += k - 1;
  }
  const unexpected = received.filter((n) => !(Number.isInteger(n) && n >= 1 && n <= SENDS));
  return { lost, duplicated, unexpected };
}

/** A report row (and, for Tramline, its check) from a run and its result. */
function toRow(run, result) {
  const s = result.state ?? {};
  const received = Array.isArray(s.received) ? s.received : [];
  const history = Array.isArray(s.transports) ? s.transports.map((t) => t.name) : [];
  const everConnected = s.everConnected ?? s.connected ?? false;
  const errors = Array.isArray(s.errors) ? s.errors : [];
  const notes = [];
  const reasons = [];
  const row = { setup: run.label, lib: run.lib, firstEventMs: null, lost: null, duplicated: null };
  if (result.error) reasons.push(result.error);
  if (run.refused) {
    row.transport = everConnected ? `connected (${s.transport || '?'})` : 'refused';
    const delivered = received.length;
    notes.push(everConnected ? 'connected from a disallowed origin' : `never connected; ${errors.length} errors${errors[0] ? `, first: ${errors[0]}` : ''}`);
    if (delivered) notes.push(`${delivered} events delivered`);
    if (everConnected) reasons.push('connected from a disallowed origin');
    if (delivered) reasons.push(`${delivered} events delivered to a disallowed origin`);
    if (run.lib === 'tramline' && !(s.connectErrors ?? []).length) reasons.push('no connect_error');
  } else {
    const t = tally(received);
    row.transport = s.transport || (everConnected ? '?' : 'none');
    row.firstEventMs = s.firstEventMs ?? null;
    row.lost = t.lost;
    row.duplicated = t.duplicated;
    if (history.length > 1) notes.push(history.join(' → '));
    if (run.setup === 'idle-5s-kill') {
      const r = run.reload?.();
      if (r && result.startedAt) {
        notes.push(`nginx reloaded at ${((r.at - result.startedAt) / 1000).toFixed(1)} s`);
        if (r.error) reasons.push(`reload: ${r.error}`);
        const after = (s.transports ?? []).filter((x) => x.ms > r.at - result.startedAt).map((x) => x.name);
        if (run.lib === 'tramline') {
          notes.push(after.length ? `after it: ${after.join(' → ')}` : 'no transport change after it');
          // The reload must have cut the session's connection (else this row tested nothing).
          if (!after.length && !r.error) reasons.push('no transport change after the reload: the kill was not seen');
        }
        if (result.connectedAt && (r.at < result.connectedAt || r.at > result.endedAt)) reasons.push('the reload was not mid-session');
      } else {
        reasons.push('nginx was not reloaded');
      }
    }
    if (run.lib === 'tramline') {
      if ((s.sessions ?? []).length > 1) notes.push(`${s.sessions.length} sessions`);
      else if (s.sessions?.length === 1) notes.push('one session');
    }
    if (!everConnected) reasons.push('never connected');
    if (t.lost) reasons.push(`${t.lost} lost`);
    if (t.duplicated) reasons.push(`${t.duplicated} duplicated`);
    if (t.unexpected.length) reasons.push(`unexpected events ${JSON.stringify(t.unexpected.slice(0, 10))}`);
    if (!run.expect.includes(s.transport)) reasons.push(`ended on ${s.transport || 'nothing'}, expected ${run.expect.join(' or ')}`);
    if (run.lib === 'tramline') {
      const acked = Array.isArray(s.acked) ? new Set(s.acked).size : 0;
      if (acked !== SENDS) reasons.push(`${acked} of ${SENDS} says acked`);
      if ((s.sessions ?? []).length > 1) reasons.push(`the session was lost (${s.sessions.length} sessions)`);
      if ((s.disconnects ?? []).length) reasons.push(`disconnect: ${s.disconnects.join(', ')}`);
      if (run.transports && history.some((h) => h !== run.mode)) reasons.push(`forced ${run.mode} but used ${history.join(' → ')}`);
    }
    if (errors.length) notes.push(`${errors.length} errors, first: ${errors[0]}`);
  }
  const pageErrors = result.problems.filter((p) => p.startsWith('pageerror'));
  if (pageErrors.length) reasons.push(pageErrors[0]);
  row.ok = reasons.length === 0;
  row.reasons = reasons;
  row.notes = notes.join('; ');
  return row;
}

function machine() {
  let uname;
  try {
    uname = execFileSync('uname', ['-srm'], { encoding: 'utf8' }).trim();
  } catch {
    uname = `${os.type()} ${os.release()} ${os.arch()}`;
  }
  const nproc = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  return `${uname}, nproc ${nproc}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}

function commandLine(argv) {
  const args = argv.length ? ` ${argv.join(' ')}` : '';
  if (process.env.npm_lifecycle_event === 'test') return `cd reach && npm test${args ? ` --${args}` : ''}`;
  return `node reach/run.mjs${args}`;
}

async function main() {
  const t0 = Date.now();
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv);
  const setups = SETUPS.filter((s) => !opts.setups || opts.setups.includes(s.name));
  const libNames = Object.keys(LIBS).filter((l) => !opts.libs || opts.libs.includes(l));
  const missing = Object.fromEntries(libNames.map((l) => [l, unavailable(l, REACH)]));
  if (missing.tramline) throw new Error(missing.tramline);
  const libs = libNames.filter((l) => !missing[l]);
  for (const l of libNames) if (missing[l]) console.log(`reach: ${LIBS[l].title}: ${missing[l]}`);

  const nginx = nginxVersion();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-'));
  fs.chmodSync(tmp, 0o755); // nginx workers run as another user when we are root
  const out = reportDir();
  fs.mkdirSync(out, { recursive: true });
  const logsOut = path.join(out, 'logs');
  // Registered first, so it runs last: once nginx and the backends are stopped (their logs
  // complete), keep the logs under target/reach/logs/, then remove the prefix. On a signal,
  // only the removal.
  onCleanup(
    () => {
      fs.rmSync(logsOut, { recursive: true, force: true });
      for (const s of setups) {
        const from = path.join(tmp, s.name);
        if (!fs.existsSync(path.join(from, 'logs'))) continue;
        copyDir(path.join(from, 'logs'), path.join(logsOut, s.name));
        if (fs.existsSync(path.join(from, 'nginx.conf'))) {
          fs.copyFileSync(path.join(from, 'nginx.conf'), path.join(logsOut, s.name, 'nginx.conf'));
        }
      }
      if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
    },
    () => {
      if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
    },
  );

  // The pages, each with its client bundle beside it.
  for (const lib of libs) {
    const dir = path.join(tmp, 'pages', lib);
    copyDir(path.join(REACH, 'pages', lib), dir);
    const bundle = BUNDLES[lib]();
    fs.copyFileSync(bundle, path.join(dir, path.basename(bundle)));
  }

  // Ports, all allocated at once so that they are distinct: for each (setup, lib) one for the
  // backend and one for nginx (three for cross-origin).
  const need = setups.reduce((n, s) => n + libs.length * (s.cross ? 4 : 2), 0);
  const free = await freePorts(need);
  const ports = {};
  const backendPorts = {};
  for (const s of setups) {
    for (const lib of libs) {
      backendPorts[`${s.name}/${lib}`] = free.shift();
      ports[`${s.name}/${lib}`] = s.cross
        ? { page_port: free.shift(), endpoint_port: free.shift(), other_port: free.shift() }
        : { port: free.shift() };
    }
  }

  console.log(`reach: ${setups.length} setups × ${libs.join(', ')}; nginx ${nginx}; prefix ${tmp}`);
  const browserP = launchChromium();
  browserP.catch(() => {});
  try {
    return await suite({ opts, argv, t0, setups, libNames, missing, libs, nginx, tmp, out, logsOut, ports, backendPorts, browserP });
  } finally {
    // A failed start must not leave the browser launching after the cleanup ran: its own
    // cleanup is registered once the launch settles.
    await browserP.catch(() => {});
  }
}

async function suite({ opts, argv, t0, setups, libNames, missing, libs, nginx, tmp, out, logsOut, ports, backendPorts, browserP }) {

  // Backends: one per (setup, lib), so that each setup's server log is its own.
  const backends = {};
  await Promise.all(
    setups.flatMap((s) =>
      libs.map(async (lib) => {
        const key = `${s.name}/${lib}`;
        const dir = path.join(tmp, s.name);
        fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
        const allowedOrigin = s.cross ? `http://127.0.0.1:${ports[key].page_port}` : undefined;
        backends[key] =
          lib === 'tramline'
            ? await startChat({
                bin: chatBin(),
                port: backendPorts[key],
                allowedOrigins: allowedOrigin ? [allowedOrigin] : [],
                logFile: path.join(dir, 'logs', 'chat.log'),
                label: key,
              })
            : await startPeer({ lib, reachDir: REACH, port: backendPorts[key], allowedOrigin, label: key });
      }),
    ),
  );

  // One nginx per setup, serving every library.
  const nginxes = {};
  await Promise.all(
    setups.map(async (s) => {
      const dir = path.join(tmp, s.name);
      writeConfig({
        dir,
        templates: path.join(REACH, 'nginx'),
        template: s.template,
        mainExtra: s.mainExtra ?? '',
        servers: libs.map((lib) => ({
          lib,
          backend: `127.0.0.1:${backends[`${s.name}/${lib}`].port}`,
          path: LIBS[lib].path,
          root: path.join(tmp, 'pages', lib),
          ...ports[`${s.name}/${lib}`],
        })),
      });
      nginxes[s.name] = await startNginx(dir, s.name);
    }),
  );

  const browser = await browserP;
  const chromium = browser.version();

  const runs = [];
  for (const s of setups) {
    const setupRuns = libs.flatMap((lib) => makeRuns(s, lib, ports[`${s.name}/${lib}`]));
    setupRuns.forEach((r, i) => (r.room = `reach-${s.name}-${i}`));
    if (s.kill) reloadBarrier(setupRuns, nginxes[s.name]);
    runs.push(...setupRuns);
  }
  startGate(runs);
  connectSlots(runs, CONNECTING_AT_ONCE);
  console.log(`reach: ${runs.length} runs at once (about 35 s)`);
  const results = await Promise.all(runs.map((run) => drive(browser, run)));

  const rows = runs.map((run, i) => ({ run, result: results[i], row: toRow(run, results[i]) }));
  const logChecks = [];
  const cross = setups.find((s) => s.cross);
  if (cross) {
    for (const lib of libs) {
      const file = path.join(tmp, cross.name, 'logs', `access-${lib}-endpoint.log`);
      const check = crossOriginLogCheck(lib, file, ports[`${cross.name}/${lib}`]);
      logChecks.push(check);
    }
  }

  // Stop everything (the last step copies the logs, now complete, to target/reach/logs/).
  await stopAll();

  const seconds = Math.round((Date.now() - t0) / 1000);
  const meta = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    machine: machine(),
    command: commandLine(argv),
    nginx,
    chromium,
    seconds,
  };
  const libReports = libNames.map((lib) => ({
    lib,
    title: LIBS[lib].title,
    version: missing[lib] ? null : libVersion(lib),
    unavailable: missing[lib],
    checked: lib === 'tramline',
    rows: rows.filter((r) => r.run.lib === lib).map((r) => r.row),
  }));
  let markdown = renderReport({ libs: libReports, meta });
  if (logChecks.length) {
    markdown +=
      '\n\nCross-origin, from the endpoint\'s nginx access log:\n\n' +
      logChecks
        .map((c) => `- ${LIBS[c.lib].title}: ${c.summary}${c.lib === 'tramline' && !c.ok ? ` — **FAIL**: ${c.reasons.join('; ')}` : ''}`)
        .join('\n');
  }
  fs.writeFileSync(path.join(out, 'report.md'), `# Reach report\n\n${markdown}\n`);
  fs.writeFileSync(
    path.join(out, 'results.json'),
    `${JSON.stringify({ meta, rows: rows.map((r) => ({ ...r.row, raw: { ...r.result, run: undefined } })), logChecks }, null, 2)}\n`,
  );
  if (opts.updateDocs) {
    updateDocs(path.join(ROOT, 'docs/deployment.md'), markdown);
    console.log('reach: docs/deployment.md updated');
  }

  console.log(`\n${markdown}\n`);
  console.log(`reach: report in ${path.relative(process.cwd(), path.join(out, 'report.md')) || out}, logs in ${logsOut}`);
  const checked = rows.filter((r) => r.run.lib === 'tramline');
  const failed = checked.filter((r) => !r.row.ok);
  const logFailed = logChecks.filter((c) => c.lib === 'tramline' && !c.ok);
  const traces = path.join(out, 'traces');
  fs.rmSync(traces, { recursive: true, force: true });
  for (const r of failed) {
    console.log(`\nFAIL tramline ${r.row.setup}: ${r.row.reasons.join('; ')}`);
    if (r.result.trace) {
      fs.mkdirSync(traces, { recursive: true });
      const file = path.join(traces, `${r.run.room}.txt`);
      fs.writeFileSync(file, `${r.row.setup}: the page's requests (lib/trace.mjs)\n\n${traceText(r.result.trace)}\n`);
      console.log(`  request trace: ${file}`);
    }
    console.log(`  page state: ${JSON.stringify(r.result.state)}`);
    if (r.result.problems.length) console.log(`  page problems: ${r.result.problems.slice(0, 5).join(' | ')}`);
    const errLog = path.join(logsOut, r.run.setup, 'error.log');
    if (fs.existsSync(errLog)) {
      const tail = fs.readFileSync(errLog, 'utf8').split('\n').filter((l) => /\[(error|warn|crit|alert)\]/.test(l));
      if (tail.length) console.log(`  nginx error log (${r.run.setup}, warnings and errors, last 5):\n    ${tail.slice(-5).join('\n    ')}`);
    }
  }
  for (const c of logFailed) console.log(`\nFAIL tramline cross-origin log check: ${c.reasons.join('; ')}`);
  const passed = checked.length - failed.length + logChecks.filter((c) => c.lib === 'tramline' && c.ok).length;
  console.log(`\nreach: the suite took ${seconds} s`);
  console.log(`reach: ${passed} passed, ${failed.length + logFailed.length} failed`);
  return failed.length + logFailed.length === 0;
}

const watchdog = setTimeout(() => {
  console.error(`reach: the suite took longer than ${SUITE_MS / 1000} s: stopping everything`);
  stopAll().finally(() => process.exit(1));
}, SUITE_MS);
watchdog.unref();

let ok = false;
try {
  ok = await main();
} catch (e) {
  console.error(`reach: ${e.message}`);
  if (process.env.REACH_DEBUG) console.error(e.stack);
} finally {
  await withTimeout(stopAll(), 30_000, 'stopping every process').catch((e) => console.error(`reach: ${e.message}`));
  clearTimeout(watchdog);
}
process.exit(ok ? 0 : 1);
