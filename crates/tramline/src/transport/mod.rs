//! Request routing and what the transports share: the handshake endpoint (`POST /open`), the
//! one uplink handler (`POST /send`) used by sse, streaming and polling, session lookup, and
//! the downlink loop of the two streaming transports. Each transport's own framing lives in
//! its file: `websocket/`, `sse.rs`, `streaming.rs`, `polling.rs`.

mod polling;
mod sse;
mod streaming;
mod websocket;

use std::sync::Arc;

use bytes::Bytes;
use http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use tokio::sync::mpsc;
use tramline_protocol::{
    decode_batch, decode_text, to_text, Body, ErrorCode, Packet, SharedPacket, TransportKind,
};

use crate::error::{DisconnectReason, RequestError};
use crate::handshake::{open_session, ConnectInfo};
use crate::http::{add_cors, error_response, preflight, respond, BoxError, HttpResponse, JSON};
use crate::server::ServerInner;
use crate::session::{Batch, Session};
use crate::socket::Socket;

/// Packets per downlink write.
const BATCH: usize = 256;

/// Whether `path` is the mount path or below it.
pub(crate) fn is_under(prefix: &str, path: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The endpoint name: the path below the mount path, or the whole path when a router has
/// already stripped the mount path.
fn endpoint<'a>(prefix: &str, path: &'a str) -> &'a str {
    let rest = if is_under(prefix, path) {
        &path[prefix.len()..]
    } else {
        path
    };
    rest.trim_start_matches('/')
}

/// Routes one request. Every failure becomes a JSON error response.
pub(crate) async fn route<B>(server: Arc<ServerInner>, req: Request<B>) -> HttpResponse
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let origin = req.headers().get(header::ORIGIN).cloned();
    let allowed = server
        .config
        .allowed_origins
        .allows(origin.as_ref().and_then(|o| o.to_str().ok()));
    let mut res = if !allowed {
        error_response(&RequestError::new(
            ErrorCode::OriginNotAllowed,
            "this Origin is not allowed",
        ))
    } else {
        dispatch(&server, req)
            .await
            .unwrap_or_else(|e| error_response(&e))
    };
    // A refused origin may read its 403 too: otherwise the browser reports a bare network
    // error and the client cannot tell a refusal from an outage (and would retry forever).
    if let Some(origin) = origin {
        add_cors(res.headers_mut(), &origin);
    }
    res
}

async fn dispatch<B>(
    server: &Arc<ServerInner>,
    req: Request<B>,
) -> Result<HttpResponse, RequestError>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let name = endpoint(&server.config.path, req.uri().path()).to_owned();
    let kind = name.parse::<TransportKind>().ok();
    let known = kind.is_some() || name == "open" || name == "send";
    if !known {
        return Err(RequestError::new(
            ErrorCode::NotFound,
            format!(
                "no endpoint {name:?}: expected open, send, websocket, sse, streaming or polling"
            ),
        ));
    }
    if req.method() == Method::OPTIONS {
        return Ok(preflight());
    }
    if let Some(kind) = kind {
        if !server.config.transports.contains(&kind) {
            return Err(RequestError::new(
                ErrorCode::TransportNotAllowed,
                format!("transport {kind} is not allowed by this server"),
            ));
        }
    }
    match (req.method().clone(), name.as_str(), kind) {
        (Method::POST, "open", _) => open(server, req).await,
        (Method::POST, "send", _) => uplink(server, req).await,
        (Method::GET, _, Some(TransportKind::Websocket)) => websocket::handle(server, req),
        (Method::GET, _, Some(TransportKind::Sse)) => stream_downlink(server, req, &sse::FRAMING),
        (Method::GET, _, Some(TransportKind::Streaming)) => {
            stream_downlink(server, req, &streaming::FRAMING)
        }
        (Method::GET, _, Some(TransportKind::Polling)) => polling::handle(server, req).await,
        (method, name, _) => Err(RequestError::new(
            ErrorCode::MethodNotAllowed,
            format!("{method} is not allowed on {name}"),
        )),
    }
}

/// A query parameter, percent-decoded.
pub(crate) fn query_param(uri: &http::Uri, name: &str) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The socket named by the `sid` query parameter.
pub(crate) fn lookup(server: &ServerInner, uri: &http::Uri) -> Result<Socket, RequestError> {
    let sid = query_param(uri, "sid")
        .ok_or_else(|| RequestError::new(ErrorCode::BadRequest, "missing sid query parameter"))?;
    server
        .registry
        .get(&sid)
        .ok_or_else(|| RequestError::new(ErrorCode::UnknownSession, "unknown or expired session"))
}

/// The client's `rx` from the query (and, for sse, `Last-Event-ID`, whichever is higher).
pub(crate) fn client_rx(parts: &http::request::Parts) -> Result<u64, RequestError> {
    let bad = |what: &str| {
        RequestError::new(
            ErrorCode::BadRequest,
            format!("{what} must be a non-negative integer"),
        )
    };
    let query = match query_param(&parts.uri, "rx") {
        Some(v) => v.parse::<u64>().map_err(|_| bad("rx"))?,
        None => 0,
    };
    let last_event = match parts.headers.get("last-event-id") {
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| bad("Last-Event-ID"))?,
        None => 0,
    };
    Ok(query.max(last_event))
}

/// The client's downlink counter `n` (0 when absent).
pub(crate) fn downlink_counter(uri: &http::Uri) -> Result<u64, RequestError> {
    match query_param(uri, "n") {
        Some(v) => v.parse::<u64>().map_err(|_| {
            RequestError::new(ErrorCode::BadRequest, "n must be a non-negative integer")
        }),
        None => Ok(0),
    }
}

/// Reads a request body of at most `max_payload_bytes`, within the write timeout.
async fn read_body<B>(server: &ServerInner, body: B) -> Result<Bytes, RequestError>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let limit = server.config.max_payload_bytes;
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(server.config.write_timeout, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(RequestError::new(
            ErrorCode::PayloadTooLarge,
            format!("body exceeds maxPayload ({limit} bytes)"),
        )),
        Ok(Err(e)) => Err(RequestError::new(
            ErrorCode::BadRequest,
            format!("could not read body: {e}"),
        )),
        Err(_) => Err(RequestError::new(
            ErrorCode::BadRequest,
            "timed out reading the body",
        )),
    }
}

/// `POST /open`: runs the handshake; the body is empty or a `connect` packet.
async fn open<B>(server: &Arc<ServerInner>, req: Request<B>) -> Result<HttpResponse, RequestError>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let (parts, body) = req.into_parts();
    let body = read_body(server, body).await?;
    let auth = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let packet = decode_text(&body)
            .map_err(|e| RequestError::new(ErrorCode::MalformedPacket, e.to_string()))?;
        match packet.body {
            Body::Connect(c) => c
                .auth
                .map(|a| serde_json::from_slice(&a))
                .transpose()
                .map_err(|e| RequestError::new(ErrorCode::MalformedPacket, e.to_string()))?,
            other => {
                return Err(RequestError::new(
                    ErrorCode::MalformedPacket,
                    format!("expected a connect packet, got {}", other.type_name()),
                ))
            }
        }
    };
    let transport = query_param(&parts.uri, "transport")
        .and_then(|t| t.parse().ok())
        .unwrap_or(TransportKind::Polling);
    let info = ConnectInfo::from_parts(&parts, auth, transport);
    let (_socket, handshake) = open_session(server, info).await?;
    Ok(respond(
        StatusCode::OK,
        JSON,
        to_text(&Packet::control(Body::Open(handshake))),
    ))
}

/// `POST /send`: the shared uplink of sse, streaming and polling.
async fn uplink<B>(server: &Arc<ServerInner>, req: Request<B>) -> Result<HttpResponse, RequestError>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let (parts, body) = req.into_parts();
    let socket = lookup(server, &parts.uri)?;
    let session = socket.session();
    let body = match read_body(server, body).await {
        Err(e) if e.code == ErrorCode::PayloadTooLarge => {
            session.close(DisconnectReason::PayloadTooLarge);
            return Err(e);
        }
        other => other?,
    };
    let packets = decode_batch(&body).map_err(|e| {
        session.close(DisconnectReason::Malformed);
        RequestError::new(ErrorCode::MalformedPacket, e.to_string())
    })?;
    session
        .receive(packets)
        .await
        .map_err(|v| RequestError::new(ErrorCode::MalformedPacket, v.1))?;
    let body = format!("{{\"rx\":{}}}", session.in_rx());
    Ok(respond(StatusCode::OK, JSON, body))
}

/// What a downlink request attached to: the session's downlink, or a refusal to send as the
/// response's only packet (a 4410 close when the replay point is gone).
pub(crate) enum Attached {
    Downlink(Socket, u64),
    Refused(SharedPacket),
}

/// The common start of every HTTP downlink request: find the session, read the client's
/// `rx`, attach (replacing any other downlink).
pub(crate) fn attach_downlink<B>(
    server: &ServerInner,
    req: Request<B>,
    kind: TransportKind,
) -> Result<Attached, RequestError> {
    let (parts, _body) = req.into_parts();
    let socket = lookup(server, &parts.uri)?;
    let rx = client_rx(&parts)?;
    let n = downlink_counter(&parts.uri)?;
    let attached = socket.session().attach(kind, rx, n);
    match attached {
        Ok(id) => Ok(Attached::Downlink(socket, id)),
        Err(e) => Ok(Attached::Refused(attach_error_packet(e)?)),
    }
}

/// How a streaming transport (sse or streaming) frames its response.
pub(crate) struct StreamFraming {
    pub(crate) kind: TransportKind,
    pub(crate) content_type: &'static str,
    pub(crate) prelude: fn() -> Vec<u8>,
    pub(crate) frame: fn(&SharedPacket, &mut Vec<u8>),
    /// Whether the response ends after `streaming_response_limit_bytes` (see streaming.rs).
    pub(crate) recycles: bool,
}

/// The whole request handler of a streaming transport.
pub(crate) fn stream_downlink<B>(
    server: &ServerInner,
    req: Request<B>,
    framing: &StreamFraming,
) -> Result<HttpResponse, RequestError> {
    let (socket, id) = match attach_downlink(server, req, framing.kind)? {
        Attached::Downlink(socket, id) => (socket, id),
        Attached::Refused(packet) => {
            let mut out = (framing.prelude)();
            (framing.frame)(&packet, &mut out);
            return Ok(respond(StatusCode::OK, framing.content_type, out));
        }
    };
    let limit = framing
        .recycles
        .then_some(server.config.streaming_response_limit_bytes);
    let body = spawn_stream(
        socket.session().clone(),
        id,
        server.config.write_timeout,
        limit,
        (framing.prelude)(),
        framing.frame,
    );
    let mut res = http::Response::new(crate::http::ResponseBody::stream(body));
    crate::http::stream_headers(res.headers_mut(), framing.content_type);
    Ok(res)
}

/// Runs a streaming downlink (sse or streaming): writes `prelude`, then every batch framed by
/// `frame`, into the response body channel, until the client goes away, the session ends,
/// another downlink replaces this one, or more than `limit` bytes were written (the response
/// then simply ends and the client attaches a new one with its `rx`). Every write is bounded
/// by the write timeout.
pub(crate) fn spawn_stream(
    session: Arc<Session>,
    id: u64,
    write_timeout: std::time::Duration,
    limit: Option<usize>,
    prelude: Vec<u8>,
    frame: fn(&SharedPacket, &mut Vec<u8>),
) -> mpsc::Receiver<Bytes> {
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    tokio::spawn(async move {
        let send = |bytes: Vec<u8>| {
            let tx = tx.clone();
            async move {
                matches!(
                    tokio::time::timeout(write_timeout, tx.send(Bytes::from(bytes))).await,
                    Ok(Ok(()))
                )
            }
        };
        let mut written = prelude.len();
        if send(prelude).await {
            loop {
                let batch = tokio::select! {
                    _ = tx.closed() => break,
                    batch = session.next_batch(id, BATCH) => batch,
                };
                let (packets, last) = match batch {
                    Batch::Packets { packets, last } => (packets, last),
                    Batch::Replaced => (vec![replaced_packet()], true),
                    Batch::Ended => break,
                };
                let mut out = Vec::with_capacity(packets.len() * 64);
                let mut full = false;
                for p in &packets {
                    frame(p, &mut out);
                    // Past the limit, stop: packets taken but not written are replayed from
                    // the client's rx on its next attach. A final close is always written.
                    if !last && limit.is_some_and(|l| written + out.len() >= l) {
                        full = true;
                        break;
                    }
                }
                written += out.len();
                if !send(out).await || last || full {
                    break;
                }
            }
        }
        session.detach(id);
    });
    rx
}

/// The close packet a replaced downlink ends with.
pub(crate) fn replaced_packet() -> SharedPacket {
    SharedPacket::control(Body::Close(tramline_protocol::Close {
        code: tramline_protocol::CloseCode::REPLACED,
        reason: "replaced by a newer downlink".to_owned(),
    }))
}

/// The close packet answering a failed attach.
pub(crate) fn attach_error_packet(
    e: crate::session::AttachError,
) -> Result<SharedPacket, RequestError> {
    match e {
        crate::session::AttachError::Closed => Err(RequestError::new(
            ErrorCode::UnknownSession,
            "unknown or expired session",
        )),
        crate::session::AttachError::Stale => Ok(SharedPacket::control(Body::Close(
            tramline_protocol::Close {
                code: tramline_protocol::CloseCode::REPLACED,
                reason: "a newer downlink request was already made".to_owned(),
            },
        ))),
        crate::session::AttachError::ReplayLost => {
            let r = DisconnectReason::ReplayLost;
            Ok(SharedPacket::control(Body::Close(
                tramline_protocol::Close {
                    code: r.close_code(),
                    reason: r.message().to_owned(),
                },
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_resolve_with_and_without_the_mount_path() {
        assert_eq!(endpoint("/realtime", "/realtime/polling"), "polling");
        assert_eq!(endpoint("/realtime", "/polling"), "polling");
        assert_eq!(endpoint("/realtime", "/realtime"), "");
        assert!(is_under("/realtime", "/realtime/sse"));
        assert!(!is_under("/realtime", "/realtimeX/sse"));
        assert!(!is_under("/realtime", "/"));
    }
}
