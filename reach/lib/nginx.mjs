// Generates one nginx configuration per setup from the templates in reach/nginx/ and runs
// nginx on it: `nginx -p DIR -c DIR/nginx.conf -e DIR/logs/error.log -g 'daemon off;'`, so the
// master stays our child process; everything it writes (pid file, logs, temp files) is inside
// DIR.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { lines, onCleanup, watchUntil, withTimeout } from './util.mjs';

export const NGINX = process.env.REACH_NGINX ?? (fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');

const START_MS = 10_000;
const STOP_MS = 5_000;

/** Replaces every `{{name}}` of `text`; an unknown name is an error (a broken template). */
export function fill(text, values, what) {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`${what}: no value for {{${name}}}`);
    return String(values[name]);
  });
}

/** The `user` line: only a master running as root switches its workers to another user. */
function userDirective() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return '';
  const has = (db, name) => {
    try {
      return fs.readFileSync(db, 'utf8').split('\n').some((l) => l.startsWith(`${name}:`));
    } catch {
      return false;
    }
  };
  const user = has('/etc/passwd', 'www-data') ? 'www-data' : 'nobody';
  const group = has('/etc/group', user) ? user : has('/etc/group', 'nogroup') ? 'nogroup' : 'nobody';
  return `user ${user} ${group};`;
}

/**
 * Writes DIR/nginx.conf for one setup.
 * @param {object} o
 * @param {string} o.dir         the prefix (created; logs/ and temp/ inside)
 * @param {string} o.templates   reach/nginx
 * @param {string} o.template    the server template's name (pass, no-upgrade, ...)
 * @param {object[]} o.servers   placeholder values for each copy of the server template
 * @param {string} [o.mainExtra] directives for the main context
 */
export function writeConfig({ dir, templates, template, servers, mainExtra = '' }) {
  for (const d of ['logs', 'temp']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const serverText = fs.readFileSync(path.join(templates, `${template}.conf`), 'utf8');
  const blocks = servers.map((values) =>
    fill(serverText, { logs: path.join(dir, 'logs'), ...values }, `reach/nginx/${template}.conf`),
  );
  const main = fs.readFileSync(path.join(templates, 'main.conf'), 'utf8');
  const conf = fill(
    main,
    { user: userDirective(), prefix: dir, main_extra: mainExtra, servers: blocks.join('\n') },
    'reach/nginx/main.conf',
  );
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, conf);
  return file;
}

function nginxArgs(dir) {
  return ['-p', `${dir}/`, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'logs', 'error.log')];
}

/** `nginx -t` on a generated configuration; throws with nginx's own message. */
export function testConfig(dir) {
  try {
    execFileSync(NGINX, [...nginxArgs(dir), '-t', '-q'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (e) {
    throw new Error(`nginx -t failed for ${dir}/nginx.conf:\n${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`);
  }
}

/** The version of `nginx -v`, e.g. "nginx/1.22.1" (nginx prints it on stderr). */
export function nginxVersion() {
  const r = spawnSync(NGINX, ['-v'], { encoding: 'utf8', timeout: 5_000 });
  const text = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
  const m = /nginx version: (\S+)/.exec(text);
  if (r.error || !m) {
    throw new Error(`${NGINX} does not run (${r.error?.message ?? text}): scripts/install-test-deps installs Debian's nginx`);
  }
  return m[1];
}

/** Child pids of `pid` (read from /proc): the workers of an nginx master. */
function childrenOf(pid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Starts nginx on the configuration in `dir` (after `nginx -t`) and resolves once the master
 * wrote its pid into the pid file, which it does after binding every listen socket; rejects
 * when it exits first (e.g. a port in use).
 */
export async function startNginx(dir, label) {
  testConfig(dir);
  const pidFile = path.join(dir, 'nginx.pid');
  // `nginx -t` (as root) leaves an empty pid file behind: readiness is the master's own pid in it.
  fs.rmSync(pidFile, { force: true });
  const child = spawn(NGINX, [...nginxArgs(dir), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  lines(child.stdout, (l) => output.push(l));
  lines(child.stderr, (l) => output.push(l));
  let running = true;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  const errorLog = () => {
    try {
      return fs.readFileSync(path.join(dir, 'logs', 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const kill = () => {
    if (!running) return;
    for (const pid of childrenOf(child.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    child.kill('SIGKILL');
  };
  const stop = async () => {
    if (!running) return;
    child.kill('SIGTERM'); // fast shutdown: the master ends its workers, then itself
    try {
      await withTimeout(exited, STOP_MS, `${label}: nginx to exit after SIGTERM`);
    } catch {
      kill();
      await exited;
    }
  };
  onCleanup(stop, kill);
  const failed = exited.then(({ code, signal }) => {
    throw new Error(`${label}: nginx exited (code ${code}, signal ${signal}) at startup:\n${output.join('\n')}\n${errorLog()}`);
  });
  failed.catch(() => {});
  const pidWritten = () => {
    try {
      return fs.readFileSync(pidFile, 'utf8').trim() === String(child.pid);
    } catch {
      return false;
    }
  };
  await Promise.race([watchUntil(dir, pidWritten, START_MS, `${label}: nginx to write its pid file`), failed]);
  return {
    dir,
    pid: child.pid,
    errorLog,
    stop,
    /**
     * `nginx -s reload` (SIGHUP to the master): new workers take the listen sockets, the old
     * worker finishes its requests, at most `worker_shutdown_timeout`, then closes what is left.
     * Resolves when the error log says the old worker is gracefully shutting down.
     */
    async reload() {
      const before = (errorLog().match(/gracefully shutting down/g) || []).length;
      child.kill('SIGHUP');
      await watchUntil(
        path.join(dir, 'logs'),
        () => (errorLog().match(/gracefully shutting down/g) || []).length > before,
        5_000,
        `${label}: nginx reload (old worker "gracefully shutting down" in the error log)`,
      );
    },
  };
}
