//! Opening a session: what the connection middleware sees ([`ConnectInfo`]), how it refuses
//! ([`Rejection`]), and the one function every transport calls to open a session, so that the
//! handshake document is the same whether it came from `POST /open` or a WebSocket.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use tramline_protocol::{ErrorCode, Handshake, TransportKind, PROTOCOL_VERSION};

use crate::error::RequestError;
use crate::registry::new_sid;
use crate::server::ServerInner;
use crate::session::Session;
use crate::socket::{task, Socket};

/// The remote address of a connection. Put it in the request extensions (as
/// [`crate::serve`] does) and it shows in [`ConnectInfo::remote_addr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteAddr(pub SocketAddr);

/// What the client sent when it opened its session.
#[derive(Debug, Clone)]
pub struct ConnectInfo {
    pub(crate) headers: http::HeaderMap,
    pub(crate) uri: http::Uri,
    pub(crate) remote_addr: Option<SocketAddr>,
    pub(crate) auth: Option<serde_json::Value>,
    pub(crate) transport: TransportKind,
}

impl ConnectInfo {
    /// Request headers of the opening request.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// A query parameter of the opening request, percent-decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let q = self.uri.query()?;
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// A cookie of the opening request.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// The peer address, when the server put a [`RemoteAddr`] in the request extensions.
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.remote_addr
    }

    /// The client's auth payload as JSON.
    pub fn auth_json(&self) -> Option<&serde_json::Value> {
        self.auth.as_ref()
    }

    /// The client's auth payload decoded as `T`.
    pub fn auth<T: DeserializeOwned>(&self) -> Option<T> {
        self.auth
            .as_ref()
            .and_then(|a| serde_json::from_value(a.clone()).ok())
    }

    /// The transport the session opened on.
    pub fn transport(&self) -> TransportKind {
        self.transport
    }

    pub(crate) fn from_parts(
        parts: &http::request::Parts,
        auth: Option<serde_json::Value>,
        transport: TransportKind,
    ) -> ConnectInfo {
        ConnectInfo {
            headers: detached_headers(&parts.headers),
            uri: detached_uri(&parts.uri),
            remote_addr: parts.extensions.get::<RemoteAddr>().map(|r| r.0),
            auth,
            transport,
        }
    }
}

/// Copies of the headers that own their bytes. hyper's parsed header values (and URI) are
/// slices of the connection's read buffer: keeping them for a session's lifetime would keep
/// that whole buffer (8 KiB or more) alive per session.
fn detached_headers(headers: &http::HeaderMap) -> http::HeaderMap {
    let mut copy = http::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if let Ok(v) = http::HeaderValue::from_bytes(value.as_bytes()) {
            copy.append(name.clone(), v);
        }
    }
    copy
}

fn detached_uri(uri: &http::Uri) -> http::Uri {
    http::Uri::try_from(uri.to_string()).unwrap_or_else(|_| uri.clone())
}

/// A refusal from the connection middleware; the client receives `message` (403 `rejected`, or
/// close 4403 on a WebSocket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    message: String,
}

impl Rejection {
    /// A refusal with a message for the client.
    pub fn new(message: impl Into<String>) -> Self {
        Rejection {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Runs the middleware and opens a session; returns its socket and the handshake document.
pub(crate) async fn open_session(
    server: &Arc<ServerInner>,
    info: ConnectInfo,
) -> Result<(Socket, Handshake), RequestError> {
    if server.shutting_down.load(Ordering::SeqCst) {
        return Err(RequestError::new(
            ErrorCode::ShuttingDown,
            "the server is shutting down",
        ));
    }
    let data = match &server.middleware {
        Some(middleware) => middleware(info.clone())
            .await
            .map_err(|r| RequestError::new(ErrorCode::Rejected, r.message))?,
        None => None,
    };
    let config = &server.config;
    let transport = info.transport;
    let (session, events) = Session::new(new_sid(), config.clone(), transport);
    let socket = Socket::new(session, server.clone(), info, data);
    server.registry.insert(socket.clone());
    task::spawn(socket.clone(), server.clone(), events);
    let handshake = Handshake {
        sid: socket.id().to_owned(),
        version: PROTOCOL_VERSION,
        ping_interval: config.ping_interval.as_millis() as u64,
        ping_timeout: config.ping_timeout.as_millis() as u64,
        max_payload: config.max_payload_bytes as u64,
        transports: config.transports.iter().copied().collect(),
        upgrades: config.upgrades(),
    };
    tracing::debug!(sid = %handshake.sid, %transport, "session opened");
    Ok((socket, handshake))
}
