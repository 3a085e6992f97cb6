//! The properties every fuzz target checks, shared with the stable-toolchain test
//! `crates/tramline-protocol/tests/fuzz_corpus.rs` (which includes this file by path).
//!
//! For any input: decoding returns `Ok` or `Err`, never panics. For any packet that decodes:
//! re-encoding it on every framing and decoding that again gives the same packet, and the
//! text form is a single line (batches, streaming and SSE are line-framed).

use tramline_protocol::{
    decode_batch, decode_binary_frame, decode_text, encode_batch, encode_sse, encode_websocket,
    to_text, Packet, WsMessage,
};

/// Fuzz `decode_text`.
pub fn check_text(data: &[u8]) {
    if let Ok(packet) = decode_text(data) {
        check_packet(&packet);
    }
}

/// Fuzz `decode_batch`.
pub fn check_batch(data: &[u8]) {
    if let Ok(packets) = decode_batch(data) {
        assert!(!packets.is_empty(), "a decoded batch is never empty");
        let encoded = encode_batch(&packets);
        assert_eq!(
            decode_batch(&encoded).as_ref(),
            Ok(&packets),
            "batch round trip"
        );
        for packet in &packets {
            check_packet(packet);
        }
    }
}

/// Fuzz `decode_binary_frame`.
pub fn check_binary_frame(data: &[u8]) {
    if let Ok(packet) = decode_binary_frame(data) {
        check_packet(&packet);
    }
}

/// Re-encodes a decoded packet every way and checks that it decodes back to itself.
pub fn check_packet(packet: &Packet) {
    let text = to_text(packet);
    assert!(
        !text.contains(&b'\n') && !text.contains(&b'\r'),
        "encoded packet spans lines: {:?}",
        String::from_utf8_lossy(&text)
    );
    assert_eq!(decode_text(&text).as_ref(), Ok(packet), "text round trip");
    assert_eq!(
        decode_batch(&text).as_deref(),
        Ok(std::slice::from_ref(packet)),
        "batch of one"
    );

    let mut sse = Vec::new();
    encode_sse(packet, &mut sse);
    let expected = match packet.seq {
        Some(seq) => format!("id: {seq}\ndata: "),
        None => "data: ".to_owned(),
    };
    assert!(sse.starts_with(expected.as_bytes()) && sse.ends_with(b"\n\n"));
    assert_eq!(
        &sse[expected.len()..sse.len() - 2],
        text.as_slice(),
        "sse data"
    );

    match encode_websocket(packet) {
        WsMessage::Text(frame) => assert_eq!(frame, text, "websocket text frame"),
        WsMessage::Binary(frame) => {
            assert_eq!(
                decode_binary_frame(&frame).as_ref(),
                Ok(packet),
                "binary frame round trip"
            );
        }
    }
}
