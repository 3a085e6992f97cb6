//! Per-transport framing of encoded packets: SSE events and the streaming and SSE preludes.
//! WebSocket framing is in [`crate::encode_websocket`]; polling and the uplink POST use
//! [`crate::encode_batch`].

use std::io::Write as _;

use crate::shared::TextPacket;

/// Size of the padding that starts a `streaming` response (and an `sse` stream): at least
/// 2 KiB, so that old browsers fire progress events and buffering proxies start delivering.
pub const PRELUDE_PADDING_BYTES: usize = 2048;

/// The milliseconds an `EventSource` waits before reconnecting on its own (SSE `retry:`).
pub const SSE_RETRY_MS: u64 = 2000;

/// The first bytes of a `streaming` response: a line of spaces, which clients skip (every
/// whitespace-only line is skipped).
pub fn streaming_prelude() -> Vec<u8> {
    let mut out = vec![b' '; PRELUDE_PADDING_BYTES];
    out.push(b'\n');
    out
}

/// Appends one packet to a `streaming` response: its JSON text and `\n`.
pub fn encode_streaming<P: TextPacket + ?Sized>(packet: &P, out: &mut Vec<u8>) {
    packet.encode_text(out);
    out.push(b'\n');
}

/// The first bytes of an `sse` stream: a comment line of padding and the `retry:` field.
pub fn sse_prelude() -> Vec<u8> {
    let mut out = Vec::with_capacity(PRELUDE_PADDING_BYTES + 32);
    out.push(b':');
    out.resize(PRELUDE_PADDING_BYTES + 1, b' ');
    out.extend_from_slice(format!("\nretry: {SSE_RETRY_MS}\n\n").as_bytes());
    out
}

/// Appends one packet as an SSE event: `id: <seq>` for sequenced packets (so that the
/// browser's automatic reconnect sends `Last-Event-ID`), then one `data:` line.
pub fn encode_sse<P: TextPacket + ?Sized>(packet: &P, out: &mut Vec<u8>) {
    if let Some(seq) = packet.seq() {
        // Writing to a Vec cannot fail.
        let _ = writeln!(out, "id: {seq}");
    }
    out.extend_from_slice(b"data: ");
    packet.encode_text(out);
    out.extend_from_slice(b"\n\n");
}
