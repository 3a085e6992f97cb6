//! The session task: one per session, the only place a session's life is driven.
//!
//! It runs `on_connection`, then event handlers one at a time in arrival order (each in its own
//! spawned task, so a panic or a slow handler cannot stop heartbeats), acts on the session's
//! deadlines (pings, pong timeout, grace period), and, once the session is closed, removes it
//! from the registry and its rooms and runs the disconnect handlers. No lock is held while user
//! code runs.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;
use switchyard_protocol::{Ack, Body, Event};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, Instant};

use super::{AckValue, Socket};
use crate::error::DisconnectReason;
use crate::server::ServerInner;
use crate::session::{Inbound, Phase};

pub(crate) fn spawn(
    socket: Socket,
    server: std::sync::Arc<ServerInner>,
    events: mpsc::Receiver<Inbound>,
) {
    tokio::spawn(run(socket, server, events));
}

async fn run(
    socket: Socket,
    server: std::sync::Arc<ServerInner>,
    mut events: mpsc::Receiver<Inbound>,
) {
    let session = socket.session().clone();
    let mut current: Option<JoinHandle<()>> = server.on_connection.as_ref().map(|f| {
        tokio::spawn(
            AssertUnwindSafe(f(socket.clone()))
                .catch_unwind()
                .map(|_| ()),
        )
    });
    loop {
        let wake = session.task_notified();
        tokio::pin!(wake);
        wake.as_mut().enable();
        let deadline = session.tick(Instant::now());
        let phase = session.phase();
        if phase == Phase::Closed {
            break;
        }
        tokio::select! {
            _ = &mut wake => {}
            _ = sleep_until(deadline) => {}
            _ = async { current.as_mut().expect("guarded").await }, if current.is_some() => {
                current = None;
            }
            ev = events.recv(), if current.is_none() && phase == Phase::Open => {
                if let Some(ev) = ev {
                    current = Some(tokio::spawn(dispatch(socket.clone(), server.clone(), ev.event)));
                }
            }
        }
    }
    // Let a handler that is still running finish (bounded), so that cleanup sees what it did.
    if let Some(handler) = current {
        let _ = tokio::time::timeout(server.config.write_timeout, handler).await;
    }
    let sid = socket.sid_arc().clone();
    server.registry.remove(&sid);
    server.adapter.leave_all(&sid);
    let reason = session
        .reason()
        .unwrap_or(DisconnectReason::ServerDisconnect);
    tracing::debug!(%sid, %reason, "session closed");
    for handler in socket.take_disconnect_handlers() {
        let _ = AssertUnwindSafe(handler(socket.clone(), reason))
            .catch_unwind()
            .await;
    }
    server.notify_session_closed();
}

async fn dispatch(socket: Socket, server: std::sync::Arc<ServerInner>, event: Event) {
    let Event { name, args, ack } = event;
    let reply = match socket.handler(&name) {
        None => {
            tracing::debug!(sid = %socket.id(), event = %name, "no handler for event");
            if ack.is_none() {
                return;
            }
            AckValue::error("no-handler", format!("no handler for event {name:?}"))
        }
        Some(handler) => match handler.call(socket.clone(), &args) {
            Ok(fut) => match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(reply) => reply,
                Err(_) => {
                    tracing::error!(sid = %socket.id(), event = %name, "event handler panicked");
                    AckValue::error("handler-panic", "the event handler panicked")
                }
            },
            Err(message) => {
                tracing::warn!(sid = %socket.id(), event = %name, %message, "invalid event arguments");
                server.report_invalid_payload(&socket, &name, &message);
                AckValue::error("invalid-args", message)
            }
        },
    };
    let body = match (ack, reply.0) {
        (Some(id), result) => Body::Ack(Ack { id, result }),
        (None, Err(error)) => Body::Error(error),
        (None, Ok(_)) => return,
    };
    let _ = socket.session().enqueue(body);
}
