// UTF-8, base64 and args packing: strictness (invalid input is rejected, not repaired) and
// binary values anywhere in args, round trip.

import assert from "node:assert/strict";
import { test } from "node:test";

import { packArgs, unpackArgs } from "../../src/args.js";
import { base64Decode, base64Encode, utf8Decode, utf8Encode, utf8Length } from "../../src/bytes.js";

test("utf8 round trip and length agree with Buffer", () => {
  for (const s of ["", "abc", "héllo ✓", "𝄞 emoji 😀", "\u0000\u007f\u0080\u07ff\u0800\uffff"]) {
    const b = utf8Encode(s);
    assert.deepEqual(Array.from(b), Array.from(Buffer.from(s, "utf8")));
    assert.equal(utf8Length(s), b.length);
    assert.equal(utf8Decode(b), s);
  }
});

test("strict utf8: overlong, surrogates, truncation and stray bytes are rejected", () => {
  for (const bad of [[0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xc3]]) {
    assert.equal(utf8Decode(new Uint8Array(bad)), null, JSON.stringify(bad));
  }
});

test("base64: canonical standard alphabet with padding only", () => {
  for (let n = 0; n < 20; n++) {
    const b = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
    const s = base64Encode(b);
    assert.equal(s, Buffer.from(b).toString("base64"));
    assert.deepEqual(Array.from(base64Decode(s) as Uint8Array), Array.from(b));
  }
  for (const bad of ["A", "AA", "AAA", "AA=A", "A===", "====", "3q2-7w==", "3q2_7w==", "AB==", "AAB=", " AAA", "AA==AA=="]) {
    assert.equal(base64Decode(bad), null, bad);
  }
});

test("args: binary anywhere becomes placeholders + attachments, and comes back as Uint8Array", () => {
  const buf = new Uint8Array([1, 2, 3]);
  const ab = new Uint8Array([9, 8]).buffer;
  const view = new DataView(new Uint8Array([0, 7, 7, 0]).buffer, 1, 2);
  const args = packArgs([buf, { name: "a", data: ab, list: [view, "x"] }, null, 3]);
  assert.equal(args.json, '[{"$bin":0},{"name":"a","data":{"$bin":1},"list":[{"$bin":2},"x"]},null,3]');
  assert.deepEqual(args.bins.map((b) => Array.from(b)), [[1, 2, 3], [9, 8], [7, 7]]);
  const back = unpackArgs(args);
  assert.ok(back[0] instanceof Uint8Array);
  assert.deepEqual(Array.from(back[0] as Uint8Array), [1, 2, 3]);
  const obj = back[1] as { data: Uint8Array; list: unknown[] };
  assert.deepEqual(Array.from(obj.data), [9, 8]);
  assert.deepEqual(Array.from(obj.list[0] as Uint8Array), [7, 7]);
  assert.equal(back[3], 3);
});

test("args: values are snapshotted at pack time; cycles are refused", () => {
  const v = { a: 1 };
  const args = packArgs([v]);
  v.a = 2;
  assert.equal(args.json, '[{"a":1}]');
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  assert.throws(() => packArgs([cyclic]), TypeError);
  // a placeholder whose index is out of range is left alone
  assert.deepEqual(unpackArgs({ json: '[{"$bin":3}]', bins: [new Uint8Array(1)] }), [{ $bin: 3 }]);
});
