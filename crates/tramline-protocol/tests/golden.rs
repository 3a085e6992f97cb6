//! Golden wire fixtures: every file in `tests/fixtures/wire/` decodes to the fields it lists
//! and re-encodes to exactly the same bytes (text, SSE, WebSocket binary frame). The
//! TypeScript codec checks the same files, so both sides agree byte for byte.

mod common;

use std::collections::BTreeSet;

use base64::Engine as _;
use serde_json::Value;
use tramline_protocol::{
    decode_batch, decode_binary_frame, decode_text, encode_batch, encode_sse, encode_streaming,
    encode_text, encode_websocket, sse_prelude, streaming_prelude, to_text, Body, Packet,
    SharedBody, SharedPacket, TextPacket as _, WsMessage, PRELUDE_PADDING_BYTES, SSE_RETRY_MS,
};

use common::{
    fixture_names, from_hex, packet_fields, read_fixture, str_field, to_hex, SPECIAL_FIXTURES,
};

const PACKET_KEYS: [&str; 8] = [
    "description",
    "packet_type",
    "direction",
    "text",
    "fields",
    "sse",
    "attachments_base64",
    "websocket_binary_hex",
];

fn packet_fixture_names() -> Vec<String> {
    fixture_names()
        .into_iter()
        .filter(|n| !SPECIAL_FIXTURES.contains(&n.as_str()))
        .collect()
}

/// Checks one packet fixture; returns the decoded packet.
fn check_packet_fixture(name: &str, fx: &Value) -> Packet {
    let obj = fx
        .as_object()
        .unwrap_or_else(|| panic!("{name}: not an object"));
    for key in obj.keys() {
        assert!(
            PACKET_KEYS.contains(&key.as_str()),
            "{name}: unknown key {key:?}"
        );
    }
    for key in ["description", "packet_type", "direction", "text", "fields"] {
        assert!(obj.contains_key(key), "{name}: missing key {key:?}");
    }
    let direction = str_field(fx, "direction");
    assert!(
        ["client-to-server", "server-to-client", "both"].contains(&direction),
        "{name}: direction {direction:?}"
    );

    let text = str_field(fx, "text");
    let packet = decode_text(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));

    // Fields.
    assert_eq!(
        packet.body.type_name(),
        str_field(fx, "packet_type"),
        "{name}: packet_type"
    );
    assert_eq!(packet_fields(&packet), fx["fields"], "{name}: fields");

    // Text: exact bytes, through every text encoder.
    assert_eq!(
        String::from_utf8(to_text(&packet)).unwrap(),
        text,
        "{name}: to_text"
    );
    let mut appended = b"prefix".to_vec();
    encode_text(&packet, &mut appended);
    assert_eq!(
        &appended[6..],
        text.as_bytes(),
        "{name}: encode_text appends"
    );
    assert_eq!(
        encode_batch([&packet]),
        text.as_bytes(),
        "{name}: batch of one"
    );
    assert_eq!(decode_batch(text.as_bytes()).unwrap(), vec![packet.clone()]);
    // The server's form: the body encoded once, the envelope per packet.
    let shared = SharedPacket {
        seq: packet.seq,
        rx: packet.rx,
        body: SharedBody::new(packet.body.clone()),
    };
    let mut shared_text = Vec::new();
    shared.encode_text(&mut shared_text);
    assert_eq!(shared_text, text.as_bytes(), "{name}: shared packet text");
    assert_eq!(
        shared.encode_websocket(),
        encode_websocket(&packet),
        "{name}: shared packet websocket"
    );
    let mut streaming = Vec::new();
    encode_streaming(&packet, &mut streaming);
    assert_eq!(
        streaming,
        format!("{text}\n").as_bytes(),
        "{name}: streaming"
    );

    // SSE.
    let mut sse = Vec::new();
    encode_sse(&packet, &mut sse);
    let expected_sse = match packet.seq {
        Some(seq) => format!("id: {seq}\ndata: {text}\n\n"),
        None => format!("data: {text}\n\n"),
    };
    assert_eq!(String::from_utf8(sse.clone()).unwrap(), expected_sse);
    if let Some(fixture_sse) = fx.get("sse") {
        assert_eq!(
            String::from_utf8(sse).unwrap(),
            fixture_sse.as_str().unwrap(),
            "{name}: sse"
        );
    }

    // Attachments and WebSocket framing.
    let bins = attachments(&packet.body);
    match fx.get("attachments_base64") {
        Some(list) => {
            let expected: Vec<Vec<u8>> = list
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    base64::engine::general_purpose::STANDARD
                        .decode(s.as_str().unwrap())
                        .unwrap()
                })
                .collect();
            let got: Vec<Vec<u8>> = bins.iter().map(|b| b.to_vec()).collect();
            assert_eq!(got, expected, "{name}: attachments");
            assert!(
                !got.is_empty(),
                "{name}: attachments_base64 must not be empty"
            );
        }
        None => assert!(bins.is_empty(), "{name}: attachments not listed"),
    }
    match (encode_websocket(&packet), fx.get("websocket_binary_hex")) {
        (WsMessage::Binary(frame), Some(hex)) => {
            let hex = hex.as_str().unwrap();
            assert_eq!(to_hex(&frame), hex, "{name}: websocket binary frame");
            assert_eq!(
                decode_binary_frame(&from_hex(hex)).unwrap(),
                packet,
                "{name}: binary frame decodes"
            );
        }
        (WsMessage::Text(frame), None) => {
            assert_eq!(frame, text.as_bytes(), "{name}: websocket text frame");
        }
        (msg, hex) => panic!("{name}: websocket framing {msg:?} vs fixture {hex:?}"),
    }
    packet
}

fn attachments(body: &Body) -> &[bytes::Bytes] {
    match body {
        Body::Event(e) => &e.args.bins,
        Body::Ack(a) => a.result.as_ref().map(|a| a.bins.as_slice()).unwrap_or(&[]),
        _ => &[],
    }
}

#[test]
fn fixture_directory_holds_the_expected_files() {
    let names = fixture_names();
    for special in SPECIAL_FIXTURES {
        assert!(names.iter().any(|n| n == special), "missing {special}");
    }
    assert!(
        common::fixture_dir().join("README.md").is_file(),
        "the fixture schema is documented in README.md"
    );
    // Every file parses as JSON.
    for name in &names {
        read_fixture(name);
    }
}

#[test]
fn every_packet_fixture_round_trips_exactly() {
    let names = packet_fixture_names();
    assert!(names.len() >= 18, "only {} packet fixtures", names.len());
    for name in &names {
        check_packet_fixture(name, &read_fixture(name));
    }
}

#[test]
fn packet_fixtures_cover_every_type_and_form() {
    let packets: Vec<Packet> = packet_fixture_names()
        .iter()
        .map(|n| check_packet_fixture(n, &read_fixture(n)))
        .collect();
    let types: BTreeSet<&str> = packets.iter().map(|p| p.body.type_name()).collect();
    let all: BTreeSet<&str> = [
        "connect", "open", "close", "ping", "pong", "upgrade", "noop", "event", "ack", "error",
    ]
    .into();
    assert_eq!(types, all);

    let has = |what: &str, f: &dyn Fn(&Packet) -> bool| {
        assert!(packets.iter().any(f), "no fixture for {what}");
    };
    has(
        "connect without auth",
        &|p| matches!(&p.body, Body::Connect(c) if c.auth.is_none()),
    );
    has(
        "connect with auth",
        &|p| matches!(&p.body, Body::Connect(c) if c.auth.is_some()),
    );
    has("probe ping", &|p| {
        matches!(p.body, Body::Ping { probe: true })
    });
    has("probe pong", &|p| {
        matches!(p.body, Body::Pong { probe: true })
    });
    has("heartbeat ping", &|p| {
        matches!(p.body, Body::Ping { probe: false })
    });
    has("heartbeat pong", &|p| {
        matches!(p.body, Body::Pong { probe: false })
    });
    has("upgrade with rx", &|p| {
        matches!(p.body, Body::Upgrade) && p.rx.is_some()
    });
    has("noop with rx", &|p| {
        matches!(p.body, Body::Noop) && p.rx.is_some()
    });
    has(
        "close 4409",
        &|p| matches!(&p.body, Body::Close(c) if c.code.0 == 4409),
    );
    has("plain event", &|p| {
        matches!(&p.body, Body::Event(e) if e.ack.is_none() && e.args.bins.is_empty())
            && p.rx.is_none()
    });
    has("event with ack and rx", &|p| {
        matches!(&p.body, Body::Event(e) if e.ack.is_some()) && p.rx.is_some()
    });
    has(
        "event with attachments",
        &|p| matches!(&p.body, Body::Event(e) if !e.args.bins.is_empty()),
    );
    has(
        "ack ok",
        &|p| matches!(&p.body, Body::Ack(a) if a.result.as_ref().is_ok_and(|a| a.bins.is_empty())),
    );
    has(
        "ack with attachment",
        &|p| matches!(&p.body, Body::Ack(a) if a.result.as_ref().is_ok_and(|a| !a.bins.is_empty())),
    );
    has(
        "ack error form",
        &|p| matches!(&p.body, Body::Ack(a) if a.result.is_err()),
    );
}

#[test]
fn batch_fixture_round_trips_exactly() {
    let fx = read_fixture("batch.json");
    let lines: Vec<&str> = fx["packets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(lines.len() >= 3);
    let packets: Vec<Packet> = lines
        .iter()
        .map(|l| decode_text(l.as_bytes()).unwrap())
        .collect();
    let text = str_field(&fx, "text");
    assert_eq!(text, lines.join("\n"));
    assert_eq!(decode_batch(text.as_bytes()).unwrap(), packets);
    assert_eq!(String::from_utf8(encode_batch(&packets)).unwrap(), text);

    let mut streaming = Vec::new();
    let mut sse = Vec::new();
    for p in &packets {
        encode_streaming(p, &mut streaming);
        encode_sse(p, &mut sse);
    }
    assert_eq!(
        String::from_utf8(streaming).unwrap(),
        str_field(&fx, "streaming")
    );
    assert_eq!(String::from_utf8(sse).unwrap(), str_field(&fx, "sse"));
    // A streaming body is also a valid batch.
    assert_eq!(
        decode_batch(str_field(&fx, "streaming").as_bytes()).unwrap(),
        packets
    );
}

fn prelude(spec: &Value) -> Vec<u8> {
    let mut out = str_field(spec, "prefix").as_bytes().to_vec();
    let spaces = spec["spaces"].as_u64().unwrap() as usize;
    out.extend(std::iter::repeat_n(b' ', spaces));
    out.extend_from_slice(str_field(spec, "suffix").as_bytes());
    out
}

#[test]
fn framing_fixture_matches_the_preludes() {
    let fx = read_fixture("framing.json");
    assert_eq!(streaming_prelude(), prelude(&fx["streaming_prelude"]));
    assert_eq!(sse_prelude(), prelude(&fx["sse_prelude"]));
    assert_eq!(PRELUDE_PADDING_BYTES, 2048);
    assert_eq!(SSE_RETRY_MS, 2000);
    // A streaming prelude is a whitespace-only line: as a batch it holds no packet.
    assert_eq!(
        decode_batch(&streaming_prelude()),
        Err(tramline_protocol::DecodeError::Empty)
    );
}

#[test]
fn noncanonical_inputs_decode_to_the_canonical_packet() {
    let fx = read_fixture("noncanonical.json");
    let samples = fx.as_array().unwrap();
    assert!(samples.len() >= 10);
    for s in samples {
        let desc = str_field(s, "description");
        let kind = str_field(s, "kind");
        let input = match (s.get("input"), s.get("input_hex")) {
            (Some(text), None) => text.as_str().unwrap().as_bytes().to_vec(),
            (None, Some(hex)) => from_hex(hex.as_str().unwrap()),
            _ => panic!("{desc}: exactly one of input, input_hex"),
        };
        let canonical = str_field(s, "canonical");
        let encoded = match kind {
            "text" => to_text(&decode_text(&input).unwrap_or_else(|e| panic!("{desc}: {e}"))),
            "batch" => {
                encode_batch(&decode_batch(&input).unwrap_or_else(|e| panic!("{desc}: {e}")))
            }
            "binary" => {
                to_text(&decode_binary_frame(&input).unwrap_or_else(|e| panic!("{desc}: {e}")))
            }
            other => panic!("{desc}: unknown kind {other}"),
        };
        assert_eq!(String::from_utf8(encoded).unwrap(), canonical, "{desc}");
        // The canonical form is a fixed point.
        let again = encode_batch(&decode_batch(canonical.as_bytes()).unwrap());
        assert_eq!(
            String::from_utf8(again).unwrap(),
            canonical,
            "{desc}: fixed point"
        );
    }
}
