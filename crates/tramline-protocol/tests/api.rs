//! The small public API around the codec: constructors, names, code tables and their
//! agreement with `docs/protocol.md`.

use bytes::Bytes;
use tramline_protocol::{
    decode_text, encode_batch, sse_prelude, streaming_prelude, to_text, Ack, Args, Body, Close,
    CloseCode, Connect, DecodeError, ErrorBody, ErrorCode, Event, Handshake, Packet, TransportKind,
    ACK_EVERY, PROTOCOL_VERSION,
};

#[test]
fn constants_match_the_protocol_document() {
    assert_eq!(PROTOCOL_VERSION, 1);
    assert_eq!(ACK_EVERY, 64);
}

#[test]
fn packet_constructors() {
    let p = Packet::control(Body::Noop);
    assert_eq!((p.seq, p.rx), (None, None));
    let p = Packet::sequenced(3, Body::Noop).with_rx(2);
    assert_eq!((p.seq, p.rx), (Some(3), Some(2)));
    assert_eq!(
        to_text(&Packet::control(Body::Noop).with_rx(0)),
        br#"{"type":"noop","rx":0}"#
    );
}

#[test]
fn body_type_names_and_sequencing() {
    let args = Args::empty();
    let bodies = [
        (Body::Connect(Connect::default()), "connect", false),
        (
            Body::Open(Handshake {
                sid: "s".into(),
                version: 1,
                ping_interval: 1,
                ping_timeout: 1,
                max_payload: 1,
                transports: vec![],
                upgrades: vec![],
            }),
            "open",
            false,
        ),
        (
            Body::Close(Close {
                code: CloseCode::NORMAL,
                reason: String::new(),
            }),
            "close",
            false,
        ),
        (Body::Ping { probe: false }, "ping", false),
        (Body::Pong { probe: true }, "pong", false),
        (Body::Upgrade, "upgrade", false),
        (Body::Noop, "noop", false),
        (
            Body::Event(Event {
                name: "e".into(),
                args: args.clone(),
                ack: None,
            }),
            "event",
            true,
        ),
        (
            Body::Ack(Ack {
                id: 1,
                result: Ok(args),
            }),
            "ack",
            true,
        ),
        (
            Body::Error(ErrorBody {
                code: "c".into(),
                message: "m".into(),
            }),
            "error",
            true,
        ),
    ];
    for (body, name, sequenced) in bodies {
        assert_eq!(body.type_name(), name);
        assert_eq!(body.is_sequenced(), sequenced, "{name}");
        // The encoder and decoder agree on which packets carry seq.
        let packet = if sequenced {
            Packet::sequenced(1, body)
        } else {
            Packet::control(body)
        };
        assert_eq!(decode_text(&to_text(&packet)), Ok(packet));
    }
}

#[test]
fn args_constructor_checks_for_an_array() {
    assert!(Args::new("[1]", vec![]).is_some());
    assert!(Args::new(" \n[1]", vec![]).is_some());
    assert!(Args::new("{}", vec![]).is_none());
    assert!(Args::new("", vec![]).is_none());
    assert!(Args::new("1", vec![]).is_none());
    let empty = Args::empty();
    assert_eq!(empty.json_str(), "[]");
    assert!(empty.bins.is_empty());
    let a = Args::new(r#"[{"$bin":0}]"#, vec![Bytes::from_static(b"abc")]).unwrap();
    assert_eq!(a.byte_len(), 12 + 3);
    assert_eq!(a.json_str(), r#"[{"$bin":0}]"#);
}

#[test]
fn pretty_printed_args_are_encoded_on_one_line() {
    let json = serde_json::to_string_pretty(&serde_json::json!([{"a": [1, 2]}, "x"])).unwrap();
    assert!(json.contains('\n'));
    let packet = Packet::sequenced(
        1,
        Body::Event(Event {
            name: "e".into(),
            args: Args::new(json.replace('\n', "\r\n"), vec![]).unwrap(),
            ack: None,
        }),
    );
    let text = to_text(&packet);
    assert!(!text.contains(&b'\n') && !text.contains(&b'\r'));
    let decoded = decode_text(&text).unwrap();
    let Body::Event(e) = decoded.body else {
        panic!("not an event")
    };
    let value: serde_json::Value = serde_json::from_slice(&e.args.json).unwrap();
    assert_eq!(value, serde_json::json!([{"a": [1, 2]}, "x"]));
    // And a multi-line auth payload too.
    let connect = Packet::control(Body::Connect(Connect {
        auth: Some(Bytes::from("{\n\"t\": 1\n}")),
    }));
    assert_eq!(
        to_text(&connect),
        br#"{"type":"connect","auth":{ "t": 1 }}"#
    );
}

#[test]
fn encode_batch_of_nothing_is_empty() {
    assert!(encode_batch(&[] as &[Packet]).is_empty());
}

#[test]
fn preludes() {
    let s = streaming_prelude();
    assert_eq!(s.len(), 2049);
    assert!(s[..2048].iter().all(|&b| b == b' '));
    assert_eq!(s[2048], b'\n');
    let e = sse_prelude();
    assert_eq!(e[0], b':');
    assert!(e[1..2049].iter().all(|&b| b == b' '));
    assert_eq!(&e[2049..], b"\nretry: 2000\n\n");
}

#[test]
fn close_code_table() {
    let table = [
        (4000, "normal"),
        (4400, "malformed"),
        (4403, "rejected"),
        (4404, "unknown-session"),
        (4405, "transport-not-allowed"),
        (4408, "heartbeat-timeout"),
        (4409, "replaced"),
        (4410, "replay-lost"),
        (4413, "payload-too-large"),
        (4429, "slow-consumer"),
        (4503, "shutdown"),
    ];
    assert_eq!(CloseCode::ALL.len(), table.len());
    for (c, (code, name)) in CloseCode::ALL.into_iter().zip(table) {
        assert_eq!((c.0, c.name()), (code, name));
        assert_eq!(c.to_string(), format!("{code} ({name})"));
        assert_eq!(c.ends_session(), code != 4409);
    }
    assert_eq!(CloseCode(4999).name(), "unknown");
    assert_eq!(CloseCode(1000).to_string(), "1000 (unknown)");
}

#[test]
fn error_code_table() {
    let table = [
        (ErrorCode::BadRequest, "bad-request", 400, 4400),
        (ErrorCode::MalformedPacket, "malformed-packet", 400, 4400),
        (
            ErrorCode::TransportNotAllowed,
            "transport-not-allowed",
            400,
            4405,
        ),
        (ErrorCode::OriginNotAllowed, "origin-not-allowed", 403, 4403),
        (ErrorCode::Rejected, "rejected", 403, 4403),
        (ErrorCode::UnknownSession, "unknown-session", 404, 4404),
        (ErrorCode::NotFound, "not-found", 404, 4400),
        (ErrorCode::MethodNotAllowed, "method-not-allowed", 405, 4400),
        (ErrorCode::PayloadTooLarge, "payload-too-large", 413, 4413),
        (ErrorCode::ShuttingDown, "shutting-down", 503, 4503),
    ];
    assert_eq!(ErrorCode::ALL.len(), table.len());
    for (c, (code, name, status, close)) in ErrorCode::ALL.into_iter().zip(table) {
        assert_eq!(c, code);
        assert_eq!(c.as_str(), name);
        assert_eq!(c.to_string(), name);
        assert_eq!(c.http_status(), status, "{name}");
        assert_eq!(c.close_code().0, close, "{name}");
    }
}

#[test]
fn transport_names() {
    let names: Vec<String> = TransportKind::ALL.iter().map(|t| t.to_string()).collect();
    assert_eq!(names, ["websocket", "sse", "streaming", "polling"]);
    for t in TransportKind::ALL {
        assert_eq!(t.as_str().parse::<TransportKind>(), Ok(t));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<TransportKind>(&json).unwrap(), t);
    }
    for bad in ["", "ws", "WebSocket", "long-polling", "xhr"] {
        let err = bad.parse::<TransportKind>().unwrap_err();
        assert_eq!(err.0, bad);
        assert!(err
            .to_string()
            .contains("websocket, sse, streaming or polling"));
    }
}

#[test]
fn decode_errors_name_packet_and_field() {
    let e = decode_text(br#"{"type":"ack","seq":1}"#).unwrap_err();
    assert_eq!(
        e,
        DecodeError::MissingField {
            packet: "ack",
            field: "id"
        }
    );
    assert_eq!(e.to_string(), "ack packet is missing field `id`");
    let e = decode_text(br#"{"type":"event","seq":0,"name":"a"}"#).unwrap_err();
    assert!(matches!(
        e,
        DecodeError::InvalidField {
            packet: "event",
            field: "seq",
            ..
        }
    ));
    assert_eq!(
        decode_text(br#"{"type":"x"}"#).unwrap_err().to_string(),
        r#"unknown packet type "x""#
    );
    let e = decode_text(br#"{"type":"event","seq":1,"name":"a","bin":["A"]}"#).unwrap_err();
    assert_eq!(e, DecodeError::InvalidBase64(0));
    assert_eq!(e.to_string(), "attachment 0 is not valid base64");
}

#[test]
fn handshake_serializes_with_camel_case_keys() {
    let h = Handshake {
        sid: "hH4Mwu2gNRXkbnOWFqLp7A".into(),
        version: PROTOCOL_VERSION,
        ping_interval: 25_000,
        ping_timeout: 20_000,
        max_payload: 1_048_576,
        transports: TransportKind::ALL.to_vec(),
        upgrades: vec![TransportKind::Websocket],
    };
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(
        json,
        r#"{"sid":"hH4Mwu2gNRXkbnOWFqLp7A","version":1,"pingInterval":25000,"pingTimeout":20000,"maxPayload":1048576,"transports":["websocket","sse","streaming","polling"],"upgrades":["websocket"]}"#
    );
    assert_eq!(serde_json::from_str::<Handshake>(&json).unwrap(), h);
}
