/**
 * Encoding packets: JSON text with the fixed key order of the Rust encoder (`type`, `seq`, `rx`,
 * then the body fields), batches, SSE events and binary WebSocket frames.
 *
 * Why this module exists: the golden fixtures compare bytes, so key order, number formatting
 * and string escaping (`JSON.stringify`'s) are fixed here once. Raw `args`/`auth` JSON is copied
 * through with CR and LF turned into spaces, so that a packet is always one line.
 */

import { base64Encode, utf8Encode } from "./bytes.js";
import { Args, Body, Packet } from "./packet.js";

/** `raw` with CR and LF replaced by spaces (a packet never spans lines). */
export function oneLine(raw: string): string {
  return raw.replace(/[\r\n]/g, " ");
}

function argsText(args: Args, inlineBins: boolean): string {
  let out = ',"args":' + oneLine(args.json);
  if (inlineBins && args.bins.length > 0) {
    const list: string[] = [];
    for (let i = 0; i < args.bins.length; i++) list.push('"' + base64Encode(args.bins[i]) + '"');
    out += ',"bin":[' + list.join(",") + "]";
  }
  return out;
}

function encodeJson(p: Packet, inlineBins: boolean): string {
  const b = p.body;
  let out = '{"type":"' + b.type + '"';
  if (p.seq !== undefined) out += ',"seq":' + p.seq;
  if (p.rx !== undefined) out += ',"rx":' + p.rx;
  switch (b.type) {
    case "connect":
      if (b.auth !== undefined) out += ',"auth":' + oneLine(b.auth);
      break;
    case "open": {
      const h = b.handshake;
      out +=
        ',"sid":' + JSON.stringify(h.sid) + ',"version":' + h.version +
        ',"pingInterval":' + h.pingInterval + ',"pingTimeout":' + h.pingTimeout +
        ',"maxPayload":' + h.maxPayload + ',"transports":' + JSON.stringify(h.transports) +
        ',"upgrades":' + JSON.stringify(h.upgrades);
      break;
    }
    case "close":
      out += ',"code":' + b.code + ',"reason":' + JSON.stringify(b.reason);
      break;
    case "ping":
    case "pong":
      if (b.probe) out += ',"probe":true';
      break;
    case "upgrade":
    case "noop":
      break;
    case "event":
      out += ',"name":' + JSON.stringify(b.name) + argsText(b.args, inlineBins);
      if (b.ack !== undefined) out += ',"ack":' + b.ack;
      break;
    case "ack":
      out += ',"id":' + b.id;
      if (b.error !== undefined) {
        out += ',"error":{"code":' + JSON.stringify(b.error.code) + ',"message":' +
          JSON.stringify(b.error.message) + "}";
      } else {
        out += argsText(b.args || { json: "[]", bins: [] }, inlineBins);
      }
      break;
    case "error":
      out += ',"code":' + JSON.stringify(b.code) + ',"message":' + JSON.stringify(b.message);
      break;
  }
  return out + "}";
}

/** One packet as one line of JSON text, attachments inlined as base64 `bin`. */
export function encodeText(p: Packet): string {
  return encodeJson(p, true);
}

/** Packets joined by `\n`: a polling response or uplink POST body. */
export function encodeBatch(packets: Packet[]): string {
  const out: string[] = [];
  for (let i = 0; i < packets.length; i++) out.push(encodeText(packets[i]));
  return out.join("\n");
}

/** One packet as an SSE event (`id:` for sequenced packets, then one `data:` line). */
export function encodeSse(p: Packet): string {
  return (p.seq !== undefined ? "id: " + p.seq + "\n" : "") + "data: " + encodeText(p) + "\n\n";
}

/** The attachments of a packet (events and successful acks). */
export function attachments(body: Body): Uint8Array[] {
  if (body.type === "event") return body.args.bins;
  if (body.type === "ack" && body.error === undefined && body.args) return body.args.bins;
  return [];
}

function pushU32(out: Uint8Array, at: number, n: number): void {
  out[at] = (n >>> 24) & 255;
  out[at + 1] = (n >>> 16) & 255;
  out[at + 2] = (n >>> 8) & 255;
  out[at + 3] = n & 255;
}

/**
 * A packet as a WebSocket message: text, or, when it has attachments, a binary frame
 * `u32be(json_len) json (u32be(len) bytes)*` whose JSON has no `bin`.
 */
export function encodeWebsocket(p: Packet): string | Uint8Array {
  const bins = attachments(p.body);
  if (bins.length === 0) return encodeText(p);
  const json = utf8Encode(encodeJson(p, false));
  let total = 4 + json.length;
  for (let i = 0; i < bins.length; i++) total += 4 + bins[i].length;
  const out = new Uint8Array(total);
  pushU32(out, 0, json.length);
  out.set(json, 4);
  let at = 4 + json.length;
  for (let i = 0; i < bins.length; i++) {
    pushU32(out, at, bins[i].length);
    out.set(bins[i], at + 4);
    at += 4 + bins[i].length;
  }
  return out;
}

