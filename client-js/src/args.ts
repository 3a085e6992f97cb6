/**
 * Application values ↔ wire `args`.
 *
 * Why this module exists: the app passes plain values with binary data anywhere inside
 * (`Uint8Array`, `ArrayBuffer`); the wire carries a JSON array with `{"$bin": i}` placeholders
 * plus attachments (section 4 of `docs/protocol.md`). Packing happens once, at emit time, so
 * that a value the app mutates afterwards does not change what is sent (and so that a value
 * JSON cannot encode fails the emit call, not a later flush). Received attachments always
 * come back as `Uint8Array`, whichever transport carried them.
 */

import { Args } from "./codec.js";
import { isBinary, toBytes } from "./bytes.js";

function isView(v: object): v is ArrayBufferView {
  const view = v as { buffer?: unknown; byteOffset?: unknown; byteLength?: unknown };
  return (
    typeof ArrayBuffer !== "undefined" &&
    view.buffer instanceof ArrayBuffer &&
    typeof view.byteOffset === "number" &&
    typeof view.byteLength === "number"
  );
}

function replaceBinary(value: unknown, bins: Uint8Array[], stack: object[]): unknown {
  if (value === null || typeof value !== "object") return value;
  if (isBinary(value)) {
    bins.push(toBytes(value));
    return { $bin: bins.length - 1 };
  }
  if (isView(value)) {
    bins.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { $bin: bins.length - 1 };
  }
  if (stack.indexOf(value) >= 0) throw new TypeError("cannot send a value that contains itself");
  if (Array.isArray(value)) {
    stack.push(value);
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(replaceBinary(value[i], bins, stack));
    stack.pop();
    return out;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  stack.push(value);
  // No prototype, so that a key named `__proto__` stays a plain key.
  const out = Object.create(null) as { [key: string]: unknown };
  const obj = value as { [key: string]: unknown };
  for (const key in obj) {
    if (Object.prototype.hasOwnProperty.call(obj, key)) {
      out[key] = replaceBinary(obj[key], bins, stack);
    }
  }
  stack.pop();
  return out;
}

/** Packs application values into wire args (binary values become attachments). */
export function packArgs(values: unknown[]): Args {
  const bins: Uint8Array[] = [];
  const replaced = replaceBinary(values, bins, []);
  return { json: JSON.stringify(replaced), bins };
}

function isPlaceholder(v: { [key: string]: unknown }, count: number): boolean {
  let keys = 0;
  for (const k in v) {
    if (Object.prototype.hasOwnProperty.call(v, k)) {
      keys++;
      if (k !== "$bin") return false;
    }
  }
  const i = v.$bin;
  return keys === 1 && typeof i === "number" && i >= 0 && i < count && Math.floor(i) === i;
}

function restoreBinary(value: unknown, bins: Uint8Array[]): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreBinary(value[i], bins);
    return value;
  }
  const obj = value as { [key: string]: unknown };
  if (isPlaceholder(obj, bins.length)) return bins[obj.$bin as number];
  for (const key in obj) {
    if (Object.prototype.hasOwnProperty.call(obj, key)) obj[key] = restoreBinary(obj[key], bins);
  }
  return obj;
}

/** Unpacks wire args into application values (placeholders become `Uint8Array`s). */
export function unpackArgs(args: Args): unknown[] {
  const values = JSON.parse(args.json) as unknown[];
  return args.bins.length > 0 ? (restoreBinary(values, args.bins) as unknown[]) : values;
}
