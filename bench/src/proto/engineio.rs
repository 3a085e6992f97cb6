//! Engine.IO v4 packets and the Socket.IO v5 packets they carry: the wire format of the
//! `socketio` and `socketioxide` peers, reduced to what the benchmark sends and receives
//! (text only: no binary events, no namespaces other than `/`).
//!
//! Engine.IO: one type digit, then the data: `0` open (handshake JSON), `1` close, `2` ping,
//! `3` pong, `4` message, `5` upgrade, `6` noop. Polling bodies join packets with `\x1e`.
//! Socket.IO, inside a `4` message: type digit, `[n-]` attachments (binary types only),
//! `[/nsp,]`, `[ack id]`, then a JSON array: `42["m","x"]`, `4212["echo",1]`, `4312[1]`.
//!
//! Decoding borrows from the input and never allocates.

use serde::Deserialize;

use crate::error::{bail, Result};

/// Separates packets in a polling body.
pub(crate) const SEPARATOR: char = '\x1e';

/// An Engine.IO packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EioPacket<'a> {
    Open(&'a str),
    Close,
    Ping(&'a str),
    Pong(&'a str),
    Message(&'a str),
    Upgrade,
    Noop,
}

/// Decodes one Engine.IO packet (a WebSocket frame, or one packet of a polling body).
pub(crate) fn decode(packet: &str) -> Result<EioPacket<'_>> {
    let Some(kind) = packet.as_bytes().first() else {
        bail!("empty Engine.IO packet")
    };
    let data = &packet[1..];
    Ok(match kind {
        b'0' => EioPacket::Open(data),
        b'1' => EioPacket::Close,
        b'2' => EioPacket::Ping(data),
        b'3' => EioPacket::Pong(data),
        b'4' => EioPacket::Message(data),
        b'5' => EioPacket::Upgrade,
        b'6' => EioPacket::Noop,
        b'b' => bail!("binary Engine.IO packets are not used by the benchmark"),
        _ => bail!("unknown Engine.IO packet {:?}", truncate(packet)),
    })
}

/// The packets of a polling body.
pub(crate) fn split_payload(body: &str) -> impl Iterator<Item = &str> {
    body.split(SEPARATOR).filter(|p| !p.is_empty())
}

/// The Engine.IO handshake (the data of the `open` packet).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Handshake {
    pub(crate) sid: String,
    #[serde(default)]
    pub(crate) ping_interval: u64,
    #[serde(default)]
    pub(crate) ping_timeout: u64,
}

pub(crate) fn parse_handshake(json: &str) -> Result<Handshake> {
    Ok(serde_json::from_str(json)?)
}

/// A Socket.IO packet on the main namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SioPacket<'a> {
    Connect(&'a str),
    Disconnect,
    Event { id: Option<u64>, data: &'a str },
    Ack { id: u64, data: &'a str },
    ConnectError(&'a str),
}

/// Decodes the Socket.IO packet inside an Engine.IO message.
pub(crate) fn decode_sio(msg: &str) -> Result<SioPacket<'_>> {
    let bytes = msg.as_bytes();
    let Some(&kind) = bytes.first() else {
        bail!("empty Socket.IO packet")
    };
    let mut i = 1;
    if kind == b'5' || kind == b'6' {
        bail!("binary Socket.IO packets are not used by the benchmark");
    }
    if bytes.get(i) == Some(&b'/') {
        let end = msg[i..].find(',').map_or(msg.len(), |e| i + e);
        if &msg[i..end] != "/" {
            bail!("namespace {:?} is not used by the benchmark", &msg[i..end]);
        }
        i = (end + 1).min(msg.len());
    }
    let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let id = if digits > 0 {
        Some(msg[i..i + digits].parse::<u64>()?)
    } else {
        None
    };
    let data = &msg[i + digits..];
    Ok(match (kind, id) {
        (b'0', _) => SioPacket::Connect(data),
        (b'1', _) => SioPacket::Disconnect,
        (b'2', id) => SioPacket::Event { id, data },
        (b'3', Some(id)) => SioPacket::Ack { id, data },
        (b'3', None) => bail!("Socket.IO ack without an id: {:?}", truncate(msg)),
        (b'4', _) => SioPacket::ConnectError(data),
        _ => bail!("unknown Socket.IO packet {:?}", truncate(msg)),
    })
}

/// An event argument.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Str(&'a str),
    U64(u64),
}

/// Appends the Engine.IO message carrying a Socket.IO event with one argument:
/// `42[id]["name",arg]`. `name` is written as is, so it must need no JSON escaping.
pub(crate) fn encode_event(out: &mut String, name: &str, arg: Arg<'_>, ack: Option<u64>) {
    out.push_str("42");
    if let Some(id) = ack {
        push_u64(out, id);
    }
    out.push_str("[\"");
    out.push_str(name);
    out.push_str("\",");
    match arg {
        Arg::Str(s) if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Arg::Str(s) => out.push_str(&serde_json::Value::from(s).to_string()),
        Arg::U64(n) => push_u64(out, n),
    }
    out.push(']');
}

/// The event name of an event's data (`["m",...]` is `m`); `None` when the name has escapes.
pub(crate) fn event_name(data: &str) -> Option<&str> {
    let rest = data.strip_prefix("[\"")?;
    let end = rest.find('"')?;
    let name = &rest[..end];
    (!name.contains('\\')).then_some(name)
}

/// The first argument of an ack or event data, when it is a non-negative integer: `[123]`
/// and `["echo",123]` both give 123 (`skip_name` drops a leading event name).
pub(crate) fn first_number(data: &str, skip_name: bool) -> Option<u64> {
    let mut rest = data.strip_prefix('[')?;
    if skip_name {
        let after = rest.strip_prefix('"')?;
        rest = after[after.find('"')? + 1..].strip_prefix(',')?;
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

pub(crate) fn push_u64(out: &mut String, n: u64) {
    use std::fmt::Write as _;
    let _ = write!(out, "{n}");
}

fn truncate(s: &str) -> &str {
    let mut end = s.len().min(80);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_io_packets() {
        let open = r#"0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;
        let EioPacket::Open(json) = decode(open).unwrap() else {
            panic!("not open")
        };
        let h = parse_handshake(json).unwrap();
        assert_eq!(h.sid, "lv_VI97HAXpY6yYWAAAC");
        assert_eq!((h.ping_interval, h.ping_timeout), (25000, 20000));
        assert_eq!(decode("1").unwrap(), EioPacket::Close);
        assert_eq!(decode("2").unwrap(), EioPacket::Ping(""));
        assert_eq!(decode("2probe").unwrap(), EioPacket::Ping("probe"));
        assert_eq!(decode("3").unwrap(), EioPacket::Pong(""));
        assert_eq!(decode("40").unwrap(), EioPacket::Message("0"));
        assert_eq!(decode("5").unwrap(), EioPacket::Upgrade);
        assert_eq!(decode("6").unwrap(), EioPacket::Noop);
        assert!(decode("").is_err());
        assert!(decode("7").is_err());
        assert!(decode("bAQID").is_err());
    }

    #[test]
    fn polling_payloads_split_on_record_separator() {
        let body = "2\x1e42[\"m\",\"a\\u001eb\"]\x1e6";
        let packets: Vec<_> = split_payload(body).collect();
        assert_eq!(packets, ["2", "42[\"m\",\"a\\u001eb\"]", "6"]);
        assert_eq!(split_payload("").count(), 0);
    }

    #[test]
    fn socket_io_packets() {
        assert_eq!(
            decode_sio(r#"0{"sid":"abc"}"#).unwrap(),
            SioPacket::Connect(r#"{"sid":"abc"}"#)
        );
        assert_eq!(decode_sio("1").unwrap(), SioPacket::Disconnect);
        assert_eq!(
            decode_sio(r#"2["m","xx"]"#).unwrap(),
            SioPacket::Event {
                id: None,
                data: r#"["m","xx"]"#
            }
        );
        assert_eq!(
            decode_sio(r#"217["echo",5]"#).unwrap(),
            SioPacket::Event {
                id: Some(17),
                data: r#"["echo",5]"#
            }
        );
        assert_eq!(
            decode_sio("3123[1700000000123]").unwrap(),
            SioPacket::Ack {
                id: 123,
                data: "[1700000000123]"
            }
        );
        assert!(decode_sio("/,3[]").is_err());
        assert_eq!(
            decode_sio("2/,7[\"m\"]").unwrap(),
            SioPacket::Event {
                id: Some(7),
                data: "[\"m\"]"
            }
        );
        assert!(decode_sio("2/admin,[\"m\"]").is_err());
        assert!(decode_sio("3[]").is_err());
        assert!(decode_sio("51-[\"m\",{\"_placeholder\":true,\"num\":0}]").is_err());
        assert_eq!(
            decode_sio(r#"4{"message":"Invalid namespace"}"#).unwrap(),
            SioPacket::ConnectError(r#"{"message":"Invalid namespace"}"#)
        );
        assert!(decode_sio("").is_err());
        assert!(decode_sio("9").is_err());
    }

    #[test]
    fn encoding_events() {
        let mut out = String::new();
        encode_event(&mut out, "publish", Arg::Str("xyz"), Some(12));
        assert_eq!(out, r#"4212["publish","xyz"]"#);
        out.clear();
        encode_event(&mut out, "publish", Arg::Str("a\"b\n"), None);
        assert_eq!(out, r#"42["publish","a\"b\n"]"#);
        out.clear();
        encode_event(&mut out, "echo", Arg::U64(42), None);
        assert_eq!(out, r#"42["echo",42]"#);
        // What the encoder writes, the decoder reads back.
        let EioPacket::Message(msg) = decode(&out).unwrap() else {
            panic!()
        };
        let SioPacket::Event { id, data } = decode_sio(msg).unwrap() else {
            panic!()
        };
        assert_eq!((id, event_name(data)), (None, Some("echo")));
        assert_eq!(first_number(data, true), Some(42));
    }

    #[test]
    fn names_and_numbers_of_data() {
        assert_eq!(event_name(r#"["m","x"]"#), Some("m"));
        assert_eq!(event_name(r#"["a\"b",1]"#), None);
        assert_eq!(event_name("[1]"), None);
        assert_eq!(first_number("[123]", false), Some(123));
        assert_eq!(first_number("[123,\"x\"]", false), Some(123));
        assert_eq!(first_number("[\"x\"]", false), None);
        assert_eq!(first_number("[]", false), None);
        assert_eq!(first_number(r#"["m",77]"#, true), Some(77));
        assert_eq!(first_number(r#"["m"]"#, true), None);
    }
}
