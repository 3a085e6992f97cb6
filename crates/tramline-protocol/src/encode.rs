//! Encoding packets to bytes. Hand-written rather than derived so that the key order is fixed
//! (golden fixtures compare bytes) and so that a broadcast's pre-encoded `args` are copied, not
//! re-serialised, for every recipient.

use base64::Engine as _;
use bytes::Bytes;

use crate::packet::{Ack, Args, Body, Packet};
use crate::shared::TextPacket;

/// Appends `packet` as one line of JSON text (no trailing newline) to `out`. Attachments are
/// inlined as base64 in `bin`: the form for SSE, streaming, polling and WebSocket text frames.
pub fn encode_text(packet: &Packet, out: &mut Vec<u8>) {
    encode_json(packet, true, out);
}

/// Encodes a packet as JSON text into a new buffer.
pub fn to_text(packet: &Packet) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    encode_text(packet, &mut out);
    out
}

/// A WebSocket message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsMessage {
    /// A text frame: one or more packets separated by `\n`.
    Text(Vec<u8>),
    /// A binary frame: one packet with its attachments.
    Binary(Vec<u8>),
}

/// Encodes a packet for WebSocket: a text frame, or, when it has attachments, a binary frame
/// `u32be(json_len) json (u32be(len) bytes)*` carrying the attachments raw.
pub fn encode_websocket(packet: &Packet) -> WsMessage {
    let bins = attachments(&packet.body);
    if bins.is_empty() {
        return WsMessage::Text(to_text(packet));
    }
    let mut json = Vec::with_capacity(64);
    encode_json(packet, false, &mut json);
    let total = 4 + json.len() + bins.iter().map(|b| 4 + b.len()).sum::<usize>();
    let mut out = Vec::with_capacity(total);
    push_len(&mut out, json.len());
    out.extend_from_slice(&json);
    for b in bins {
        push_len(&mut out, b.len());
        out.extend_from_slice(b);
    }
    WsMessage::Binary(out)
}

/// Encodes packets as a newline-separated batch: the body of a polling response and of an
/// uplink POST.
pub fn encode_batch<'a, P: TextPacket + 'a>(packets: impl IntoIterator<Item = &'a P>) -> Vec<u8> {
    let mut out = Vec::new();
    for p in packets {
        if !out.is_empty() {
            out.push(b'\n');
        }
        p.encode_text(&mut out);
    }
    out
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    // Lengths are bounded by max payload, far below 4 GiB; saturate rather than wrap.
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
}

pub(crate) fn attachments(body: &Body) -> &[Bytes] {
    match body {
        Body::Event(e) => &e.args.bins,
        Body::Ack(Ack { result: Ok(a), .. }) => &a.bins,
        _ => &[],
    }
}

fn encode_json(packet: &Packet, inline_bins: bool, out: &mut Vec<u8>) {
    envelope(packet.body.type_name(), packet.seq, packet.rx, out);
    body_fields(&packet.body, inline_bins, out);
}

/// `{"type":"…"` and the envelope numbers: the part of a packet that differs per recipient.
pub(crate) fn envelope(type_name: &str, seq: Option<u64>, rx: Option<u64>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(type_name.as_bytes());
    out.push(b'"');
    if let Some(seq) = seq {
        num_field(out, "seq", seq);
    }
    if let Some(rx) = rx {
        num_field(out, "rx", rx);
    }
}

/// The body's fields and the closing brace: the part of a packet shared by every recipient.
pub(crate) fn body_fields(body: &Body, inline_bins: bool, out: &mut Vec<u8>) {
    match body {
        Body::Connect(c) => {
            if let Some(auth) = &c.auth {
                raw_field(out, "auth", auth);
            }
        }
        Body::Open(h) => {
            // The handshake is a derived struct; append its fields after `type`.
            let doc = serde_json::to_vec(h).unwrap_or_else(|_| b"{}".to_vec());
            if doc.len() > 2 {
                out.push(b',');
                out.extend_from_slice(&doc[1..doc.len() - 1]);
            }
        }
        Body::Close(c) => {
            num_field(out, "code", u64::from(c.code.0));
            str_field(out, "reason", &c.reason);
        }
        Body::Ping { probe } | Body::Pong { probe } => {
            if *probe {
                out.extend_from_slice(b",\"probe\":true");
            }
        }
        Body::Upgrade | Body::Noop => {}
        Body::Event(e) => {
            str_field(out, "name", &e.name);
            args_fields(out, &e.args, inline_bins);
            if let Some(ack) = e.ack {
                num_field(out, "ack", ack);
            }
        }
        Body::Ack(a) => {
            num_field(out, "id", a.id);
            match &a.result {
                Ok(args) => args_fields(out, args, inline_bins),
                Err(err) => {
                    out.extend_from_slice(b",\"error\":{\"code\":");
                    json_str(out, &err.code);
                    out.extend_from_slice(b",\"message\":");
                    json_str(out, &err.message);
                    out.push(b'}');
                }
            }
        }
        Body::Error(err) => {
            str_field(out, "code", &err.code);
            str_field(out, "message", &err.message);
        }
    }
    out.push(b'}');
}

fn args_fields(out: &mut Vec<u8>, args: &Args, inline_bins: bool) {
    raw_field(out, "args", &args.json);
    if inline_bins && !args.bins.is_empty() {
        out.extend_from_slice(b",\"bin\":[");
        for (i, b) in args.bins.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(
                base64::engine::general_purpose::STANDARD
                    .encode(b)
                    .as_bytes(),
            );
            out.push(b'"');
        }
        out.push(b']');
    }
}

fn num_field(out: &mut Vec<u8>, key: &str, value: u64) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

fn str_field(out: &mut Vec<u8>, key: &str, value: &str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    json_str(out, value);
}

fn raw_field(out: &mut Vec<u8>, key: &str, raw: &[u8]) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    // Raw JSON from `Args::new` may be pretty-printed. A CR or LF in valid JSON is whitespace
    // outside any string, and would split the packet across lines, which breaks batch,
    // streaming and SSE framing: write a space instead.
    out.extend(raw.iter().map(|&b| match b {
        b'\n' | b'\r' => b' ',
        b => b,
    }));
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    // Writing a &str to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}
