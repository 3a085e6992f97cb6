//! Public errors, and the ONE mapping from a request error to its HTTP response and close code.
//! Keeping the mapping here means every transport answers the same condition the same way.

use std::fmt;

use tramline_protocol::{CloseCode, ErrorCode};

/// Why a session ended. Each variant matches one close code in `docs/protocol.md` and in
/// `client-js/src/codes.ts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The client closed the session.
    ClientClosed,
    /// The server called [`crate::Socket::disconnect`].
    ServerDisconnect,
    /// The client did not answer a ping within the ping timeout.
    HeartbeatTimeout,
    /// No transport was attached for longer than the grace period.
    TransportLost,
    /// The outbound queue overflowed its bound.
    SlowConsumer,
    /// The client sent a packet that could not be decoded or broke the protocol.
    Malformed,
    /// The client sent a message larger than the maximum payload.
    PayloadTooLarge,
    /// The client re-attached asking for packets the server no longer holds.
    ReplayLost,
    /// The server shut down.
    Shutdown,
}

impl DisconnectReason {
    /// The close code sent to the client.
    pub fn close_code(self) -> CloseCode {
        match self {
            DisconnectReason::ClientClosed | DisconnectReason::ServerDisconnect => {
                CloseCode::NORMAL
            }
            DisconnectReason::HeartbeatTimeout => CloseCode::HEARTBEAT_TIMEOUT,
            DisconnectReason::TransportLost => CloseCode::HEARTBEAT_TIMEOUT,
            DisconnectReason::SlowConsumer => CloseCode::SLOW_CONSUMER,
            DisconnectReason::Malformed => CloseCode::MALFORMED,
            DisconnectReason::PayloadTooLarge => CloseCode::PAYLOAD_TOO_LARGE,
            DisconnectReason::ReplayLost => CloseCode::REPLAY_LOST,
            DisconnectReason::Shutdown => CloseCode::SHUTDOWN,
        }
    }

    /// Whether the peer is known to be gone, so nothing waits to deliver a close packet.
    pub(crate) fn peer_gone(self) -> bool {
        matches!(
            self,
            DisconnectReason::ClientClosed
                | DisconnectReason::HeartbeatTimeout
                | DisconnectReason::TransportLost
        )
    }

    /// The human-readable reason sent in the close packet.
    pub fn message(self) -> &'static str {
        match self {
            DisconnectReason::ClientClosed => "client closed the session",
            DisconnectReason::ServerDisconnect => "server closed the session",
            DisconnectReason::HeartbeatTimeout => "no pong within the ping timeout",
            DisconnectReason::TransportLost => "no transport attached within the grace period",
            DisconnectReason::SlowConsumer => "outbound queue overflowed: client too slow",
            DisconnectReason::Malformed => "malformed packet",
            DisconnectReason::PayloadTooLarge => "message larger than maxPayload",
            DisconnectReason::ReplayLost => "packets to replay are no longer held",
            DisconnectReason::Shutdown => "server shutting down",
        }
    }
}

impl fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// An error answering one request: becomes an HTTP error (status + JSON body) or, on an open
/// WebSocket, a close packet and close frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestError {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

impl RequestError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> RequestError {
        RequestError {
            code,
            message: message.into(),
        }
    }

    /// The JSON body `{"error": "...", "message": "..."}`.
    pub(crate) fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "error": self.code.as_str(),
            "message": self.message,
        }))
        .unwrap_or_default()
    }
}

/// Why an emit failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// The value could not be serialised to JSON.
    #[error("could not serialise event arguments: {0}")]
    Serialize(#[from] serde_json::Error),
    /// The socket is closed.
    #[error("socket is closed")]
    Closed,
    /// The event name is empty.
    #[error("event name must not be empty")]
    EmptyName,
}

/// Why `emit_with_ack` gave no answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AckError {
    /// The event could not be sent.
    #[error(transparent)]
    Emit(#[from] EmitError),
    /// No ack arrived within the timeout.
    #[error("no ack within the timeout")]
    Timeout,
    /// The session closed before the ack arrived.
    #[error("socket closed before the ack arrived")]
    Closed,
    /// The client answered with an error.
    #[error("client answered with error {code}: {message}")]
    Remote {
        /// The client's error code.
        code: String,
        /// The client's message.
        message: String,
    },
    /// The ack's value could not be decoded into the requested type.
    #[error("could not decode ack: {0}")]
    Decode(serde_json::Error),
}

/// Serialised as its message, so that a handler can return `Result<_, EmitError>` as its ack:
/// the client then gets an error ack with that message.
impl serde::Serialize for EmitError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Serialised as its message, so that a handler can return `Result<_, AckError>` as its ack.
impl serde::Serialize for AckError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
