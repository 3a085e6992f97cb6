//! # tramline-tests
//!
//! A protocol-level test client for Tramline servers, used by the end-to-end tests in
//! `tests/tests/`. It speaks the wire protocol of `tramline-protocol` (the one codec; this
//! crate never encodes or decodes packets by hand) over every transport, and checks the
//! server's side of the rules while doing so: sequence gaps, SSE ids, framing.
//!
//! The client deliberately does not use the `tramline` crate's API, so that it tests the
//! server from the outside, the way a browser or `client-js` would. Only [`TestServer`]
//! (in `server.rs`), which starts a server for the end-to-end tests, knows that crate.
//!
//! - [`Dialer`]: where connections go. [`TcpDialer`] for a real socket on 127.0.0.1,
//!   [`MemoryDialer`] for in-memory pipes, so that tests can run with paused tokio time.
//! - [`Client`]: one session. [`Client::open`] on any transport, emit/ack/receive, switches
//!   ([`Client::upgrade_to_websocket`], [`Client::fall_back`], [`Client::cut_websocket`]).
//! - [`http_request`], [`open_stream`], [`ws_connect_raw`]: raw requests for error cases.
//! - [`seq`] and [`parse`]: the receiver rules and stream parsers, IO-free and unit-tested.
//!
//! The client's own tests run it against `fake.rs`, a scripted one-session stand-in built
//! only for those tests. It is not the server and must not grow into one.
//!
//! Every wait is bounded (by [`DEFAULT_TIMEOUT`] unless set otherwise), so a broken server
//! fails a test instead of hanging it. Under paused time a timeout elapses as soon as the
//! runtime is idle: make it longer than the server's ping interval when waiting for pings.
//!
//! ```no_run
//! # async fn demo(addr: std::net::SocketAddr) -> Result<(), tramline_tests::ClientError> {
//! use tramline_tests::{Client, OpenOpts, TcpDialer, TransportKind};
//! use serde_json::json;
//!
//! let client = Client::open(&TcpDialer(addr), "/realtime", TransportKind::Sse,
//!     OpenOpts::default()).await?;
//! let ack = client.request("echo", json!(["hi"]), vec![]).await?;
//! assert_eq!(ack.ok()?, json!(["hi"]));
//! client.upgrade_to_websocket().await?;
//! client.close().await?;
//! # Ok(()) }
//! ```

mod client;
#[cfg(test)]
mod client_tests;
mod dial;
mod downlink;
mod error;
mod event;
#[cfg(test)]
mod fake;
mod http;
mod inbox;
pub mod parse;
pub mod seq;
mod server;
mod session;
mod switch;
mod uplink;

use std::time::Duration;

pub use client::{Client, OpenOpts};
pub use dial::{BoxedIo, Dialer, Io, MemoryDialer, TcpDialer};
pub use error::{ClientError, DownlinkEnd};
pub use event::{from_args, to_args, ReceivedAck, ReceivedEvent};
pub use http::{
    http_request, http_request_with, open_stream, ws_connect_raw, ws_connect_with, HttpResponse,
    StreamingResponse, WsConnect, WsStream,
};
pub use server::{
    bounded, wait_close_code, wait_until, ws_send_packet, ws_wait_packet, TestServer,
};
pub use tokio_tungstenite::tungstenite::Message as WsMessage;
pub use tramline_protocol::{self as protocol, TransportKind};

/// How long any single wait of the client lasts before failing with
/// [`ClientError::Timeout`], unless a test sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
