//! The session: one logical channel, independent of any transport.
//!
//! A session owns its state, its outbound queue ([`outbox::Outbox`]), both sequence counters,
//! its heartbeat and its reaper deadline. Transports never own any of it: they
//! [`Session::attach`] a downlink, drain it with [`Session::next_batch`], and feed uplink packets
//! to [`Session::receive`]. At most one downlink is attached; a newer one replaces the older
//! (which then ends with close 4409), so a proxy-cut connection never blocks its client.
//!
//! Rules this module keeps: the state lock is a `parking_lot` mutex held only for bookkeeping,
//! never across an await or user code; every queue is bounded; deadlines are computed here and
//! acted on by the session task (`socket/task.rs`), which is the only place a session ends.

mod outbox;

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::time::Instant;
use tramline_protocol::{
    Args, Body, Close, ErrorBody, Event, SharedBody, SharedPacket, TransportKind,
};

use crate::config::Config;
use crate::error::DisconnectReason;
use outbox::Outbox;

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Open,
    /// A close packet waits behind the remaining data for a downlink to deliver it.
    Closing,
    /// Over; the session task cleans up and removes it.
    Closed,
}

/// What a downlink should do next.
#[derive(Debug)]
pub(crate) enum Batch {
    /// Write these packets; when `last` is set they end with a close packet: end afterwards.
    Packets {
        packets: Vec<SharedPacket>,
        last: bool,
    },
    /// Another downlink replaced this one: send close 4409 and end.
    Replaced,
    /// The session is over and its close packet was already delivered elsewhere.
    Ended,
}

/// Why a downlink could not attach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttachError {
    /// The session is over.
    Closed,
    /// The client asked for packets that are gone; the session was closed with 4410.
    ReplayLost,
    /// The client already made a newer downlink request (a higher `n`): this one is late and
    /// must not replace it. Answered with close 4409; the session goes on.
    Stale,
}

/// A received event waiting for the session task to run its handler. Boxed in the channel:
/// tokio allocates a channel's first block of 32 slots up front, and 32 unboxed events would
/// cost every idle session 3 KiB.
#[derive(Debug)]
pub(crate) struct Inbound {
    pub(crate) event: Event,
}

pub(crate) type InboundQueue = mpsc::Receiver<Box<Inbound>>;

type AckSender = oneshot::Sender<Result<Args, ErrorBody>>;

#[derive(Debug)]
struct State {
    phase: Phase,
    reason: Option<DisconnectReason>,
    close_taken: bool,
    outbox: Outbox,
    /// Highest sequence number received from the client without a gap.
    in_rx: u64,
    rx_reported: u64,
    downlink: Option<u64>,
    attach_counter: u64,
    transport: TransportKind,
    detached_since: Option<Instant>,
    /// A websocket probe is open: do not hold polls.
    probing: bool,
    /// Highest downlink counter `n` the client sent.
    max_n: u64,
    closing_since: Option<Instant>,
    next_ping: Instant,
    pong_deadline: Option<Instant>,
    acks: HashMap<u64, AckSender>,
    next_ack_id: u64,
}

/// One session. Shared as `Arc<Session>` by the store, the session task and attached transports.
#[derive(Debug)]
pub(crate) struct Session {
    sid: Arc<str>,
    state: Mutex<State>,
    /// Wakes attached downlinks: new packets, replacement or close.
    downlink_wake: Notify,
    /// Wakes the session task: deadlines or phase changed.
    task_wake: Notify,
    /// Serialises the inbound path so sequence checks and handler order agree.
    inbound: tokio::sync::Mutex<mpsc::Sender<Box<Inbound>>>,
    config: Arc<Config>,
}

impl Session {
    pub(crate) fn new(
        sid: Arc<str>,
        config: Arc<Config>,
        transport: TransportKind,
    ) -> (Arc<Session>, InboundQueue) {
        let (tx, rx) = mpsc::channel(config.max_inbound_events);
        let now = Instant::now();
        let state = State {
            phase: Phase::Open,
            reason: None,
            close_taken: false,
            outbox: Outbox::new(config.max_queued_packets),
            in_rx: 0,
            rx_reported: 0,
            downlink: None,
            attach_counter: 0,
            transport,
            detached_since: Some(now),
            probing: false,
            max_n: 0,
            closing_since: None,
            next_ping: now + config.ping_interval,
            pong_deadline: None,
            acks: HashMap::new(),
            next_ack_id: 1,
        };
        let session = Arc::new(Session {
            sid,
            state: Mutex::new(state),
            downlink_wake: Notify::new(),
            task_wake: Notify::new(),
            inbound: tokio::sync::Mutex::new(tx),
            config,
        });
        (session, rx)
    }

    pub(crate) fn sid(&self) -> &Arc<str> {
        &self.sid
    }

    /// A future the session task awaits to learn that its deadlines or phase changed.
    pub(crate) fn task_notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.task_wake.notified()
    }

    /// Highest sequence number received from the client without a gap.
    pub(crate) fn in_rx(&self) -> u64 {
        self.state.lock().in_rx
    }

    pub(crate) fn phase(&self) -> Phase {
        self.state.lock().phase
    }

    pub(crate) fn reason(&self) -> Option<DisconnectReason> {
        self.state.lock().reason
    }

    pub(crate) fn transport(&self) -> TransportKind {
        self.state.lock().transport
    }

    /// Attaches a downlink of `kind`, replacing any other, and rewinds the outbox to `rx`.
    /// `n` is the client's downlink counter (0 when it sends none): a request older than one
    /// already seen is refused, so that a late poll never replaces a newer downlink.
    pub(crate) fn attach(&self, kind: TransportKind, rx: u64, n: u64) -> Result<u64, AttachError> {
        let mut st = self.state.lock();
        if st.phase == Phase::Closed || (st.phase == Phase::Closing && st.close_taken) {
            return Err(AttachError::Closed);
        }
        if n < st.max_n {
            return Err(AttachError::Stale);
        }
        st.max_n = n;
        if st.outbox.rewind(rx).is_err() {
            drop(st);
            self.close(DisconnectReason::ReplayLost);
            return Err(AttachError::ReplayLost);
        }
        if st.probing && kind == TransportKind::Polling {
            st.outbox.push_control(Body::Noop);
        }
        st.attach_counter += 1;
        let id = st.attach_counter;
        st.downlink = Some(id);
        st.transport = kind;
        st.detached_since = None;
        drop(st);
        tracing::debug!(sid = %self.sid, transport = %kind, rx, "downlink attached");
        self.downlink_wake.notify_waiters();
        self.task_wake.notify_one();
        Ok(id)
    }

    /// A websocket probe is open (`true`) or over (`false`). While it is open, polls are not
    /// held: a pending poll is answered at once (with a `noop`), and so is any poll that
    /// arrives later, so the client is never left with a poll in flight when it sends
    /// `upgrade`, and no late poll can take the downlink back from the new websocket.
    pub(crate) fn set_probing(&self, on: bool) {
        let mut st = self.state.lock();
        st.probing = on;
        if on && st.downlink.is_some() && st.transport == TransportKind::Polling {
            st.outbox.push_control(Body::Noop);
            drop(st);
            self.downlink_wake.notify_waiters();
        }
    }

    /// Detaches downlink `id` if it is still the attached one; starts the grace period.
    pub(crate) fn detach(&self, id: u64) {
        let mut st = self.state.lock();
        if st.downlink == Some(id) {
            st.downlink = None;
            st.detached_since = Some(Instant::now());
            drop(st);
            self.task_wake.notify_one();
        }
    }

    /// Takes what downlink `id` should write now, without waiting. `Some(empty)` never occurs:
    /// `None` means nothing to write yet.
    fn try_batch(&self, id: u64, max: usize) -> Option<Batch> {
        let mut st = self.state.lock();
        if st.downlink != Some(id) {
            return Some(if st.phase == Phase::Open || !st.close_taken {
                Batch::Replaced
            } else {
                Batch::Ended
            });
        }
        let mut packets = Vec::new();
        st.outbox.take(max, &mut packets);
        let mut last = false;
        if packets.len() < max && st.phase != Phase::Open && !st.close_taken {
            let reason = st.reason.unwrap_or(DisconnectReason::ServerDisconnect);
            packets.push(SharedPacket::control(Body::Close(Close {
                code: reason.close_code(),
                reason: reason.message().to_owned(),
            })));
            st.close_taken = true;
            last = true;
            if st.phase == Phase::Closing {
                st.phase = Phase::Closed;
                self.task_wake.notify_one();
            }
        } else if packets.is_empty() {
            return (st.phase != Phase::Open && st.close_taken).then_some(Batch::Ended);
        }
        if st.in_rx > st.rx_reported {
            st.rx_reported = st.in_rx;
            packets[0].rx = Some(st.in_rx);
        }
        Some(Batch::Packets { packets, last })
    }

    /// Waits until downlink `id` has something to do. Never holds the lock while waiting.
    pub(crate) async fn next_batch(&self, id: u64, max: usize) -> Batch {
        loop {
            let notified = self.downlink_wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(batch) = self.try_batch(id, max) {
                return batch;
            }
            notified.await;
        }
    }

    /// Queues a sequenced body. Fails when the session is not open; an overflow closes the
    /// session as a slow consumer.
    pub(crate) fn enqueue(&self, body: SharedBody) -> Result<(), ()> {
        let mut st = self.state.lock();
        if st.phase != Phase::Open {
            return Err(());
        }
        // Packets already pending mean a wake-up is already on its way (the push that made the
        // queue non-empty sends one after unlocking), and a downlink always takes everything
        // pending before it waits again: one wake-up per batch, not per packet.
        let wake = !st.outbox.has_pending();
        if st.outbox.push(body).is_err() {
            drop(st);
            tracing::warn!(sid = %self.sid, "outbound queue overflow: closing slow consumer");
            self.close(DisconnectReason::SlowConsumer);
            return Err(());
        }
        drop(st);
        if wake {
            self.downlink_wake.notify_waiters();
        }
        Ok(())
    }

    /// Registers a pending ack and queues its event in one step, so an ack can never arrive
    /// before it is registered.
    pub(crate) fn enqueue_with_ack(
        &self,
        mut event: Event,
    ) -> Result<(u64, oneshot::Receiver<Result<Args, ErrorBody>>), ()> {
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut st = self.state.lock();
            if st.phase != Phase::Open {
                return Err(());
            }
            let id = st.next_ack_id;
            st.next_ack_id += 1;
            st.acks.insert(id, tx);
            id
        };
        event.ack = Some(id);
        if self.enqueue(SharedBody::new(Body::Event(event))).is_err() {
            self.cancel_ack(id);
            return Err(());
        }
        Ok((id, rx))
    }

    pub(crate) fn cancel_ack(&self, id: u64) {
        self.state.lock().acks.remove(&id);
    }

    /// Starts closing the session. Idempotent: the first reason wins.
    pub(crate) fn close(&self, reason: DisconnectReason) {
        let mut st = self.state.lock();
        if st.phase != Phase::Open {
            return;
        }
        let now = Instant::now();
        st.reason = Some(reason);
        st.closing_since = Some(now);
        // A peer that is gone cannot receive a close packet: nothing to wait for.
        // On shutdown, a session with no downlink has nobody to tell: do not linger.
        let nobody = reason == DisconnectReason::Shutdown && st.downlink.is_none();
        st.phase = if reason.peer_gone() || nobody {
            Phase::Closed
        } else {
            Phase::Closing
        };
        // Dropping the senders fails every pending `emit_with_ack` with `Closed`.
        st.acks.clear();
        drop(st);
        tracing::debug!(sid = %self.sid, %reason, "session closing");
        self.downlink_wake.notify_waiters();
        self.task_wake.notify_one();
    }
}

mod heartbeat;
mod inbound;
#[cfg(test)]
mod tests;
#[allow(unused_imports)]
pub(crate) use inbound::Violation;
