//! How a WebSocket becomes a session's downlink: it opens a new session (`connect` in, `open`
//! out), or joins an existing one through the upgrade probe (`ping probe` / `pong probe`, then
//! `upgrade`, which attaches it and replays from the client's `rx`). Anything unexpected closes
//! only this socket, never the session.

use std::sync::Arc;

use futures_util::SinkExt as _;
use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::{
    decode_batch, decode_binary_frame, decode_text, to_text, Body, CloseCode, Packet, TransportKind,
};

use super::{close_with, read, text, Ws};
use crate::handshake::{open_session, ConnectInfo};
use crate::server::ServerInner;
use crate::socket::Socket;

/// A new session over this WebSocket: `connect` in, `open` out.
pub(super) async fn open(
    server: &Arc<ServerInner>,
    ws: &mut Ws,
    mut info: ConnectInfo,
) -> Option<(Socket, u64)> {
    let limit = server.config.write_timeout;
    let first = read(ws, server.config.ping_timeout).await?;
    let packet = match &first {
        Message::Text(t) => decode_text(t.as_bytes()),
        Message::Binary(b) => decode_binary_frame(b),
        _ => return None,
    };
    let auth = match packet.map(|p| p.body) {
        Ok(Body::Connect(c)) => c.auth.and_then(|a| serde_json::from_slice(&a).ok()),
        Ok(other) => {
            let msg = format!("expected a connect packet, got {}", other.type_name());
            close_with(ws, limit, CloseCode::MALFORMED, &msg).await;
            return None;
        }
        Err(e) => {
            close_with(ws, limit, CloseCode::MALFORMED, &e.to_string()).await;
            return None;
        }
    };
    info.auth = auth;
    let (socket, handshake) = match open_session(server, info).await {
        Ok(opened) => opened,
        Err(e) => {
            close_with(ws, limit, e.code.close_code(), &e.message).await;
            return None;
        }
    };
    let open = to_text(&Packet::control(Body::Open(handshake)));
    let sent = tokio::time::timeout(limit, ws.send(text(open))).await;
    let id = socket
        .session()
        .attach(TransportKind::Websocket, 0, 0)
        .ok()?;
    if !matches!(sent, Ok(Ok(()))) {
        socket.session().detach(id);
        return None;
    }
    Some((socket, id))
}

/// Joins an existing session: probe, then upgrade. Anything else closes only this socket.
pub(super) async fn probe(
    server: &Arc<ServerInner>,
    ws: &mut Ws,
    socket: Socket,
    n: u64,
) -> Option<(Socket, u64)> {
    let session = socket.session().clone();
    let result = probe_steps(server, ws, socket, n).await;
    // However the probe ended, polls may be held again.
    session.set_probing(false);
    result
}

async fn probe_steps(
    server: &Arc<ServerInner>,
    ws: &mut Ws,
    socket: Socket,
    n: u64,
) -> Option<(Socket, u64)> {
    let limit = server.config.write_timeout;
    let deadline = tokio::time::Instant::now() + server.config.grace_period();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let message = read(ws, left).await?;
        let packets = match &message {
            Message::Text(t) => decode_batch(t.as_bytes()),
            Message::Close(_) => return None,
            _ => continue,
        };
        let Ok(packets) = packets else {
            close_with(
                ws,
                limit,
                CloseCode::MALFORMED,
                "malformed packet during probe",
            )
            .await;
            return None;
        };
        for packet in packets {
            match packet.body {
                Body::Ping { probe: true } => {
                    socket.session().set_probing(true);
                    let pong = to_text(&Packet::control(Body::Pong { probe: true }));
                    if !matches!(
                        tokio::time::timeout(limit, ws.send(text(pong))).await,
                        Ok(Ok(()))
                    ) {
                        return None;
                    }
                }
                Body::Upgrade => {
                    return match socket.session().attach(
                        TransportKind::Websocket,
                        packet.rx.unwrap_or(0),
                        n,
                    ) {
                        Ok(id) => Some((socket, id)),
                        Err(e) => {
                            let code = match e {
                                crate::session::AttachError::Closed => CloseCode::UNKNOWN_SESSION,
                                crate::session::AttachError::ReplayLost => CloseCode::REPLAY_LOST,
                                crate::session::AttachError::Stale => CloseCode::REPLACED,
                            };
                            close_with(ws, limit, code, code.name()).await;
                            None
                        }
                    };
                }
                _ => {
                    close_with(
                        ws,
                        limit,
                        CloseCode::MALFORMED,
                        "expected a probe ping or upgrade",
                    )
                    .await;
                    return None;
                }
            }
        }
    }
}
