/**
 * Decoding packets from JSON text, batches and binary WebSocket frames. Input is untrusted:
 * every failure is a `DecodeError` whose `kind` is the class of `docs/protocol.md` section 2.3
 * (the Rust `DecodeError` variant), never a partly applied packet.
 *
 * Why this module exists: the receiving rules are subtle (unknown fields ignored, `null` =
 * absent, integers checked on their written form, only the fields of the packet's own type
 * checked, and in the same order as the Rust decoder so that the golden `malformed.json`
 * samples name the same field), so they live in one place, tested against every fixture.
 */

import { base64Decode, utf8Decode } from "./bytes.js";
import { isTransportName, TransportName } from "./codes.js";
import { oneLine } from "./encode.js";
import { RawFields, scanObject } from "./json.js";
import { Args, Body, DecodeErrorKind, DecodeError, ErrorBody, isSequenced, Packet } from "./packet.js";

function fail(kind: DecodeErrorKind, message: string, field?: string): never {
  const e = new Error(message) as DecodeError;
  e.name = "DecodeError";
  e.kind = kind;
  if (field !== undefined) e.field = field;
  throw e;
}

const TYPES = ["connect", "open", "close", "ping", "pong", "upgrade", "noop", "event", "ack", "error"];
const KNOWN_FIELDS = [
  "type", "seq", "rx", "name", "args", "ack", "id", "bin", "code", "reason", "message", "error",
  "probe", "auth", "sid", "version", "pingInterval", "pingTimeout", "maxPayload", "transports",
  "upgrades",
];
const MAX_INT = 9007199254740991;

/** Rust's `str::trim`: Unicode White_Space. */
const BLANK = /^[\s\u0085]*$/;
const JSON_WS_START = /^[ \t\n\r]*\{/;

function field(f: RawFields, key: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(f, key)) return undefined;
  const raw = f[key];
  return raw === "null" ? undefined : raw;
}

function optInt(f: RawFields, key: string): number | undefined {
  const raw = field(f, key);
  if (raw === undefined) return undefined;
  if (!/^[0-9]+$/.test(raw)) fail("InvalidField", key + " must be a non-negative integer", key);
  const n = Number(raw);
  if (n > MAX_INT) fail("InvalidField", key + " is larger than 2^53-1", key);
  return n;
}

function reqInt(f: RawFields, key: string): number {
  const n = optInt(f, key);
  if (n === undefined) fail("MissingField", "missing field " + key, key);
  return n;
}

function optStr(f: RawFields, key: string): string | undefined {
  const raw = field(f, key);
  if (raw === undefined) return undefined;
  if (raw.charAt(0) !== '"') fail("InvalidField", key + " must be a string", key);
  return JSON.parse(raw) as string;
}

function reqStr(f: RawFields, key: string): string {
  const s = optStr(f, key);
  if (s === undefined) fail("MissingField", "missing field " + key, key);
  return s;
}

function optBool(f: RawFields, key: string): boolean | undefined {
  const raw = field(f, key);
  if (raw === undefined) return undefined;
  if (raw !== "true" && raw !== "false") fail("InvalidField", key + " must be a boolean", key);
  return raw === "true";
}

function transportList(f: RawFields, key: string): TransportName[] {
  const raw = field(f, key);
  if (raw === undefined) fail("MissingField", "missing field " + key, key);
  const list = JSON.parse(raw) as unknown;
  if (!Array.isArray(list)) fail("InvalidField", key + " must be an array", key);
  for (let i = 0; i < list.length; i++) {
    if (!isTransportName(list[i])) fail("InvalidField", key + ": unknown transport", key);
  }
  return list as TransportName[];
}

function decodeArgs(f: RawFields, frameBins: Uint8Array[] | null): Args {
  const raw = field(f, "args");
  let json = "[]";
  if (raw !== undefined) {
    if (raw.charAt(0) !== "[") fail("InvalidField", "args must be an array", "args");
    json = oneLine(raw);
  }
  const bin = field(f, "bin");
  if (frameBins !== null) {
    if (bin !== undefined) fail("InvalidField", "bin is not allowed in a binary frame", "bin");
    return { json, bins: frameBins };
  }
  if (bin === undefined) return { json, bins: [] };
  const list = JSON.parse(bin) as unknown;
  if (!Array.isArray(list)) fail("InvalidField", "bin must be an array of base64 strings", "bin");
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== "string") fail("InvalidField", "bin must be an array of base64 strings", "bin");
  }
  const bins: Uint8Array[] = [];
  for (let i = 0; i < list.length; i++) {
    const bytes = base64Decode(list[i] as string);
    if (bytes === null) fail("InvalidBase64", "attachment " + i + " is not valid base64");
    bins.push(bytes);
  }
  return { json, bins };
}

function decodeErrorBody(raw: string): ErrorBody {
  const v = JSON.parse(raw) as { code?: unknown; message?: unknown } | null;
  if (
    v === null || typeof v !== "object" || Array.isArray(v) ||
    typeof v.code !== "string" || typeof v.message !== "string"
  ) {
    fail("InvalidField", "error must be {code, message}", "error");
  }
  return { code: v.code as string, message: v.message as string };
}

function decodeBody(type: string, f: RawFields, frameBins: Uint8Array[] | null): Body {
  switch (type) {
    case "connect": {
      const auth = field(f, "auth");
      return auth === undefined ? { type } : { type, auth: oneLine(auth) };
    }
    case "open": {
      const version = reqInt(f, "version");
      const sid = reqStr(f, "sid");
      if (version > 4294967295) fail("InvalidField", "version is not a u32", "version");
      return {
        type,
        handshake: {
          sid,
          version,
          pingInterval: reqInt(f, "pingInterval"),
          pingTimeout: reqInt(f, "pingTimeout"),
          maxPayload: reqInt(f, "maxPayload"),
          transports: transportList(f, "transports"),
          upgrades: transportList(f, "upgrades"),
        },
      };
    }
    case "close": {
      const code = reqInt(f, "code");
      if (code > 65535) fail("InvalidField", "code is not a u16", "code");
      return { type, code, reason: optStr(f, "reason") || "" };
    }
    case "ping":
    case "pong":
      return { type, probe: optBool(f, "probe") === true };
    case "upgrade":
    case "noop":
      return { type };
    case "event": {
      const name = reqStr(f, "name");
      if (name === "") fail("InvalidField", "event name must not be empty", "name");
      const args = decodeArgs(f, frameBins);
      const ack = optInt(f, "ack");
      return ack === undefined ? { type, name, args } : { type, name, args, ack };
    }
    case "ack": {
      const id = reqInt(f, "id");
      const err = field(f, "error");
      if (err !== undefined) return { type, id, error: decodeErrorBody(err) };
      return { type, id, args: decodeArgs(f, frameBins) };
    }
    default: {
      const code = reqStr(f, "code");
      return { type: "error", code, message: optStr(f, "message") || "" };
    }
  }
}

function decodeString(text: string, frameBins: Uint8Array[] | null): Packet {
  if (BLANK.test(text)) fail("Empty", "empty message");
  if (!JSON_WS_START.test(text)) fail("InvalidJson", "expected a JSON object");
  try {
    JSON.parse(text);
  } catch (e) {
    fail("InvalidJson", "packet is not JSON: " + (e instanceof Error ? e.message : String(e)));
  }
  const scanned = scanObject(text);
  for (let i = 0; i < scanned.duplicates.length; i++) {
    if (KNOWN_FIELDS.indexOf(scanned.duplicates[i]) >= 0) {
      fail("InvalidJson", "duplicate field " + scanned.duplicates[i]);
    }
  }
  const f = scanned.fields;
  const type = optStr(f, "type");
  if (type === undefined) fail("MissingField", "missing field type", "type");
  if (TYPES.indexOf(type) < 0) fail("UnknownType", "unknown packet type " + JSON.stringify(type));
  const seq = optInt(f, "seq");
  const rx = optInt(f, "rx");
  const body = decodeBody(type, f, frameBins);
  if (isSequenced(body)) {
    if (seq === undefined) fail("MissingField", "missing field seq", "seq");
    if (seq === 0) fail("InvalidField", "sequence numbers start at 1", "seq");
  } else if (seq !== undefined) {
    fail("InvalidField", "seq is only allowed on event, ack and error", "seq");
  }
  const p: Packet = { body };
  if (seq !== undefined) p.seq = seq;
  if (rx !== undefined) p.rx = rx;
  return p;
}

/** Decodes one packet from JSON text (a WebSocket text frame of one packet, an SSE `data`). */
export function decodeText(text: string): Packet {
  return decodeString(text, null);
}

/** Decodes one packet from UTF-8 bytes; invalid UTF-8 is `NotUtf8`. */
export function decodeTextBytes(bytes: Uint8Array): Packet {
  const text = utf8Decode(bytes);
  if (text === null) fail("NotUtf8", "packet is not valid UTF-8");
  return decodeString(text, null);
}

/**
 * Decodes a `\n`-separated batch (polling response, uplink body, WebSocket text frame).
 * Blank lines are skipped; no packet at all is `Empty`; one bad line fails the whole batch.
 */
export function decodeBatch(text: string): Packet[] {
  const lines = text.split("\n");
  const out: Packet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!BLANK.test(lines[i])) out.push(decodeString(lines[i], null));
  }
  if (out.length === 0) fail("Empty", "batch without packets");
  return out;
}

/** `decodeBatch` of UTF-8 bytes. */
export function decodeBatchBytes(bytes: Uint8Array): Packet[] {
  const text = utf8Decode(bytes);
  if (text === null) fail("NotUtf8", "batch is not valid UTF-8");
  return decodeBatch(text);
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
}

/** Decodes a binary WebSocket frame: `u32be(json_len) json (u32be(len) bytes)*`. */
export function decodeBinaryFrame(frame: Uint8Array): Packet {
  if (frame.length < 4) fail("TruncatedFrame", "binary frame is truncated");
  const jsonLen = readU32(frame, 0);
  if (frame.length - 4 < jsonLen) fail("TruncatedFrame", "binary frame is truncated");
  let at = 4 + jsonLen;
  const bins: Uint8Array[] = [];
  while (at < frame.length) {
    if (frame.length - at < 4) fail("TruncatedFrame", "binary frame is truncated");
    const len = readU32(frame, at);
    if (frame.length - at - 4 < len) fail("TruncatedFrame", "binary frame is truncated");
    // A copy, so that an attachment handed to the app does not keep the whole frame alive.
    bins.push(new Uint8Array(frame.subarray(at + 4, at + 4 + len)));
    at += 4 + len;
  }
  const text = utf8Decode(frame, 4, 4 + jsonLen);
  if (text === null) fail("NotUtf8", "packet is not valid UTF-8");
  return decodeString(text, bins);
}
