//! The packet model: what one packet means, independent of how a transport frames it.
//!
//! A packet is an envelope (`seq`, `rx`) around a [`Body`]. Sequenced bodies (event, ack,
//! error) carry `seq`, numbered from 1 per direction per session; every packet may carry `rx`,
//! the highest sequence number its sender has received from the other side without a gap.
//! Those two numbers are what make a transport switch exact: see `docs/protocol.md`.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::codes::CloseCode;
use crate::transport::TransportKind;

/// The protocol version this crate speaks, sent in the `open` packet.
pub const PROTOCOL_VERSION: u32 = 1;

/// One packet: an envelope and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    /// Sequence number; present exactly on sequenced bodies (see [`Body::is_sequenced`]).
    pub seq: Option<u64>,
    /// Cumulative acknowledgement: every packet up to this sequence number was received.
    pub rx: Option<u64>,
    /// What the packet says.
    pub body: Body,
}

impl Packet {
    /// An unsequenced packet with no `rx`.
    pub fn control(body: Body) -> Packet {
        Packet {
            seq: None,
            rx: None,
            body,
        }
    }

    /// A sequenced packet.
    pub fn sequenced(seq: u64, body: Body) -> Packet {
        Packet {
            seq: Some(seq),
            rx: None,
            body,
        }
    }

    /// Sets `rx`.
    pub fn with_rx(mut self, rx: u64) -> Packet {
        self.rx = Some(rx);
        self
    }
}

/// The meaning of a packet.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Client to server: open a session (`POST /open` body, or first WebSocket frame).
    Connect(Connect),
    /// Server to client: the session is open; the handshake document.
    Open(Handshake),
    /// Either side: the session (or, with code 4409, only this transport) ends.
    Close(Close),
    /// Server to client heartbeat; client to server on a WebSocket upgrade probe.
    Ping {
        /// Set on the upgrade probe.
        probe: bool,
    },
    /// The answer to a ping.
    Pong {
        /// Set when answering a probe ping.
        probe: bool,
    },
    /// Client to server on a probed WebSocket: make this WebSocket the session's transport.
    Upgrade,
    /// Nothing; used to carry `rx` alone, or to end a poll early.
    Noop,
    /// A named application event.
    Event(Event),
    /// The answer to an event that asked for one.
    Ack(Ack),
    /// An application error not tied to an ack.
    Error(ErrorBody),
}

impl Body {
    /// The `type` string on the wire.
    pub const fn type_name(&self) -> &'static str {
        match self {
            Body::Connect(_) => "connect",
            Body::Open(_) => "open",
            Body::Close(_) => "close",
            Body::Ping { .. } => "ping",
            Body::Pong { .. } => "pong",
            Body::Upgrade => "upgrade",
            Body::Noop => "noop",
            Body::Event(_) => "event",
            Body::Ack(_) => "ack",
            Body::Error(_) => "error",
        }
    }

    /// Whether this body carries a sequence number and is replayed after a transport switch.
    pub const fn is_sequenced(&self) -> bool {
        matches!(self, Body::Event(_) | Body::Ack(_) | Body::Error(_))
    }
}

/// Arguments of an event or ack: a JSON array, plus binary attachments that the array refers to
/// with placeholders `{"$bin": <index>}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// The JSON array text, e.g. `[{"room":"a"}]`. Always starts with `[`.
    pub json: Bytes,
    /// Binary attachments, in placeholder index order.
    pub bins: Vec<Bytes>,
}

impl Args {
    /// No arguments: `[]`.
    pub fn empty() -> Args {
        Args {
            json: Bytes::from_static(b"[]"),
            bins: Vec::new(),
        }
    }

    /// Arguments from a JSON array text and attachments. Returns `None` when `json` is not an
    /// array (the only check: the text is trusted to be valid JSON).
    pub fn new(json: impl Into<Bytes>, bins: Vec<Bytes>) -> Option<Args> {
        let json = json.into();
        let first = json.iter().find(|b| !b.is_ascii_whitespace());
        (first == Some(&b'[')).then_some(Args { json, bins })
    }

    /// The JSON array as text.
    pub fn json_str(&self) -> &str {
        // Args are only built from `&str` (decoder) or checked JSON (encoder side).
        std::str::from_utf8(&self.json).unwrap_or("[]")
    }

    /// Total size in bytes (JSON plus attachments), for queue accounting.
    pub fn byte_len(&self) -> usize {
        self.json.len() + self.bins.iter().map(Bytes::len).sum::<usize>()
    }
}

/// `connect`: the client's request to open a session.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Connect {
    /// The client's auth payload as JSON text, handed to the connection middleware.
    pub auth: Option<Bytes>,
}

/// `open`: the handshake document. Also the JSON body of `POST {prefix}/open`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Handshake {
    /// Session id: 22 characters of URL-safe base64 encoding 128 random bits.
    pub sid: String,
    /// Protocol version, [`PROTOCOL_VERSION`].
    pub version: u32,
    /// Milliseconds between the server's pings.
    pub ping_interval: u64,
    /// Milliseconds the server waits for a pong before closing with 4408.
    pub ping_timeout: u64,
    /// Largest message, in bytes, either side may send (a WebSocket message, or an HTTP body).
    pub max_payload: u64,
    /// Transports this server allows, best first.
    pub transports: Vec<TransportKind>,
    /// Transports the client may upgrade this session to with a probe.
    pub upgrades: Vec<TransportKind>,
}

/// `close`: why the session (or transport) ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    /// One of [`CloseCode`]'s constants.
    pub code: CloseCode,
    /// Human-readable reason.
    pub reason: String,
}

/// `event`: a named event with arguments, optionally asking for an ack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Event name, non-empty.
    pub name: String,
    /// Arguments.
    pub args: Args,
    /// Ack id: when set, the receiver answers with an `ack` packet of this `id`.
    pub ack: Option<u64>,
}

/// `ack`: the answer to an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// The `ack` id of the event answered.
    pub id: u64,
    /// The handler's values, or why it failed.
    pub result: Result<Args, ErrorBody>,
}

/// An application error: the body of an `error` packet, or of a failed `ack`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable code, e.g. `invalid-args`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
}
