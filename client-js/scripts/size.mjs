// Prints the min+gzip size of what a browser user ships, and fails (exit 1) when `connect`
// exceeds its budget, so that CI keeps it. Measured like a user's bundler would:
// `esbuild --bundle --minify` (browser platform, ESM out) of a one-line entry that imports
// `connect` from "tramline" (resolved through a node_modules link, so package.json `exports`
// picks the browser ESM entry), then `gzip -9 -n` (node's zlib level 9 only where there is no
// gzip program; it differs from gzip by under 1%, and the script says when it is used). The IIFE
// line is dist/tramline.iife.min.js as built. socket.io-client's `io` and sockjs-client's
// `SockJS` (devDependencies, locked) are measured the same way for comparison.
// Run after `npm run build`.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/** The budget of `connect` with all four transports, min+gzip bytes (11 KB). */
const BUDGET = 11264;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const iife = path.join(root, 'dist', 'tramline.iife.min.js');
if (!existsSync(path.join(root, 'dist', 'esm', 'index.js')) || !existsSync(iife)) {
  console.error('dist/ is missing or incomplete: run `npm run build` first');
  process.exit(1);
}

let gzipTool = 'gzip -9 -n';
function gzip(bytes) {
  if (gzipTool !== 'zlib') {
    try {
      return execFileSync('gzip', ['-9', '-n', '-c'], { input: bytes, maxBuffer: 1 << 26 }).length;
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
      gzipTool = 'zlib';
    }
  }
  return gzipSync(bytes, { level: 9 }).length;
}

/** esbuild --bundle --minify of `entry` (resolved from `dir`), in bytes: min and min+gzip. */
async function measure(entry, dir) {
  const out = await esbuild.build({
    stdin: { contents: entry, resolveDir: dir, sourcefile: 'entry.mjs' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].contents;
  return { min: code.length, gz: gzip(code) };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tramline-size-'));
let rows;
try {
  mkdirSync(path.join(tmp, 'node_modules'));
  symlinkSync(root, path.join(tmp, 'node_modules', 'tramline'), 'dir');
  const code = readFileSync(iife);
  rows = [
    ['tramline connect (ESM, all four transports)', await measure('import { connect } from "tramline";\nexport { connect };\n', tmp)],
    ['tramline dist/tramline.iife.min.js (ES5)', { min: code.length, gz: gzip(code) }],
    ['socket.io-client io', await measure('import { io } from "socket.io-client";\nexport { io };\n', root)],
    ['sockjs-client SockJS', await measure('import SockJS from "sockjs-client";\nexport { SockJS };\n', root)],
  ];
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`esbuild --bundle --minify, then ${gzipTool === 'zlib' ? "node's zlib level 9 (no gzip program here)" : 'gzip -9 -n'}`);
console.log(`${'bundle'.padEnd(width)}  ${'min'.padStart(9)}  ${'min+gzip'.padStart(9)}`);
for (const [name, s] of rows) {
  console.log(`${name.padEnd(width)}  ${kb(s.min).padStart(9)}  ${kb(s.gz).padStart(9)}  (${s.gz} B)`);
}
const connect = rows[0][1].gz;
if (connect > BUDGET) {
  console.error(`\nconnect is ${connect} B min+gzip, over its budget of ${BUDGET} B (${kb(BUDGET)})`);
  process.exit(1);
}
console.log(`\nconnect is within its budget: ${connect} B of ${BUDGET} B`);
