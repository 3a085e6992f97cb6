//! The four transport names. They are the one vocabulary used in Rust, TypeScript, URLs, the
//! handshake document, docs and logs, so they live here, next to the wire format.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A way for a client to attach to a session.
///
/// `Debug` and `Display` both print the wire name (`websocket`, `sse`, `streaming`, `polling`),
/// so logs read the same whichever one a caller uses.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// Full duplex over one WebSocket.
    Websocket,
    /// Server-Sent Events downlink (`text/event-stream`), uplink by POST.
    Sse,
    /// One long chunked HTTP response as downlink, uplink by POST.
    Streaming,
    /// Long-polling GET as downlink, uplink by POST.
    Polling,
}

impl TransportKind {
    /// Every transport, best first.
    pub const ALL: [TransportKind; 4] = [
        TransportKind::Websocket,
        TransportKind::Sse,
        TransportKind::Streaming,
        TransportKind::Polling,
    ];

    /// The wire and URL name: `websocket`, `sse`, `streaming` or `polling`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TransportKind::Websocket => "websocket",
            TransportKind::Sse => "sse",
            TransportKind::Streaming => "streaming",
            TransportKind::Polling => "polling",
        }
    }
}

impl fmt::Debug for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returned when a string is not one of the four transport names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown transport {0:?}: expected websocket, sse, streaming or polling")]
pub struct UnknownTransport(pub String);

impl FromStr for TransportKind {
    type Err = UnknownTransport;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TransportKind::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownTransport(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_print_the_wire_name() {
        for t in TransportKind::ALL {
            assert_eq!(format!("{t:?}"), t.as_str());
            assert_eq!(format!("{t}"), t.as_str());
        }
        assert_eq!(format!("{:?}", TransportKind::Sse), "sse");
    }

    #[test]
    fn names_round_trip() {
        for t in TransportKind::ALL {
            assert_eq!(t.as_str().parse::<TransportKind>(), Ok(t));
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{t}\""));
        }
        assert!("ws".parse::<TransportKind>().is_err());
    }
}
