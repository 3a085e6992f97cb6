/**
 * The top-level fields of a JSON object as raw text.
 *
 * Why this module exists: the codec must pass `args` and `auth` through exactly as received
 * (the golden fixtures compare bytes, e.g. `[ 1 , 2 ]` stays `[ 1 , 2 ]`), must check integer
 * fields on their written form (`1.5`, `-1`, `1e3` are invalid even where a parsed number
 * looks fine), and must only check the fields a packet type uses. So, like the Rust codec's
 * `RawValue`s, it first splits the object into raw field texts. Validation of the JSON text
 * itself is left to `JSON.parse`; this scanner runs only on text that parsed.
 */

/** Raw JSON text of each top-level field, by key. */
export interface RawFields {
  [key: string]: string;
}

/** Field names that appeared more than once. */
export interface ScanResult {
  fields: RawFields;
  duplicates: string[];
}

function isWs(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

function skipWs(text: string, i: number): number {
  while (i < text.length && isWs(text.charAt(i))) i++;
  return i;
}

/** Index just past the string that starts (with `"`) at `i`. */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return i;
}

/** Index just past the JSON value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charAt(i);
  if (c === '"') return skipString(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    while (i < text.length) {
      const d = text.charAt(i);
      if (d === '"') {
        i = skipString(text, i);
        continue;
      }
      if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < text.length) {
    const d = text.charAt(i);
    if (d === "," || d === "}" || d === "]" || isWs(d)) break;
    i++;
  }
  return i;
}

/**
 * Splits the JSON object `text` (already known to be valid JSON whose top level is an
 * object) into its fields' raw texts, without surrounding whitespace.
 */
export function scanObject(text: string): ScanResult {
  // No prototype: a key such as `__proto__` is just a key.
  const fields = Object.create(null) as RawFields;
  const duplicates: string[] = [];
  let i = skipWs(text, 0) + 1; // past "{"
  for (;;) {
    i = skipWs(text, i);
    if (text.charAt(i) === "}" || i >= text.length) break;
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd) + 1; // past ":"
    i = skipWs(text, i);
    const end = skipValue(text, i);
    if (Object.prototype.hasOwnProperty.call(fields, key)) duplicates.push(key);
    fields[key] = text.slice(i, end);
    i = skipWs(text, end);
    if (text.charAt(i) === ",") i++;
  }
  return { fields, duplicates };
}
