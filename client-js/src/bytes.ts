/**
 * UTF-8 and base64 without platform help.
 *
 * Why this module exists: the browser build must run on ES5 engines, which have neither
 * `TextEncoder`/`TextDecoder` nor a binary-safe `btoa`, and the wire format asks for strict
 * behaviour that platform helpers do not give: UTF-8 decoding must reject invalid input
 * (`NotUtf8`), and base64 must be canonical standard base64 with padding (`InvalidBase64`
 * otherwise). It must stay free of protocol knowledge: `codec.ts` decides what the bytes mean.
 */

/** UTF-8 encoding of a JavaScript string. Lone surrogates become U+FFFD. */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;
    }
    if (c < 0x80) {
      out.push(c);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    } else {
      out.push(
        0xf0 | (c >> 18),
        0x80 | ((c >> 12) & 0x3f),
        0x80 | ((c >> 6) & 0x3f),
        0x80 | (c & 0x3f),
      );
    }
  }
  return new Uint8Array(out);
}

/** The number of bytes `s` takes in UTF-8, without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    } else n += 3;
  }
  return n;
}

/**
 * Strict UTF-8 decoding of `bytes[start, end)`. Returns `null` for invalid UTF-8 (overlong
 * forms, surrogates, code points above U+10FFFF, truncated sequences).
 */
export function utf8Decode(bytes: Uint8Array, start?: number, end?: number): string | null {
  let i = start === undefined ? 0 : start;
  const stop = end === undefined ? bytes.length : end;
  let out = "";
  const chunk: number[] = [];
  while (i < stop) {
    const b = bytes[i];
    let cp: number;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else {
      let need: number;
      let min: number;
      if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        cp = b & 0x1f;
        min = 0x80;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        cp = b & 0x0f;
        min = 0x800;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        cp = b & 0x07;
        min = 0x10000;
      } else {
        return null;
      }
      if (i + need >= stop) return null;
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k];
        if ((c & 0xc0) !== 0x80) return null;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      i += need + 1;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      chunk.push(cp);
    }
    if (chunk.length >= 4096) {
      out += String.fromCharCode.apply(null, chunk);
      chunk.length = 0;
    }
  }
  if (chunk.length > 0) out += String.fromCharCode.apply(null, chunk);
  return out;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP: number[] = [];
for (let i = 0; i < 256; i++) LOOKUP.push(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with `=` padding. */
export function base64Encode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + "==";
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out +=
      ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63) + "=";
  }
  return out;
}

/**
 * Decodes canonical standard base64 with padding; `null` for anything else (wrong alphabet,
 * missing padding, non-zero trailing bits, whitespace).
 */
export function base64Decode(s: string): Uint8Array | null {
  if (s.length % 4 !== 0) return null;
  let pad = 0;
  if (s.length > 0 && s.charAt(s.length - 1) === "=") pad = s.charAt(s.length - 2) === "=" ? 2 : 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    const v: number[] = [];
    for (let k = 0; k < 4; k++) {
      const code = s.charCodeAt(i + k);
      if (last && k >= 4 - pad) {
        v.push(0);
        continue;
      }
      const x = code < 256 ? LOOKUP[code] : -1;
      if (x < 0) return null;
      v.push(x);
    }
    const n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    if (last && pad === 2 && (v[1] & 15) !== 0) return null;
    if (last && pad === 1 && (v[2] & 3) !== 0) return null;
    out[o++] = (n >> 16) & 255;
    if (!(last && pad === 2)) out[o++] = (n >> 8) & 255;
    if (!(last && pad >= 1)) out[o++] = n & 255;
  }
  return out;
}

/** Whether `value` is binary data the client sends as an attachment. */
export function isBinary(value: unknown): value is Uint8Array | ArrayBuffer {
  return (
    (typeof Uint8Array !== "undefined" && value instanceof Uint8Array) ||
    (typeof ArrayBuffer !== "undefined" && value instanceof ArrayBuffer)
  );
}

/** A `Uint8Array` view of binary data (no copy for a `Uint8Array`). */
export function toBytes(value: Uint8Array | ArrayBuffer | ArrayLike<number>): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value);
}
