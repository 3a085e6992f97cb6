// Builds dist/: ESM (dist/esm) and CJS (dist/cjs) with tsc (target ES5), declarations
// (dist/types), and dist/tramline.iife.js: the ESM build of the browser entry bundled by
// esbuild into one script that defines the global `Tramline`. The bundle must parse as ES5
// (checked here with acorn, and again by the unit tests), so esbuild is told to emit ES5 and
// any syntax it cannot lower fails the build.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(dist, { recursive: true, force: true });
for (const config of ['tsconfig.esm.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, config)], { stdio: 'inherit' });
}
// The package is "type": "module"; the CJS build says otherwise for its own directory.
writeFileSync(path.join(dist, 'cjs', 'package.json'), '{\n  "type": "commonjs"\n}\n');

const banner = `/*! ${pkg.name} ${pkg.version} | global Tramline | ES5 */`;
const iife = path.join(dist, 'tramline.iife.js');
await esbuild.build({
  entryPoints: [path.join(dist, 'esm', 'index.js')],
  bundle: true,
  format: 'iife',
  globalName: 'Tramline',
  target: 'es5',
  platform: 'browser',
  banner: { js: banner },
  outfile: iife,
  logLevel: 'warning',
});
const code = readFileSync(iife, 'utf8');
try {
  acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' });
} catch (e) {
  console.error(`dist/tramline.iife.js is not ES5: ${e.message}`);
  process.exit(1);
}
mkdirSync(dist, { recursive: true });
console.log(`built dist/esm, dist/cjs, dist/types, dist/tramline.iife.js (${code.length} bytes, ES5)`);
