//! Decoding bytes into packets. Input is untrusted: every path returns a [`DecodeError`]
//! instead of panicking, and this module is the fuzz target's entry point.
//!
//! Unknown fields are ignored (forward compatibility); a missing or mistyped required field is
//! an error naming the field. Every field is first captured as raw JSON and only checked by the
//! packet type that uses it, so a field of another packet type never fails a decode.
//!
//! Raw JSON that is copied through (`args`, `auth`) has its CR and LF bytes turned into spaces:
//! outside strings they can only be insignificant whitespace, and no encoded packet may span
//! two lines (batches, streaming and SSE are line-framed).

use std::borrow::Cow;

use base64::Engine as _;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::codes::CloseCode;
use crate::error::DecodeError;
use crate::packet::{Ack, Args, Body, Close, Connect, ErrorBody, Event, Handshake, Packet};
use crate::transport::TransportKind;

#[derive(Deserialize)]
struct Wire<'a> {
    #[serde(rename = "type", borrow)]
    ty: Option<&'a RawValue>,
    seq: Option<&'a RawValue>,
    rx: Option<&'a RawValue>,
    name: Option<&'a RawValue>,
    args: Option<&'a RawValue>,
    ack: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
    bin: Option<&'a RawValue>,
    code: Option<&'a RawValue>,
    reason: Option<&'a RawValue>,
    message: Option<&'a RawValue>,
    error: Option<&'a RawValue>,
    probe: Option<&'a RawValue>,
    auth: Option<&'a RawValue>,
    // The `open` packet's handshake fields.
    sid: Option<&'a RawValue>,
    version: Option<&'a RawValue>,
    #[serde(rename = "pingInterval")]
    ping_interval: Option<&'a RawValue>,
    #[serde(rename = "pingTimeout")]
    ping_timeout: Option<&'a RawValue>,
    #[serde(rename = "maxPayload")]
    max_payload: Option<&'a RawValue>,
    transports: Option<&'a RawValue>,
    upgrades: Option<&'a RawValue>,
}

/// Decodes one packet from JSON text (one line of a batch, or a WebSocket text frame that
/// holds a single packet).
pub fn decode_text(input: &[u8]) -> Result<Packet, DecodeError> {
    let text = std::str::from_utf8(input).map_err(|_| DecodeError::NotUtf8)?;
    decode_str(text, None)
}

/// Decodes a newline-separated batch (polling response, uplink POST body, WebSocket text
/// frame). Blank lines are skipped; an input with no packet is [`DecodeError::Empty`].
pub fn decode_batch(input: &[u8]) -> Result<Vec<Packet>, DecodeError> {
    let text = std::str::from_utf8(input).map_err(|_| DecodeError::NotUtf8)?;
    let packets = text
        .split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(|line| decode_str(line, None))
        .collect::<Result<Vec<_>, _>>()?;
    if packets.is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(packets)
}

/// Decodes a binary WebSocket frame: `u32be(json_len) json (u32be(len) bytes)*`.
pub fn decode_binary_frame(frame: &[u8]) -> Result<Packet, DecodeError> {
    let (json, mut rest) = split_len_prefixed(frame)?;
    let mut bins = Vec::new();
    while !rest.is_empty() {
        let (bin, tail) = split_len_prefixed(rest)?;
        bins.push(Bytes::copy_from_slice(bin));
        rest = tail;
    }
    let text = std::str::from_utf8(json).map_err(|_| DecodeError::NotUtf8)?;
    decode_str(text, Some(bins))
}

fn split_len_prefixed(input: &[u8]) -> Result<(&[u8], &[u8]), DecodeError> {
    let (len, rest) = input
        .split_first_chunk::<4>()
        .ok_or(DecodeError::TruncatedFrame)?;
    let len = u32::from_be_bytes(*len) as usize;
    if rest.len() < len {
        return Err(DecodeError::TruncatedFrame);
    }
    Ok(rest.split_at(len))
}

fn decode_str(text: &str, frame_bins: Option<Vec<Bytes>>) -> Result<Packet, DecodeError> {
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    // serde would also read a JSON array positionally into `Wire`; a packet is an object.
    if !text.trim_start_matches(JSON_WS).starts_with('{') {
        return Err(DecodeError::InvalidJson(
            "expected a JSON object".to_owned(),
        ));
    }
    let w: Wire<'_> =
        serde_json::from_str(text).map_err(|e| DecodeError::InvalidJson(e.to_string()))?;
    let ty = opt_str("any", "type", w.ty)?.ok_or(DecodeError::MissingField {
        packet: "any",
        field: "type",
    })?;
    let packet = type_name(&ty)?;
    let seq = opt_u64(packet, "seq", w.seq)?;
    let rx = opt_u64(packet, "rx", w.rx)?;
    let body = match packet {
        "connect" => Body::Connect(Connect {
            auth: w.auth.map(one_line),
        }),
        "open" => {
            let version = req_u64(packet, "version", w.version)?;
            Body::Open(Handshake {
                sid: opt_str(packet, "sid", w.sid)?.ok_or(missing(packet, "sid"))?,
                version: u32::try_from(version)
                    .map_err(|_| invalid(packet, "version", "not a u32"))?,
                ping_interval: req_u64(packet, "pingInterval", w.ping_interval)?,
                ping_timeout: req_u64(packet, "pingTimeout", w.ping_timeout)?,
                max_payload: req_u64(packet, "maxPayload", w.max_payload)?,
                transports: transports(packet, "transports", w.transports)?,
                upgrades: transports(packet, "upgrades", w.upgrades)?,
            })
        }
        "close" => {
            let code = req_u64(packet, "code", w.code)?;
            let code = u16::try_from(code).map_err(|_| invalid(packet, "code", "not a u16"))?;
            Body::Close(Close {
                code: CloseCode(code),
                reason: opt_str(packet, "reason", w.reason)?.unwrap_or_default(),
            })
        }
        "ping" => Body::Ping {
            probe: opt_bool(packet, "probe", w.probe)?.unwrap_or(false),
        },
        "pong" => Body::Pong {
            probe: opt_bool(packet, "probe", w.probe)?.unwrap_or(false),
        },
        "upgrade" => Body::Upgrade,
        "noop" => Body::Noop,
        "event" => {
            let name = opt_str(packet, "name", w.name)?.ok_or(missing(packet, "name"))?;
            if name.is_empty() {
                return Err(invalid(packet, "name", "must not be empty"));
            }
            Body::Event(Event {
                name,
                args: args(packet, w.args, w.bin, frame_bins)?,
                ack: opt_u64(packet, "ack", w.ack)?,
            })
        }
        "ack" => {
            let id = req_u64(packet, "id", w.id)?;
            let result = match w.error {
                Some(err) => Err(serde_json::from_str::<ErrorBody>(err.get())
                    .map_err(|_| invalid(packet, "error", "must be {code, message}"))?),
                None => Ok(args(packet, w.args, w.bin, frame_bins)?),
            };
            Body::Ack(Ack { id, result })
        }
        "error" => {
            let code = opt_str(packet, "code", w.code)?.ok_or(missing(packet, "code"))?;
            Body::Error(ErrorBody {
                code,
                message: opt_str(packet, "message", w.message)?.unwrap_or_default(),
            })
        }
        _ => unreachable_type(&ty)?,
    };
    match (body.is_sequenced(), seq) {
        (true, None) => return Err(missing(packet, "seq")),
        (true, Some(0)) => return Err(invalid(packet, "seq", "sequence numbers start at 1")),
        (false, Some(_)) => return Err(invalid(packet, "seq", "only event, ack and error")),
        _ => {}
    }
    Ok(Packet { seq, rx, body })
}

const TYPES: [&str; 10] = [
    "connect", "open", "close", "ping", "pong", "upgrade", "noop", "event", "ack", "error",
];

fn type_name(ty: &str) -> Result<&'static str, DecodeError> {
    TYPES
        .iter()
        .find(|t| **t == ty)
        .copied()
        .ok_or_else(|| DecodeError::UnknownType(ty.to_owned()))
}

fn unreachable_type(ty: &str) -> Result<Body, DecodeError> {
    Err(DecodeError::UnknownType(ty.to_owned()))
}

fn missing(packet: &'static str, field: &'static str) -> DecodeError {
    DecodeError::MissingField { packet, field }
}

fn invalid(packet: &'static str, field: &'static str, reason: &'static str) -> DecodeError {
    DecodeError::InvalidField {
        packet,
        field,
        reason,
    }
}

/// JSON's insignificant whitespace (RFC 8259), which is all `serde_json` skips.
const JSON_WS: [char; 4] = [' ', '\t', '\n', '\r'];

/// Raw JSON as bytes, CR and LF replaced by spaces (see the module docs).
fn one_line(raw: &RawValue) -> Bytes {
    let text = raw.get();
    if text.contains(['\n', '\r']) {
        Bytes::from(text.replace(['\n', '\r'], " "))
    } else {
        Bytes::copy_from_slice(text.as_bytes())
    }
}

fn opt_str(
    packet: &'static str,
    field: &'static str,
    raw: Option<&RawValue>,
) -> Result<Option<String>, DecodeError> {
    raw.map(|r| {
        serde_json::from_str::<String>(r.get())
            .map_err(|_| invalid(packet, field, "must be a string"))
    })
    .transpose()
}

fn transports(
    packet: &'static str,
    field: &'static str,
    raw: Option<&RawValue>,
) -> Result<Vec<TransportKind>, DecodeError> {
    let raw = raw.ok_or(missing(packet, field))?;
    serde_json::from_str(raw.get())
        .map_err(|_| invalid(packet, field, "must be an array of transport names"))
}

fn opt_bool(
    packet: &'static str,
    field: &'static str,
    raw: Option<&RawValue>,
) -> Result<Option<bool>, DecodeError> {
    raw.map(|r| {
        serde_json::from_str::<bool>(r.get())
            .map_err(|_| invalid(packet, field, "must be a boolean"))
    })
    .transpose()
}

fn opt_u64(
    packet: &'static str,
    field: &'static str,
    raw: Option<&RawValue>,
) -> Result<Option<u64>, DecodeError> {
    raw.map(|r| {
        r.get()
            .parse::<u64>()
            .map_err(|_| invalid(packet, field, "must be a non-negative integer"))
    })
    .transpose()
}

fn req_u64(
    packet: &'static str,
    field: &'static str,
    raw: Option<&RawValue>,
) -> Result<u64, DecodeError> {
    opt_u64(packet, field, raw)?.ok_or(missing(packet, field))
}

fn args(
    packet: &'static str,
    raw: Option<&RawValue>,
    bin: Option<&RawValue>,
    frame_bins: Option<Vec<Bytes>>,
) -> Result<Args, DecodeError> {
    let json = match raw {
        Some(r) if r.get().starts_with('[') => one_line(r),
        Some(_) => return Err(invalid(packet, "args", "must be an array")),
        None => Bytes::from_static(b"[]"),
    };
    let bins = match (bin, frame_bins) {
        (Some(_), Some(_)) => {
            return Err(invalid(packet, "bin", "not allowed in a binary frame"));
        }
        (None, Some(bins)) => bins,
        (None, None) => Vec::new(),
        (Some(raw), None) => {
            let list: Vec<Cow<'_, str>> = serde_json::from_str(raw.get())
                .map_err(|_| invalid(packet, "bin", "must be an array of base64 strings"))?;
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    base64::engine::general_purpose::STANDARD
                        .decode(s.as_bytes())
                        .map(Bytes::from)
                        .map_err(|_| DecodeError::InvalidBase64(i))
                })
                .collect::<Result<_, _>>()?
        }
    };
    Ok(Args { json, bins })
}
