// The TypeScript codec against every golden wire fixture in tests/fixtures/wire (the same files
// the Rust codec is tested with): decode, compare fields, re-encode byte for byte (text, SSE,
// binary frame), and reject every malformed sample with the matching error class.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { base64Decode, utf8Encode } from "../../src/bytes.js";
import {
  decodeBatch,
  decodeBatchBytes,
  decodeBinaryFrame,
  decodeText,
  decodeTextBytes,
  DecodeError,
  encodeBatch,
  encodeSse,
  encodeText,
  encodeWebsocket,
  Packet,
} from "../../src/codec.js";
import { eventSourceOver } from "../../src/platform/eventsource.js";
import { HttpRequest } from "../../src/platform.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = process.env.TRAMLINE_FIXTURES || path.resolve(here, "../../../../tests/fixtures/wire");

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8"));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function unhex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** The fixture's `fields` form of a decoded packet (see tests/fixtures/wire/README.md). */
function fields(p: Packet): Record<string, unknown> {
  const out: Record<string, unknown> = { seq: p.seq ?? null, rx: p.rx ?? null };
  const b = p.body;
  switch (b.type) {
    case "connect":
      out.auth = b.auth === undefined ? null : JSON.parse(b.auth);
      break;
    case "open":
      Object.assign(out, b.handshake);
      break;
    case "close":
      out.code = b.code;
      out.reason = b.reason;
      break;
    case "ping":
    case "pong":
      out.probe = b.probe;
      break;
    case "upgrade":
    case "noop":
      break;
    case "event":
      out.name = b.name;
      out.args = JSON.parse(b.args.json);
      out.ack = b.ack ?? null;
      break;
    case "ack":
      out.id = b.id;
      out.args = b.error ? null : JSON.parse((b.args || { json: "[]" }).json);
      out.error = b.error ?? null;
      break;
    case "error":
      out.code = b.code;
      out.message = b.message;
      break;
  }
  return out;
}

function attachmentsOf(p: Packet): Uint8Array[] {
  const b = p.body;
  if (b.type === "event") return b.args.bins;
  if (b.type === "ack" && b.args) return b.args.bins;
  return [];
}

const SPECIAL = new Set(["batch.json", "framing.json", "noncanonical.json", "malformed.json"]);
const packetFiles = readdirSync(FIXTURES).filter((f) => f.endsWith(".json") && !SPECIAL.has(f)).sort();

test("the packet fixtures cover every packet type", () => {
  const types = new Set(packetFiles.map((f) => (fixture(f) as { packet_type: string }).packet_type));
  for (const t of ["connect", "open", "close", "ping", "pong", "upgrade", "noop", "event", "ack", "error"]) {
    assert.ok(types.has(t), `no fixture for ${t} in ${FIXTURES}`);
  }
});

interface PacketFixture {
  packet_type: string;
  text: string;
  fields: Record<string, unknown>;
  sse?: string;
  attachments_base64?: string[];
  websocket_binary_hex?: string;
}

for (const file of packetFiles) {
  test(`fixture ${file}: decode, fields, re-encode`, () => {
    const f = fixture(file) as PacketFixture;
    const p = decodeText(f.text);
    assert.equal(p.body.type, f.packet_type);
    assert.deepEqual(fields(p), f.fields);
    assert.equal(encodeText(p), f.text);
    assert.deepEqual(decodeTextBytes(utf8Encode(f.text)), p);
    if (f.sse !== undefined) assert.equal(encodeSse(p), f.sse);
    const bins = attachmentsOf(p);
    assert.deepEqual(bins.map((b) => Array.from(b)), (f.attachments_base64 || []).map((s) => Array.from(base64Decode(s) as Uint8Array)));
    const ws = encodeWebsocket(p);
    if (f.websocket_binary_hex !== undefined) {
      assert.ok(ws instanceof Uint8Array, "a packet with attachments is a binary frame");
      assert.equal(hex(ws), f.websocket_binary_hex);
      const back = decodeBinaryFrame(unhex(f.websocket_binary_hex));
      assert.deepEqual(fields(back), f.fields);
      assert.deepEqual(attachmentsOf(back).map((b) => Array.from(b)), bins.map((b) => Array.from(b)));
      assert.equal(encodeText(back), f.text);
    } else {
      assert.equal(ws, f.text, "a packet without attachments is a text frame");
    }
  });
}

test("fixture batch.json: text, streaming and sse forms", () => {
  const f = fixture("batch.json") as { packets: string[]; text: string; streaming: string; sse: string };
  const packets = decodeBatch(f.text);
  assert.deepEqual(packets.map(encodeText), f.packets);
  assert.equal(encodeBatch(packets), f.text);
  assert.equal(packets.map((p) => encodeText(p) + "\n").join(""), f.streaming);
  assert.equal(packets.map(encodeSse).join(""), f.sse);
  assert.deepEqual(decodeBatch(f.streaming), packets);
  assert.deepEqual(decodeBatchBytes(utf8Encode(f.text)), packets);
});

test("fixture framing.json: preludes are skipped by the streaming splitter and the SSE reader", () => {
  const f = fixture("framing.json") as Record<string, { prefix: string; spaces: number; suffix: string }>;
  const prelude = (k: string): string => f[k].prefix + " ".repeat(f[k].spaces) + f[k].suffix;
  const batch = fixture("batch.json") as { packets: string[]; streaming: string; sse: string };
  // streaming: the prelude is a whitespace-only line, which decodeBatch skips
  assert.deepEqual(decodeBatch(prelude("streaming_prelude") + batch.streaming).map(encodeText), batch.packets);
  // sse: the reader sees only the data of the events, chunked at awkward places
  const body = prelude("sse_prelude") + batch.sse;
  let req: HttpRequest | null = null;
  const ES = eventSourceOver((r) => {
    req = r;
    return { abort() {} };
  });
  const es = new ES("http://x/realtime/sse");
  const got: string[] = [];
  let opened = false;
  es.onopen = () => (opened = true);
  es.onmessage = (ev) => got.push(ev.data);
  const r = req as unknown as HttpRequest;
  r.onHeaders(200);
  for (let i = 0; i < body.length; i += 7) r.onData(body.slice(i, i + 7));
  assert.ok(opened);
  assert.deepEqual(got, batch.packets);
});

test("fixture noncanonical.json: accepted, re-encoded canonically", () => {
  const cases = fixture("noncanonical.json") as { description: string; kind: string; input?: string; input_hex?: string; canonical: string }[];
  assert.ok(cases.length > 0);
  for (const c of cases) {
    let got: string;
    if (c.kind === "text") got = encodeText(decodeText(c.input as string));
    else if (c.kind === "batch") got = encodeBatch(decodeBatch(c.input as string));
    else got = encodeText(decodeBinaryFrame(unhex(c.input_hex as string)));
    assert.equal(got, c.canonical, c.description);
  }
});

test("fixture malformed.json: every sample is rejected with its error class", () => {
  const cases = fixture("malformed.json") as { description: string; kind: string; input?: string; input_hex?: string; error: string; field?: string }[];
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const bytes = c.input_hex !== undefined ? unhex(c.input_hex) : utf8Encode(c.input as string);
    let err: DecodeError | null = null;
    try {
      if (c.kind === "text") decodeTextBytes(bytes);
      else if (c.kind === "batch") decodeBatchBytes(bytes);
      else decodeBinaryFrame(bytes);
    } catch (e) {
      err = e as DecodeError;
    }
    assert.ok(err, `accepted: ${c.description}`);
    assert.equal(err.kind, c.error, `${c.description}: ${err.message}`);
    if (c.field !== undefined) assert.equal(err.field, c.field, c.description);
    // the string entry points agree where the input is valid UTF-8
    if (c.input !== undefined && c.kind !== "binary") {
      assert.throws(() => (c.kind === "text" ? decodeText(c.input as string) : decodeBatch(c.input as string)), c.description);
    }
  }
});
