//! The session task: one per session, the only place a session's life is driven.
//!
//! It runs `on_connection`, then event handlers one at a time in arrival order, and acts on the
//! session's deadlines (pings, pong timeout, grace period). Handlers run in a spawned runner
//! task, so a panic or a slow handler cannot stop heartbeats; the runner takes every event
//! already queued (up to a bound) before it hands the queue back, so a burst of events costs one
//! task and one scheduling round instead of two per event. That matters for fan-out: each
//! round lets every recipient's downlink write once, so the fewer rounds a publisher's burst
//! takes, the more packets each write carries. As soon as the session starts closing it
//! leaves its rooms and runs the disconnect handlers; once it is closed it leaves the registry.
//! No lock is held while user code runs.

use std::panic::{catch_unwind, AssertUnwindSafe};

use futures_util::FutureExt as _;
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, Instant};
use tramline_protocol::{Ack, Body, Event, SharedBody};

use super::{AckValue, Socket};
use crate::error::DisconnectReason;
use crate::server::ServerInner;
use crate::session::{InboundQueue, Phase};

pub(crate) fn spawn(socket: Socket, server: std::sync::Arc<ServerInner>, events: InboundQueue) {
    tokio::spawn(run(socket, server, events));
}

/// Events one runner handles before it hands the queue back to the session task.
const EVENTS_PER_RUN: usize = 64;

/// What is running user code now: `on_connection`, or a runner of events that holds the
/// inbound queue and gives it back when done.
type Running = JoinHandle<Option<InboundQueue>>;

async fn run(socket: Socket, server: std::sync::Arc<ServerInner>, events: InboundQueue) {
    let session = socket.session().clone();
    // The queue is here while no handler runs, or with the runner while one does.
    let mut events = Some(events);
    let mut current: Option<Running> = server.on_connection.as_ref().map(|f| {
        tokio::spawn(
            AssertUnwindSafe(f(socket.clone()))
                .catch_unwind()
                .map(|_| None),
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
            // No more events will run: fail senders waiting on a full queue at once. A runner
            // that holds the queue stops at its next event and drops it in `clean_up`.
            events = None;
            tokio::spawn(clean_up(socket.clone(), server.clone(), current.take()));
        }
        if phase == Phase::Closed {
            break;
        }
        let idle = current.is_none() && phase == Phase::Open;
        tokio::select! {
            _ = &mut wake => {}
            _ = sleep_until(deadline) => {}
            done = async { current.as_mut().expect("guarded").await }, if current.is_some() => {
                current = None;
                // A runner that panicked outside a handler lost the queue: nothing more can
                // be dispatched, so the session ends instead of silently ignoring events.
                match done {
                    Ok(Some(queue)) => events = Some(queue),
                    Ok(None) => {}
                    Err(_) => session.close(DisconnectReason::ServerDisconnect),
                }
            }
            ev = async { events.as_mut().expect("guarded").recv().await }, if idle && events.is_some() => {
                if let (Some(ev), Some(queue)) = (ev, events.take()) {
                    let runner = run_events(socket.clone(), server.clone(), ev.event, queue);
                    current = Some(tokio::spawn(runner));
                }
            }
        }
    }
    server.registry.remove(socket.sid_arc());
    tracing::debug!(sid = %socket.id(), "session removed");
    server.notify_session_closed();
}

/// Runs `first`, then the events already queued behind it (at most [`EVENTS_PER_RUN`]), one
/// at a time in order, in this one task: a burst of events costs one task, not one per event.
/// Returns the queue, or `None` once the session stopped being open.
async fn run_events(
    socket: Socket,
    server: std::sync::Arc<ServerInner>,
    first: Event,
    mut events: InboundQueue,
) -> Option<InboundQueue> {
    let mut event = first;
    for run in 1.. {
        // `dispatch` answers a panicking handler itself; this is the backstop that keeps the
        // queue (and so the session's later events) if anything else in it panics.
        let dispatched = AssertUnwindSafe(dispatch(socket.clone(), server.clone(), event));
        if dispatched.catch_unwind().await.is_err() {
            tracing::error!(sid = %socket.id(), "event dispatch panicked");
        }
        if socket.session().phase() != Phase::Open {
            return None;
        }
        if run == EVENTS_PER_RUN {
            break;
        }
        match events.try_recv() {
            Ok(next) => event = next.event,
            Err(_) => break,
        }
    }
    Some(events)
}

/// Leaves rooms and runs the disconnect handlers, after the running handler (if any) has
/// finished, within the write timeout, so that cleanup sees what it did.
async fn clean_up(socket: Socket, server: std::sync::Arc<ServerInner>, running: Option<Running>) {
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
        Some(handler) => {
            match catch_unwind(AssertUnwindSafe(|| handler.call(socket.clone(), &args))) {
                // A handler can panic before it returns its future, or while it runs.
                Ok(Ok(fut)) => match AssertUnwindSafe(fut).catch_unwind().await {
                    Ok(reply) => reply,
                    Err(_) => handler_panicked(&socket, &name),
                },
                Err(_) => handler_panicked(&socket, &name),
                Ok(Err(message)) => {
                    tracing::warn!(sid = %socket.id(), event = %name, %message, "invalid event arguments");
                    server.report_invalid_payload(&socket, &name, &message);
                    AckValue::error("invalid-args", message)
                }
            }
        }
    };
    let body = match (ack, reply.0) {
        (Some(id), result) => Body::Ack(Ack { id, result }),
        (None, Err(error)) => Body::Error(error),
        (None, Ok(_)) => return,
    };
    let _ = socket.session().enqueue(SharedBody::new(body));
}

fn handler_panicked(socket: &Socket, name: &str) -> AckValue {
    tracing::error!(sid = %socket.id(), event = %name, "event handler panicked");
    AckValue::error("handler-panic", "the event handler panicked")
}
