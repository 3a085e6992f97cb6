//! The session task: one per session, the only place a session's life is driven.
//!
//! It runs `on_connection`, then event handlers one at a time in arrival order (each in its own
//! spawned task, so a panic or a slow handler cannot stop heartbeats), acts on the session's
//! deadlines (pings, pong timeout, grace period). As soon as the session starts closing it
//! leaves its rooms and runs the disconnect handlers; once it is closed it leaves the registry.
//! No lock is held while user code runs.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;
use switchyard_protocol::{Ack, Body, Event};
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, Instant};

use super::{AckValue, Socket};
use crate::error::DisconnectReason;
use crate::server::ServerInner;
use crate::session::{InboundQueue, Phase};

pub(crate) fn spawn(socket: Socket, server: std::sync::Arc<ServerInner>, events: InboundQueue) {
    tokio::spawn(run(socket, server, events));
}

async fn run(socket: Socket, server: std::sync::Arc<ServerInner>, mut events: InboundQueue) {
    let session = socket.session().clone();
    let mut current: Option<JoinHandle<()>> = server.on_connection.as_ref().map(|f| {
        tokio::spawn(
            AssertUnwindSafe(f(socket.clone()))
                .catch_unwind()
                .map(|_| ()),
        )
    });
    let mut cleaned_up = false;
    loop {
        let wake = session.task_notified();
        tokio::pin!(wake);
        wake.as_mut().enable();
        let deadline = session.tick(Instant::now());
        let phase = session.phase();
        if phase != Phase::Open && !cleaned_up {
            // For the application the socket is gone as soon as it starts closing: leave its
            // rooms and run its disconnect handlers now, while the close packet may still be
            // on its way to the client.
            cleaned_up = true;
            // No more events will run: fail senders waiting on a full queue at once.
            events.close();
            tokio::spawn(clean_up(socket.clone(), server.clone(), current.take()));
        }
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
    server.registry.remove(socket.sid_arc());
    tracing::debug!(sid = %socket.id(), "session removed");
    server.notify_session_closed();
}

/// Leaves rooms and runs the disconnect handlers, after the running handler (if any) has
/// finished, within the write timeout, so that cleanup sees what it did.
async fn clean_up(
    socket: Socket,
    server: std::sync::Arc<ServerInner>,
    running: Option<JoinHandle<()>>,
) {
    if let Some(handler) = running {
        let _ = tokio::time::timeout(server.config.write_timeout, handler).await;
    }
    let sid = socket.sid_arc().clone();
    server.adapter.leave_all(&sid);
    let reason = socket
        .session()
        .reason()
        .unwrap_or(DisconnectReason::ServerDisconnect);
    tracing::debug!(%sid, %reason, "session closing");
    for handler in socket.take_disconnect_handlers() {
        let _ = AssertUnwindSafe(handler(socket.clone(), reason))
            .catch_unwind()
            .await;
    }
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
