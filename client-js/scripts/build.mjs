// Builds dist/:
// - dist/esm (ES2017, the entry for bundlers and Node's `import`) and dist/cjs (`require`) with
//   tsc, each with source maps that embed the TypeScript sources; declarations in dist/types;
// - dist/tramline.iife.js and dist/tramline.iife.min.js (+ .map): one script each that defines
//   the global `Tramline`, for a plain <script> tag. Old browsers are the users of polling, so
//   these are ES5: tsc lowers the sources to ES5 (into node_modules/.cache, not shipped) and
//   esbuild bundles that; acorn checks that both parse as ES5, and the build fails otherwise.
// - a check that `tramline/node` resolves under TypeScript's legacy `moduleResolution: "node"`
//   (the `typesVersions` of package.json), in a temporary project.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const es5 = path.join(root, 'node_modules', '.cache', 'tramline-es5');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(dist, { recursive: true, force: true });
rmSync(es5, { recursive: true, force: true });
for (const config of ['tsconfig.esm.json', 'tsconfig.cjs.json', 'tsconfig.es5.json']) {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, config)], { stdio: 'inherit' });
}
// The package is "type": "module"; the CJS build says otherwise for its own directory.
writeFileSync(path.join(dist, 'cjs', 'package.json'), '{\n  "type": "commonjs"\n}\n');

const sizes = [];
for (const minify of [false, true]) {
  const name = minify ? 'tramline.iife.min.js' : 'tramline.iife.js';
  const outfile = path.join(dist, name);
  await esbuild.build({
    entryPoints: [path.join(es5, 'index.js')],
    bundle: true,
    format: 'iife',
    globalName: 'Tramline',
    target: 'es5',
    platform: 'browser',
    minify,
    sourcemap: true,
    banner: { js: `/*! ${pkg.name} ${pkg.version} | global Tramline | ES5 */` },
    outfile,
    logLevel: 'warning',
  });
  const code = readFileSync(outfile, 'utf8');
  try {
    acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' });
  } catch (e) {
    console.error(`dist/${name} is not ES5: ${e.message}`);
    process.exit(1);
  }
  const map = JSON.parse(readFileSync(outfile + '.map', 'utf8'));
  if (!map.sources.some((s) => s.endsWith('.ts'))) {
    console.error(`dist/${name}.map does not lead back to the TypeScript sources: ${map.sources.slice(0, 3)}`);
    process.exit(1);
  }
  sizes.push(`${name} ${code.length} B`);
}
rmSync(es5, { recursive: true, force: true });

checkLegacyResolution();
console.log(`built dist/esm, dist/cjs, dist/types, ${sizes.join(', ')} (ES5, with source maps)`);

/**
 * A consumer on `moduleResolution: "node"` (node10), which ignores `exports`, must still find
 * the types of `tramline` and `tramline/node`: compile a two-line project against this package.
 */
function checkLegacyResolution() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tramline-node10-'));
  try {
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(root, path.join(dir, 'node_modules', 'tramline'), 'dir');
    writeFileSync(
      path.join(dir, 'main.ts'),
      'import { connect } from "tramline";\nimport { connect as connectNode } from "tramline/node";\n' +
        'export const both: [typeof connect, typeof connectNode] = [connect, connectNode];\n',
    );
    const config = {
      compilerOptions: {
        module: 'commonjs', moduleResolution: 'node', target: 'ES2017', strict: true,
        noEmit: true, types: [], skipLibCheck: true, lib: ['ES2017', 'DOM'],
      },
      files: ['main.ts'],
    };
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
    try {
      execFileSync(process.execPath, [tsc, '-p', dir], { stdio: 'pipe' });
    } catch (e) {
      console.error(`"tramline/node" does not resolve under moduleResolution "node":\n${e.stdout}${e.stderr}`);
      process.exit(1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
