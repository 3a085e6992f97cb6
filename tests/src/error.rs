//! What can go wrong in the test client. Every failure is an error value with enough detail to
//! make a failed assertion readable (status and body of an unexpected HTTP answer, the close
//! packet that ended the session, the sequence numbers of a gap), never a hang: every wait is
//! bounded and ends in [`ClientError::Timeout`].

use std::io;
use std::time::Duration;

use tramline_protocol::{Close, DecodeError};

use crate::http::HttpResponse;

/// An error of the test client.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Dialing or socket IO failed.
    #[error("io error: {0}")]
    Io(#[from] io::Error),
    /// The server did not answer in time.
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout {
        /// What the client was waiting for.
        what: &'static str,
        /// The timeout that expired.
        after: Duration,
    },
    /// The server answered an HTTP request with an unexpected status.
    #[error("unexpected HTTP {}: {}", .0.status, .0.text())]
    Http(Box<HttpResponse>),
    /// HTTP protocol error.
    #[error("http error: {0}")]
    Hyper(#[from] hyper::Error),
    /// WebSocket protocol error.
    #[error("websocket error: {0}")]
    Ws(#[from] Box<tokio_tungstenite::tungstenite::Error>),
    /// The server sent bytes that do not decode as packets.
    #[error("server sent a malformed packet: {0}")]
    Decode(#[from] DecodeError),
    /// The server skipped sequence numbers (`seq > rx + 1`).
    #[error("sequence gap from the server: expected seq {expected}, got {got}")]
    SeqGap {
        /// `rx + 1`.
        expected: u64,
        /// The sequence number received.
        got: u64,
    },
    /// The server broke the protocol in another way (unexpected packet, bad framing).
    #[error("protocol violation: {0}")]
    Protocol(String),
    /// A `close` packet arrived while waiting for something else.
    #[error("session closed by the server: {} {:?}", .0.code, .0.reason)]
    Closed(Close),
    /// The downlink ended (and no new one was attached since).
    #[error("downlink ended: {0}")]
    Disconnected(DownlinkEnd),
    /// There is no uplink: the client closed the session or cut its websocket.
    #[error("not connected: {0}")]
    NotConnected(&'static str),
    /// Invalid use of the client by the test itself (e.g. `args` that is not an array).
    #[error("invalid use of the test client: {0}")]
    Usage(String),
}

impl From<tokio_tungstenite::tungstenite::Error> for ClientError {
    fn from(e: tokio_tungstenite::tungstenite::Error) -> ClientError {
        ClientError::Ws(Box::new(e))
    }
}

impl ClientError {
    /// The HTTP response, when this is [`ClientError::Http`].
    pub fn http_response(&self) -> Option<&HttpResponse> {
        match self {
            ClientError::Http(r) => Some(r),
            _ => None,
        }
    }

    /// The close code that ended the session or the downlink, when this error carries one
    /// (a close packet, or a WebSocket close frame).
    pub fn close_code(&self) -> Option<u16> {
        match self {
            ClientError::Closed(c) => Some(c.code.0),
            ClientError::Disconnected(DownlinkEnd::WsClose { code, .. }) => *code,
            _ => None,
        }
    }
}

/// How a downlink ended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownlinkEnd {
    /// The WebSocket received a close frame.
    #[error("websocket close frame {code:?} {reason:?}")]
    WsClose {
        /// The close code, if the frame had one.
        code: Option<u16>,
        /// The close reason.
        reason: String,
    },
    /// The stream or connection ended without a close frame (or, for HTTP downlinks, after
    /// the session's close packet).
    #[error("end of stream")]
    Eof,
    /// The downlink request was answered with an error status.
    #[error("HTTP {status}: {body}")]
    Http {
        /// The status code.
        status: u16,
        /// The body, lossily decoded as UTF-8.
        body: String,
    },
    /// An IO or protocol error on the downlink connection.
    #[error("{0}")]
    Error(String),
}
