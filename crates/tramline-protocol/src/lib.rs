//! # tramline-protocol
//!
//! The Tramline wire protocol, version 1, as data: packets ([`Packet`], [`Body`]), how each
//! transport frames them, the handshake document ([`Handshake`]), close codes ([`CloseCode`])
//! and HTTP error codes ([`ErrorCode`]).
//!
//! This crate does no IO and needs no runtime, so that the server, tests, benchmarks and the
//! fuzzer all share one codec. Its human-readable twin is `docs/protocol.md`; golden samples of
//! every packet live in `tests/fixtures/wire/` and are checked here and by the TypeScript
//! client.
//!
//! ```
//! use tramline_protocol::{decode_text, to_text, Args, Body, Event, Packet};
//!
//! let packet = Packet::sequenced(1, Body::Event(Event {
//!     name: "say".into(),
//!     args: Args::new(r#"[{"text":"hi"}]"#, vec![]).unwrap(),
//!     ack: Some(7),
//! }));
//! let bytes = to_text(&packet);
//! assert_eq!(bytes, br#"{"type":"event","seq":1,"name":"say","args":[{"text":"hi"}],"ack":7}"#);
//! assert_eq!(decode_text(&bytes).unwrap(), packet);
//! ```

mod codes;
mod decode;
mod encode;
mod error;
mod framing;
mod packet;
mod shared;
mod transport;

pub use codes::{CloseCode, ErrorCode};
pub use decode::{decode_batch, decode_binary_frame, decode_text};
pub use encode::{encode_batch, encode_text, encode_websocket, to_text, WsMessage};
pub use error::DecodeError;
pub use framing::{
    encode_sse, encode_streaming, sse_prelude, streaming_prelude, PRELUDE_PADDING_BYTES,
    SSE_RETRY_MS,
};
pub use packet::{
    Ack, Args, Body, Close, Connect, ErrorBody, Event, Handshake, Packet, PROTOCOL_VERSION,
};
pub use shared::{SharedBody, SharedPacket, TextPacket};
pub use transport::{TransportKind, UnknownTransport};

/// A client SHOULD report `rx` at least once per this many sequenced packets received, so the
/// server can free its replay buffer (see "Acknowledgement" in `docs/protocol.md`).
pub const ACK_EVERY: u64 = 64;
