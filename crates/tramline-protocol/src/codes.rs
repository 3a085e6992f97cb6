//! Close codes and HTTP error codes. Both sides (the Rust server and `client-js/src/codes.ts`)
//! mirror this table; `docs/protocol.md` is its human form. Close codes sit in 4000–4999 so that
//! browsers accept them in `WebSocket.close()` and report them unchanged; each is 4000 plus the
//! closest HTTP status, so they are easy to remember.

use std::fmt;

/// A session or transport close code, sent in `close` packets and WebSocket close frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CloseCode(pub u16);

impl CloseCode {
    /// The application closed the session (either side). The session is over.
    pub const NORMAL: CloseCode = CloseCode(4000);
    /// A packet could not be decoded, or broke the protocol (e.g. a sequence gap).
    pub const MALFORMED: CloseCode = CloseCode(4400);
    /// The connection middleware rejected the client, or its Origin is not allowed.
    pub const REJECTED: CloseCode = CloseCode(4403);
    /// The session id is unknown or the session has expired.
    pub const UNKNOWN_SESSION: CloseCode = CloseCode(4404);
    /// The transport is not allowed by this server.
    pub const TRANSPORT_NOT_ALLOWED: CloseCode = CloseCode(4405);
    /// The client did not answer pings in time.
    pub const HEARTBEAT_TIMEOUT: CloseCode = CloseCode(4408);
    /// Only this transport ends: another downlink of the same session replaced it.
    /// The session goes on. This is the one code that does not end the session.
    pub const REPLACED: CloseCode = CloseCode(4409);
    /// The session can no longer be resumed exactly (the packets the client missed are gone).
    pub const REPLAY_LOST: CloseCode = CloseCode(4410);
    /// A message exceeded the advertised `maxPayload`.
    pub const PAYLOAD_TOO_LARGE: CloseCode = CloseCode(4413);
    /// The peer consumed too slowly; its bounded outbound queue overflowed.
    pub const SLOW_CONSUMER: CloseCode = CloseCode(4429);
    /// The server is shutting down.
    pub const SHUTDOWN: CloseCode = CloseCode(4503);

    /// Every code this protocol version defines.
    pub const ALL: [CloseCode; 11] = [
        CloseCode::NORMAL,
        CloseCode::MALFORMED,
        CloseCode::REJECTED,
        CloseCode::UNKNOWN_SESSION,
        CloseCode::TRANSPORT_NOT_ALLOWED,
        CloseCode::HEARTBEAT_TIMEOUT,
        CloseCode::REPLACED,
        CloseCode::REPLAY_LOST,
        CloseCode::PAYLOAD_TOO_LARGE,
        CloseCode::SLOW_CONSUMER,
        CloseCode::SHUTDOWN,
    ];

    /// A short stable name for logs and the `reason` default, e.g. `heartbeat-timeout`.
    pub const fn name(self) -> &'static str {
        match self.0 {
            4000 => "normal",
            4400 => "malformed",
            4403 => "rejected",
            4404 => "unknown-session",
            4405 => "transport-not-allowed",
            4408 => "heartbeat-timeout",
            4409 => "replaced",
            4410 => "replay-lost",
            4413 => "payload-too-large",
            4429 => "slow-consumer",
            4503 => "shutdown",
            _ => "unknown",
        }
    }

    /// Whether receiving this code ends the whole session (all but [`CloseCode::REPLACED`]).
    pub const fn ends_session(self) -> bool {
        self.0 != CloseCode::REPLACED.0
    }
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0, self.name())
    }
}

/// The `error` field of an HTTP error body `{"error": "<code>", "message": "..."}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 400: the request is not a valid Tramline request (missing `sid`, bad query).
    BadRequest,
    /// 400: a packet in the body could not be decoded; the session is closed with 4400.
    MalformedPacket,
    /// 400: the transport is not in this server's allowed set.
    TransportNotAllowed,
    /// 403: the request's `Origin` is not allowed.
    OriginNotAllowed,
    /// 403: the connection middleware refused the client; `message` is its reason.
    Rejected,
    /// 404: no session with this id (never existed, closed, or expired).
    UnknownSession,
    /// 404: no such endpoint under the mount prefix.
    NotFound,
    /// 405: the method is not allowed on this endpoint.
    MethodNotAllowed,
    /// 413: the body exceeds `maxPayload`; the session is closed with 4413.
    PayloadTooLarge,
    /// 503: the server is shutting down and opens no new session.
    ShuttingDown,
}

impl ErrorCode {
    /// Every error code.
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::BadRequest,
        ErrorCode::MalformedPacket,
        ErrorCode::TransportNotAllowed,
        ErrorCode::OriginNotAllowed,
        ErrorCode::Rejected,
        ErrorCode::UnknownSession,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::ShuttingDown,
    ];

    /// The wire string, e.g. `unknown-session`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad-request",
            ErrorCode::MalformedPacket => "malformed-packet",
            ErrorCode::TransportNotAllowed => "transport-not-allowed",
            ErrorCode::OriginNotAllowed => "origin-not-allowed",
            ErrorCode::Rejected => "rejected",
            ErrorCode::UnknownSession => "unknown-session",
            ErrorCode::NotFound => "not-found",
            ErrorCode::MethodNotAllowed => "method-not-allowed",
            ErrorCode::PayloadTooLarge => "payload-too-large",
            ErrorCode::ShuttingDown => "shutting-down",
        }
    }

    /// The HTTP status that carries this error.
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::MalformedPacket | ErrorCode::TransportNotAllowed => {
                400
            }
            ErrorCode::OriginNotAllowed | ErrorCode::Rejected => 403,
            ErrorCode::UnknownSession | ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::ShuttingDown => 503,
        }
    }

    /// The close code used when the same condition happens on a WebSocket.
    pub const fn close_code(self) -> CloseCode {
        match self {
            ErrorCode::BadRequest | ErrorCode::MalformedPacket | ErrorCode::NotFound => {
                CloseCode::MALFORMED
            }
            ErrorCode::MethodNotAllowed => CloseCode::MALFORMED,
            ErrorCode::TransportNotAllowed => CloseCode::TRANSPORT_NOT_ALLOWED,
            ErrorCode::OriginNotAllowed | ErrorCode::Rejected => CloseCode::REJECTED,
            ErrorCode::UnknownSession => CloseCode::UNKNOWN_SESSION,
            ErrorCode::PayloadTooLarge => CloseCode::PAYLOAD_TOO_LARGE,
            ErrorCode::ShuttingDown => CloseCode::SHUTDOWN,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_are_in_application_range_and_named() {
        for c in CloseCode::ALL {
            assert!((4000..=4999).contains(&c.0), "{c}");
            assert_ne!(c.name(), "unknown");
        }
        assert!(!CloseCode::REPLACED.ends_session());
        assert!(CloseCode::HEARTBEAT_TIMEOUT.ends_session());
    }

    #[test]
    fn error_codes_have_distinct_names_and_error_statuses() {
        let mut names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        for c in ErrorCode::ALL {
            assert!((400..600).contains(&c.http_status()));
            assert!(c.close_code().ends_session());
        }
    }
}
