//! Property-style round trips over many generated packets (a fixed-seed PRNG, so a failure
//! reproduces): whatever the encoder writes, the decoder reads back as the same packet, on
//! every transport's framing, and no encoded packet ever spans two lines.

mod common;

use bytes::Bytes;
use serde_json::{json, Value};
use tramline_protocol::{
    decode_batch, decode_binary_frame, decode_text, encode_batch, encode_sse, encode_streaming,
    encode_websocket, to_text, Ack, Args, Body, Close, CloseCode, Connect, ErrorBody, Event,
    Handshake, Packet, TransportKind, WsMessage,
};

use common::Rng;

const ITERATIONS: usize = 20_000;

fn gen_string(rng: &mut Rng, allow_empty: bool) -> String {
    const PIECES: [&str; 16] = [
        "a", "say", " ", "é", "✓", "😀", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1f}", "\u{7f}",
        "\u{2028}", "$bin",
    ];
    let len = rng.below(8) as usize + usize::from(!allow_empty);
    (0..len).map(|_| *rng.pick(&PIECES)).collect()
}

fn gen_json(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => json!(rng.next_u64() >> rng.below(64)),
        3 => json!(-(rng.below(1_000_000) as i64)),
        4 => Value::String(gen_string(rng, true)),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| gen_json(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(4))
                .map(|_| (gen_string(rng, true), gen_json(rng, depth + 1)))
                .collect(),
        ),
    }
}

fn gen_bytes(rng: &mut Rng) -> Bytes {
    let len = match rng.below(10) {
        0 => 0,
        1 => 300 + rng.below(300) as usize,
        _ => rng.below(8) as usize,
    };
    (0..len).map(|_| rng.next_u64() as u8).collect()
}

fn gen_args(rng: &mut Rng, with_bins: bool) -> Args {
    let bins: Vec<Bytes> = if with_bins && rng.chance(30) {
        (0..1 + rng.below(3)).map(|_| gen_bytes(rng)).collect()
    } else {
        Vec::new()
    };
    let mut items: Vec<Value> = (0..rng.below(4)).map(|_| gen_json(rng, 0)).collect();
    for i in 0..bins.len() {
        items.push(json!({ "$bin": i }));
    }
    let json = if rng.chance(10) {
        // Pretty-printed (multi-line) JSON from the application: the encoder must still
        // write one line.
        serde_json::to_string_pretty(&items).unwrap()
    } else {
        serde_json::to_string(&items).unwrap()
    };
    Args::new(json, bins).expect("an array")
}

fn gen_u64(rng: &mut Rng) -> u64 {
    match rng.below(4) {
        0 => 1,
        1 => u64::MAX,
        _ => 1 + rng.below(1 << 40),
    }
}

fn gen_transports(rng: &mut Rng) -> Vec<TransportKind> {
    TransportKind::ALL
        .into_iter()
        .filter(|_| rng.chance(60))
        .collect()
}

fn gen_body(rng: &mut Rng) -> Body {
    match rng.below(10) {
        0 => Body::Connect(Connect {
            auth: rng
                .chance(50)
                .then(|| Bytes::from(gen_json(rng, 0).to_string())),
        }),
        1 => Body::Open(Handshake {
            sid: gen_string(rng, true),
            version: rng.next_u64() as u32,
            ping_interval: rng.next_u64(),
            ping_timeout: rng.next_u64(),
            max_payload: rng.next_u64(),
            transports: gen_transports(rng),
            upgrades: gen_transports(rng),
        }),
        2 => Body::Close(Close {
            code: if rng.chance(80) {
                *rng.pick(&CloseCode::ALL)
            } else {
                CloseCode(rng.next_u64() as u16)
            },
            reason: gen_string(rng, true),
        }),
        3 => Body::Ping {
            probe: rng.chance(50),
        },
        4 => Body::Pong {
            probe: rng.chance(50),
        },
        5 => Body::Upgrade,
        6 => Body::Noop,
        7 => Body::Event(Event {
            name: gen_string(rng, false),
            args: gen_args(rng, true),
            ack: rng.chance(50).then(|| gen_u64(rng)),
        }),
        8 => Body::Ack(Ack {
            id: gen_u64(rng),
            result: if rng.chance(70) {
                Ok(gen_args(rng, true))
            } else {
                Err(ErrorBody {
                    code: gen_string(rng, true),
                    message: gen_string(rng, true),
                })
            },
        }),
        _ => Body::Error(ErrorBody {
            code: gen_string(rng, true),
            message: gen_string(rng, true),
        }),
    }
}

fn gen_packet(rng: &mut Rng) -> Packet {
    let body = gen_body(rng);
    let seq = body.is_sequenced().then(|| gen_u64(rng));
    let rx = rng.chance(50).then(|| gen_u64(rng) - 1);
    Packet { seq, rx, body }
}

/// What the decoder yields for `p`: the encoder writes CR and LF in raw JSON as spaces, and a
/// field whose value is `null` is absent (so `auth: Some("null")` reads back as `None`).
fn as_decoded(p: &Packet) -> Packet {
    fn one_line(b: &Bytes) -> Bytes {
        b.iter()
            .map(|&c| if c == b'\n' || c == b'\r' { b' ' } else { c })
            .collect()
    }
    let mut p = p.clone();
    match &mut p.body {
        Body::Connect(c) if c.auth.as_deref() == Some(b"null") => c.auth = None,
        Body::Connect(Connect { auth: Some(a) }) => *a = one_line(a),
        Body::Event(e) => e.args.json = one_line(&e.args.json),
        Body::Ack(Ack { result: Ok(a), .. }) => a.json = one_line(&a.json),
        _ => {}
    }
    p
}

/// Undoes `encode_sse` for one event: returns the `id` and the `data` text.
fn parse_sse(event: &[u8]) -> (Option<u64>, Vec<u8>) {
    let text = std::str::from_utf8(event).unwrap();
    let text = text
        .strip_suffix("\n\n")
        .expect("event ends with a blank line");
    let mut id = None;
    let mut data = None;
    for line in text.split('\n') {
        if let Some(v) = line.strip_prefix("id: ") {
            id = Some(v.parse().unwrap());
        } else if let Some(v) = line.strip_prefix("data: ") {
            assert!(data.is_none(), "one data line per event");
            data = Some(v.as_bytes().to_vec());
        } else {
            panic!("unexpected SSE line {line:?}");
        }
        assert!(!line.contains('\r'), "CR is a line end in SSE");
    }
    (id, data.expect("a data line"))
}

#[test]
fn generated_packets_round_trip_on_every_framing() {
    let mut rng = Rng::new(0x5717_c4ad_0001);
    for i in 0..ITERATIONS {
        let original = gen_packet(&mut rng);
        let packet = as_decoded(&original);
        let ctx = || format!("iteration {i}: {original:?}");

        // Text (polling line, websocket text frame, uplink POST line).
        let text = to_text(&original);
        assert!(
            !text.contains(&b'\n') && !text.contains(&b'\r'),
            "{}: multi-line text {:?}",
            ctx(),
            String::from_utf8_lossy(&text)
        );
        assert_eq!(decode_text(&text).as_ref(), Ok(&packet), "{}", ctx());
        if original == packet {
            assert_eq!(to_text(&packet), text, "{}: fixed point", ctx());
        }

        // Streaming.
        let mut streaming = Vec::new();
        encode_streaming(&original, &mut streaming);
        assert_eq!(streaming.last(), Some(&b'\n'));
        assert_eq!(decode_batch(&streaming), Ok(vec![packet.clone()]));

        // SSE.
        let mut sse = Vec::new();
        encode_sse(&original, &mut sse);
        let (id, data) = parse_sse(&sse);
        assert_eq!(id, packet.seq, "{}: sse id", ctx());
        assert_eq!(decode_text(&data).as_ref(), Ok(&packet), "{}", ctx());

        // WebSocket.
        match encode_websocket(&original) {
            WsMessage::Text(t) => {
                assert_eq!(t, text);
            }
            WsMessage::Binary(frame) => {
                assert_eq!(
                    decode_binary_frame(&frame).as_ref(),
                    Ok(&packet),
                    "{}",
                    ctx()
                );
                // The JSON part carries no `bin`; the text form does.
                let json_len = u32::from_be_bytes(frame[..4].try_into().unwrap()) as usize;
                let json: Value = serde_json::from_slice(&frame[4..4 + json_len]).unwrap();
                assert!(json.get("bin").is_none(), "{}", ctx());
                let inline: Value = serde_json::from_slice(&text).unwrap();
                assert!(inline.get("bin").is_some(), "{}", ctx());
            }
        }
    }
}

#[test]
fn generated_batches_round_trip() {
    let mut rng = Rng::new(0x5717_c4ad_0002);
    for i in 0..ITERATIONS / 10 {
        let originals: Vec<Packet> = (0..1 + rng.below(6))
            .map(|_| gen_packet(&mut rng))
            .collect();
        let packets: Vec<Packet> = originals.iter().map(as_decoded).collect();
        let batch = encode_batch(&originals);
        assert_eq!(
            batch.iter().filter(|&&b| b == b'\n').count(),
            packets.len() - 1
        );
        assert_eq!(decode_batch(&batch), Ok(packets.clone()), "iteration {i}");

        // Receivers tolerate blank lines and CRLF line ends.
        let mut padded = b"\r\n".to_vec();
        for p in &originals {
            padded.extend_from_slice(&to_text(p));
            padded.extend_from_slice(b"\r\n  \n");
        }
        assert_eq!(decode_batch(&padded), Ok(packets), "iteration {i} (padded)");
    }
}

#[test]
fn truncating_an_encoded_packet_never_decodes_to_it() {
    // Every strict prefix of an encoded packet is an error, never a different packet.
    let mut rng = Rng::new(0x5717_c4ad_0003);
    for _ in 0..500 {
        let original = gen_packet(&mut rng);
        let text = to_text(&original);
        for cut in 0..text.len() {
            assert!(decode_text(&text[..cut]).is_err());
        }
        if let WsMessage::Binary(frame) = encode_websocket(&original) {
            for cut in 0..frame.len() {
                // A cut exactly between two attachments is a valid frame with fewer of them.
                if let Ok(p) = decode_binary_frame(&frame[..cut]) {
                    assert_ne!(p, as_decoded(&original));
                }
            }
        }
    }
}
