//! `websocket`: the one duplex transport. A WebSocket either opens a new session (its first
//! frame is a `connect` packet) or, with `?sid=`, joins an existing one through the probe:
//! the client proves the socket carries data (`ping probe` / `pong probe`), then `upgrade`
//! makes it the session's downlink, replaying from the client's `rx`. A probe that never
//! completes is dropped after the grace period without touching the session.
//!
//! Text frames carry one or more `\n`-separated packets; a packet with attachments goes as
//! one binary frame (see `tramline_protocol::encode_websocket`).
//!
//! This file upgrades the connection and then pumps it (packets both ways, batched writes, the
//! close); how the socket opens or joins its session is in `attach.rs`.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use http::{header, HeaderValue, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode as WsCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;
use tramline_protocol::{
    decode_batch, decode_binary_frame, to_text, Body, Close, CloseCode, ErrorCode, Packet,
    SharedPacket, TextPacket as _, TransportKind, WsMessage,
};

use super::{lookup, replaced_packet, BATCH};
use crate::error::{DisconnectReason, RequestError};
use crate::handshake::ConnectInfo;
use crate::http::{HttpResponse, ResponseBody};
use crate::server::ServerInner;
use crate::session::{Batch, Session};

mod attach;

use attach::{open, probe};

type Ws = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Initial read buffer of each WebSocket: client frames are small (events, acks, pongs); the
/// buffer grows for a large one. It is most of an idle websocket session's memory.
const WS_READ_BUFFER_BYTES: usize = 1024;
/// Bytes tungstenite gathers before writing; each batch is flushed anyway.
const WS_WRITE_BUFFER_BYTES: usize = 4 * 1024;

pub(super) fn handle<B>(
    server: &Arc<ServerInner>,
    req: Request<B>,
) -> Result<HttpResponse, RequestError> {
    let (mut parts, _body) = req.into_parts();
    let bad = |m: &str| RequestError::new(ErrorCode::BadRequest, m);
    let is_upgrade = parts
        .headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let key = parts.headers.get(header::SEC_WEBSOCKET_KEY).cloned();
    let (true, Some(key)) = (is_upgrade, key) else {
        return Err(bad("expected a WebSocket upgrade request"));
    };
    if parts
        .headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .map(HeaderValue::as_bytes)
        != Some(b"13")
    {
        return Err(bad("unsupported Sec-WebSocket-Version: expected 13"));
    }
    let existing = match super::query_param(&parts.uri, "sid") {
        Some(_) => Some((
            lookup(server, &parts.uri)?,
            super::downlink_counter(&parts.uri)?,
        )),
        None => None,
    };
    let on_upgrade = parts
        .extensions
        .remove::<hyper::upgrade::OnUpgrade>()
        .ok_or_else(|| bad("this connection cannot be upgraded (server runs without upgrades)"))?;
    let info = ConnectInfo::from_parts(&parts, None, TransportKind::Websocket);
    let server = server.clone();
    tokio::spawn(async move {
        // The task lives as long as the connection and its future's size is fixed at the
        // largest of its states: the short-lived steps (upgrade, open or probe) are boxed and
        // freed once done, so a connection only keeps the pump's state (1.6 KB instead of
        // 5.6 KB: most of an idle websocket session's memory).
        let Some(mut ws) = Box::pin(upgrade(&server, on_upgrade)).await else {
            return;
        };
        let attached = match existing {
            None => Box::pin(open(&server, &mut ws, info)).await,
            Some((socket, n)) => Box::pin(probe(&server, &mut ws, socket, n)).await,
        };
        if let Some((socket, id)) = attached {
            pump(&server, &mut ws, socket.session(), id).await;
            socket.session().detach(id);
        }
    });
    let mut res = Response::new(ResponseBody::empty());
    *res.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = res.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    let accept = derive_accept_key(key.as_bytes());
    h.insert(
        header::SEC_WEBSOCKET_ACCEPT,
        HeaderValue::from_str(&accept).map_err(|_| bad("bad key"))?,
    );
    Ok(res)
}

/// Completes the HTTP upgrade and wraps the connection in a WebSocket.
async fn upgrade(server: &ServerInner, on_upgrade: hyper::upgrade::OnUpgrade) -> Option<Ws> {
    let upgraded = match tokio::time::timeout(server.config.write_timeout, on_upgrade).await {
        Ok(Ok(u)) => u,
        _ => return None,
    };
    let max = Some(server.config.max_payload_bytes);
    // tungstenite reserves 128 KiB to read and buffers up to 128 KiB before writing, per
    // connection: far more than realtime frames need, and most of an idle session's memory.
    // The buffers still grow for a large message; writes are flushed per batch anyway.
    let config = WebSocketConfig::default()
        .read_buffer_size(WS_READ_BUFFER_BYTES)
        .write_buffer_size(WS_WRITE_BUFFER_BYTES)
        .max_message_size(max)
        .max_frame_size(max);
    let io = TokioIo::new(upgraded);
    Some(WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await)
}

/// Reads one message within `limit`; `None` when the peer went away or timed out.
async fn read(ws: &mut Ws, limit: Duration) -> Option<Message> {
    match tokio::time::timeout(limit, ws.next()).await {
        Ok(Some(Ok(m))) => Some(m),
        _ => None,
    }
}

/// Sends a close packet and a close frame, then ends the socket (best effort, bounded).
async fn close_with(ws: &mut Ws, limit: Duration, code: CloseCode, reason: &str) {
    let packet = Packet::control(Body::Close(Close {
        code,
        reason: reason.to_owned(),
    }));
    let mut short = reason.to_owned();
    while short.len() > 123 {
        short.pop();
    }
    let frame = CloseFrame {
        code: WsCode::from(code.0),
        reason: short.into(),
    };
    let _ = tokio::time::timeout(limit, async {
        ws.send(text(to_text(&packet))).await?;
        ws.send(Message::Close(Some(frame))).await
    })
    .await;
}

fn text(bytes: Vec<u8>) -> Message {
    Message::text(String::from_utf8(bytes).unwrap_or_default())
}

/// Turns a batch into WebSocket messages: text packets share one frame, written straight into
/// one buffer; a packet with attachments goes alone, as a binary frame.
fn messages(packets: &[SharedPacket]) -> Vec<Message> {
    let mut out = Vec::new();
    let mut joined: Vec<u8> = Vec::new();
    for p in packets {
        if p.body.has_attachments() {
            if !joined.is_empty() {
                out.push(text(std::mem::take(&mut joined)));
            }
            out.push(match p.encode_websocket() {
                WsMessage::Binary(b) => Message::Binary(b.into()),
                WsMessage::Text(t) => text(t),
            });
            continue;
        }
        if joined.is_empty() {
            // Envelope and separator fit in 48 bytes; one allocation for the whole frame.
            joined.reserve(packets.len() * (p.body.text_len() + 48));
        } else {
            joined.push(b'\n');
        }
        p.encode_text(&mut joined);
    }
    if !joined.is_empty() {
        out.push(text(joined));
    }
    out
}

/// Whether the pump goes on after writing a batch.
enum Flow {
    Continue,
    Stop,
}

/// Writes one batch; after a final close packet, sends the close frame and ends the socket
/// gracefully.
async fn write_batch(ws: &mut Ws, batch: Batch, limit: Duration) -> Flow {
    let (packets, last) = match batch {
        Batch::Packets { packets, last } => (packets, last),
        Batch::Replaced => (vec![replaced_packet()], true),
        Batch::Ended => return Flow::Stop,
    };
    let sent = tokio::time::timeout(limit, async {
        for m in messages(&packets) {
            ws.feed(m).await?;
        }
        ws.flush().await
    })
    .await;
    if !matches!(sent, Ok(Ok(()))) {
        return Flow::Stop;
    }
    if !last {
        return Flow::Continue;
    }
    if let Some(Body::Close(c)) = packets.last().map(|p| p.body.body()) {
        let frame = CloseFrame {
            code: WsCode::from(c.code.0),
            reason: c.reason.clone().into(),
        };
        let _ = tokio::time::timeout(limit, ws.send(Message::Close(Some(frame)))).await;
        drain(ws, limit).await;
    }
    Flow::Stop
}

/// Ends the socket without losing what we sent: half-close our side, then read and discard
/// until the peer closes (bounded). Dropping a socket with unread input sends a TCP reset,
/// which can destroy the close frame before the client reads it.
async fn drain(ws: &mut Ws, limit: Duration) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let io = ws.get_mut();
    let _ = tokio::time::timeout(limit, async {
        let _ = io.shutdown().await;
        let mut buf = vec![0u8; 16 * 1024];
        while matches!(io.read(&mut buf).await, Ok(n) if n > 0) {}
    })
    .await;
}

/// Moves packets both ways until the socket ends, the session ends, or it is replaced.
async fn pump(server: &Arc<ServerInner>, ws: &mut Ws, session: &Arc<Session>, id: u64) {
    let limit = server.config.write_timeout;
    loop {
        tokio::select! {
            message = ws.next() => {
                let packets = match message {
                    Some(Ok(Message::Text(t))) => decode_batch(t.as_bytes()),
                    Some(Ok(Message::Binary(b))) => decode_binary_frame(&b).map(|p| vec![p]),
                    Some(Ok(Message::Close(_))) | None => return,
                    Some(Ok(_)) => continue,
                    Some(Err(WsError::Capacity(_))) => {
                        Box::pin(close_too_large(ws, session, id, limit)).await;
                        return;
                    }
                    Some(Err(_)) => return,
                };
                match packets {
                    Ok(packets) => {
                        let _ = Box::pin(session.receive(packets)).await;
                    }
                    Err(e) => {
                        tracing::warn!(sid = %session.sid(), error = %e, "malformed websocket message");
                        session.close(DisconnectReason::Malformed);
                    }
                }
            }
            batch = session.next_batch(id, BATCH) => {
                // Boxed, like the other steps that do not last: the pump's own state is kept by
                // every idle connection, a write's only while it runs.
                if let Flow::Stop = Box::pin(write_batch(ws, batch, limit)).await {
                    return;
                }
            }
        }
    }
}

/// The rest of an oversized message is still unread: deliver the close now, then drain,
/// instead of resetting the connection.
async fn close_too_large(ws: &mut Ws, session: &Session, id: u64, limit: Duration) {
    session.close(DisconnectReason::PayloadTooLarge);
    while let Ok(batch) = tokio::time::timeout(limit, session.next_batch(id, BATCH)).await {
        if let Flow::Stop = write_batch(ws, batch, limit).await {
            return;
        }
    }
    drain(ws, limit).await;
}
