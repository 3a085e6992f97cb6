// What the package ships (dist/, made by `npm run build`): the minified IIFE is ES5 and works
// like the plain one; every build has a source map that leads back to the TypeScript sources;
// package.json points at files that exist; `tramline/node` resolves under TypeScript's legacy
// `moduleResolution: "node"` through `typesVersions`.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import * as acorn from "acorn";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const dist = path.join(root, "dist");

function read(rel: string): string {
  const file = path.join(root, rel);
  assert.ok(existsSync(file), rel + " is missing: run `npm run build` first");
  return readFileSync(file, "utf8");
}

test("the minified IIFE parses as ES5, is minified, and defines Tramline.connect", () => {
  const min = read("dist/tramline.iife.min.js");
  const plain = read("dist/tramline.iife.js");
  assert.doesNotThrow(() => acorn.parse(min, { ecmaVersion: 5, sourceType: "script" }));
  assert.ok(min.length < plain.length * 0.6, `min ${min.length} B vs plain ${plain.length} B`);
  const ctx = vm.createContext({ setTimeout: () => 0, clearTimeout: () => undefined });
  ctx.window = ctx;
  vm.runInContext(min, ctx, { filename: "tramline.iife.min.js" });
  assert.equal(typeof ctx.Tramline.connect, "function");
  assert.equal(typeof ctx.Tramline.browserPlatform, "function");
});

test("ESM, CJS and both IIFEs have source maps with the TypeScript sources inside", () => {
  for (const js of ["dist/esm/index.js", "dist/esm/transports/polling.js", "dist/cjs/index.js", "dist/tramline.iife.js", "dist/tramline.iife.min.js"]) {
    const code = read(js);
    const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code);
    assert.ok(ref, js + " has no sourceMappingURL");
    const map = JSON.parse(read(path.join(path.dirname(js), ref[1]))) as { sources: string[]; sourcesContent?: (string | null)[] };
    const ts = map.sources.filter((s) => s.endsWith(".ts"));
    assert.ok(ts.length > 0, js + ": map sources " + map.sources.join(", "));
    assert.ok(map.sourcesContent && map.sourcesContent.length === map.sources.length, js + ": map without sourcesContent");
    const first = map.sources.indexOf(ts[0]);
    assert.match(String(map.sourcesContent[first]), /\bexport\b|\bimport\b/, js + ": embedded source is not TypeScript");
  }
});

test("the ESM build is ES2017 without per-file helpers; the IIFEs are the ES5 ones", () => {
  for (const f of ["connection.js", "socket.js", "negotiate.js"]) {
    const code = read("dist/esm/" + f);
    assert.match(code, /\bclass\b|=>/, f + " was lowered below ES2015");
    assert.doesNotMatch(code, /__spreadArray|__extends|__assign/, f + " carries a TypeScript helper");
  }
});

test("package.json exports, typesVersions and unpkg point at shipped files", () => {
  const pkg = JSON.parse(read("package.json")) as {
    exports: Record<string, string | Record<string, string>>;
    typesVersions: Record<string, Record<string, string[]>>;
    unpkg: string;
    files: string[];
  };
  const targets: string[] = [pkg.unpkg];
  for (const v of Object.values(pkg.exports)) targets.push(...(typeof v === "string" ? [v] : Object.values(v)));
  for (const v of Object.values(pkg.typesVersions["*"])) targets.push(...v);
  for (const t of targets) assert.ok(existsSync(path.join(root, t)), "package.json names " + t + ", which is not built");
  assert.equal(pkg.exports["./iife.min"], "./dist/tramline.iife.min.js");
  assert.ok(pkg.files.includes("dist"));
});

test("tramline and tramline/node typecheck under moduleResolution node (node10)", () => {
  assert.ok(existsSync(path.join(dist, "types", "node.d.ts")), "dist/types is missing: run `npm run build` first");
  const dir = mkdtempSync(path.join(os.tmpdir(), "tramline-node10-test-"));
  try {
    mkdirSync(path.join(dir, "node_modules"));
    symlinkSync(root, path.join(dir, "node_modules", "tramline"), "dir");
    writeFileSync(
      path.join(dir, "main.ts"),
      'import { connect } from "tramline";\nimport { connect as connectNode } from "tramline/node";\n' +
        "const url: string = 'http://127.0.0.1:1/realtime';\nexport const f = () => [connect(url), connectNode(url)];\n" +
        '// @ts-expect-error: a number is not a URL\nexport const g = () => connectNode(1);\n',
    );
    const compilerOptions = { module: "commonjs", moduleResolution: "node", target: "ES2017", strict: true, noEmit: true, types: [], skipLibCheck: true, lib: ["ES2017", "DOM"] };
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["main.ts"] }));
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
    const run = (): string => {
      try {
        execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8", stdio: "pipe" });
        return "ok";
      } catch (e) {
        return String((e as { stdout?: string }).stdout);
      }
    };
    assert.equal(run(), "ok");
    // The same project without typesVersions fails: the check really depends on it.
    const pkgPath = path.join(dir, "node_modules", "tramline-copy");
    mkdirSync(pkgPath);
    const pkg = JSON.parse(read("package.json")) as Record<string, unknown>;
    delete pkg.typesVersions;
    writeFileSync(path.join(pkgPath, "package.json"), JSON.stringify(pkg));
    symlinkSync(dist, path.join(pkgPath, "dist"), "dir");
    writeFileSync(path.join(dir, "main.ts"), 'import { connect } from "tramline-copy/node";\nexport const f = connect;\n');
    assert.match(run(), /Cannot find module 'tramline-copy\/node'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
