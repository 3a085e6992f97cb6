//! Why bytes failed to decode. Every variant is a class of malformed input that the server
//! answers with 400 `malformed-packet` (HTTP) or close 4400 (WebSocket), never with a panic.

/// A malformed packet, batch or frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not UTF-8 where text was required.
    #[error("packet is not valid UTF-8")]
    NotUtf8,
    /// The text is not JSON, or not a JSON object.
    #[error("packet is not a JSON object: {0}")]
    InvalidJson(String),
    /// `type` names no packet type of this protocol version.
    #[error("unknown packet type {0:?}")]
    UnknownType(String),
    /// A field the packet type requires is absent.
    #[error("{packet} packet is missing field `{field}`")]
    MissingField {
        /// Packet type.
        packet: &'static str,
        /// Field name.
        field: &'static str,
    },
    /// A field has the wrong type or value.
    #[error("{packet} packet has an invalid `{field}`: {reason}")]
    InvalidField {
        /// Packet type.
        packet: &'static str,
        /// Field name.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// A `bin` entry is not valid base64.
    #[error("attachment {0} is not valid base64")]
    InvalidBase64(usize),
    /// A binary WebSocket frame is shorter than its length prefixes say.
    #[error("binary frame is truncated")]
    TruncatedFrame,
    /// An empty message where a packet was required.
    #[error("empty message")]
    Empty,
}
