//! # Tramline
//!
//! One logical, ordered, bidirectional channel between a browser and a server over whatever the
//! network allows: `websocket`, `sse`, `streaming` or `polling`, with named events, acks, rooms
//! and heartbeats, and no message lost or duplicated when the transport changes.
//!
//! ```no_run
//! use tramline::{serve, Tramline};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Say { room: String, text: String }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let (endpoint, server) = Tramline::builder()
//!     .on_connection(|socket| async move {
//!         socket.on("join", |socket, room: String| async move { socket.join(room); });
//!         socket.on("say", |socket, msg: Say| async move {
//!             socket.to(msg.room).emit("message", &msg.text)
//!         });
//!     })
//!     .build()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! serve(listener, endpoint).await?; // the endpoint answers under /realtime
//! # let _ = server; Ok(()) }
//! ```
//!
//! | Piece | Where |
//! |---|---|
//! | Builder and defaults | [`Tramline::builder`], [`Config`] |
//! | Per-client API | [`Socket`]: `on`, `emit`, `emit_with_ack`, `join`, `to`, `disconnect` |
//! | Server-wide API | [`Server`]: `emit`, `to`, `except`, `sockets`, `shutdown` |
//! | Mounting | [`TramlineService`] (axum `nest_service`), [`TramlineLayer`], [`serve`] |
//! | Binary values | [`Binary`] |
//! | Rooms across nodes (later) | [`Adapter`] |
//!
//! The wire protocol is specified in `docs/protocol.md`; the architecture in
//! `docs/architecture.md`.

mod adapter;
mod binary;
mod builder;
mod config;
mod error;
mod handshake;
mod http;
mod registry;
mod serve;
mod server;
mod service;
mod session;
mod socket;
mod transport;

pub use adapter::{Adapter, LocalAdapter, Target};
pub use binary::Binary;
pub use builder::{Builder, Tramline};
pub use config::{AllowedOrigins, Config, ConfigError};
pub use error::{AckError, DisconnectReason, EmitError};
pub use handshake::{ConnectInfo, Rejection, RemoteAddr};
pub use http::{BoxError, RequestBody, ResponseBody};
pub use serve::{serve, serve_connection};
pub use server::{BroadcastOperator, Server};
pub use service::{TramlineLayer, TramlineMiddleware, TramlineService};
pub use socket::{AckValue, IntoAck, Socket};
pub use tramline_protocol::{CloseCode, TransportKind};
