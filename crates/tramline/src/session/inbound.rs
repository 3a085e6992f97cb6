//! The uplink half of a session: every packet a client sends, on any transport, passes through
//! [`Session::receive`]. It enforces the receiver rules of `docs/protocol.md` (drop duplicates,
//! reject gaps), resolves acks without running user code, and hands events to the session task
//! in order through a bounded channel, so a slow handler slows its client, not the server.

use tramline_protocol::{Body, Packet};

use super::{Inbound, Phase, Session};
use crate::error::DisconnectReason;

/// The client broke the protocol; the session has been closed with this reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Violation(pub(crate) DisconnectReason, pub(crate) &'static str);

impl Session {
    /// Processes packets received from the client, in order. On a violation the session is
    /// closed (4400) and the rest of the batch ignored.
    pub(crate) async fn receive(&self, packets: Vec<Packet>) -> Result<(), Violation> {
        let sender = self.inbound.lock().await;
        for packet in packets {
            let event = match self.accept(packet) {
                Ok(Some(event)) => event,
                Ok(None) => continue,
                Err(v) => {
                    tracing::warn!(sid = %self.sid, reason = v.1, "protocol violation");
                    self.close(v.0);
                    return Err(v);
                }
            };
            // Bounded: waits while the handlers are behind. Fails only once the task is gone.
            if sender.send(event).await.is_err() {
                break;
            }
        }
        Ok(())
    }

    /// Applies one packet to the state; returns an event to dispatch, if any.
    fn accept(&self, packet: Packet) -> Result<Option<Box<Inbound>>, Violation> {
        let mut st = self.state.lock();
        // Any packet proves the client is alive.
        st.pong_deadline = None;
        if let Some(rx) = packet.rx {
            st.outbox.ack(rx);
        }
        if st.phase != Phase::Open {
            return Ok(None);
        }
        if let Some(seq) = packet.seq {
            if seq <= st.in_rx {
                return Ok(None); // duplicate from a replay: drop silently
            }
            if seq != st.in_rx + 1 {
                return Err(Violation(DisconnectReason::Malformed, "sequence gap"));
            }
            st.in_rx = seq;
            // A client that only sends still needs our rx to free its retransmit buffer.
            if (st.in_rx - st.rx_reported) % tramline_protocol::ACK_EVERY == 0 {
                st.outbox.push_control(Body::Noop);
                self.downlink_wake.notify_waiters();
            }
        }
        match packet.body {
            Body::Event(event) => Ok(Some(Box::new(Inbound { event }))),
            Body::Ack(ack) => {
                if let Some(tx) = st.acks.remove(&ack.id) {
                    let _ = tx.send(ack.result);
                }
                Ok(None)
            }
            Body::Error(err) => {
                tracing::warn!(sid = %self.sid, code = %err.code, message = %err.message, "client reported an error");
                Ok(None)
            }
            Body::Pong { .. } | Body::Noop => Ok(None),
            Body::Ping { probe: false } => {
                st.outbox.push_control(Body::Pong { probe: false });
                drop(st);
                self.downlink_wake.notify_waiters();
                Ok(None)
            }
            Body::Close(_) => {
                drop(st);
                self.close(DisconnectReason::ClientClosed);
                Ok(None)
            }
            Body::Ping { probe: true } | Body::Upgrade => Err(Violation(
                DisconnectReason::Malformed,
                "probe and upgrade are only valid on a probing websocket",
            )),
            Body::Connect(_) | Body::Open(_) => Err(Violation(
                DisconnectReason::Malformed,
                "connect/open inside an open session",
            )),
        }
    }
}
