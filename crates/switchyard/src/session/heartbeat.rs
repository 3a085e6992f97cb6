//! Time-driven rules of a session: pings, the pong deadline, the grace period of a session with
//! no downlink, and how long a closing session may wait to deliver its close packet.
//! [`Session::tick`] is pure bookkeeping under the lock; the session task calls it and sleeps
//! until the deadline it returns, so every timer works under paused tokio time in tests.

use switchyard_protocol::Body;
use tokio::time::Instant;

use super::{Phase, Session};
use crate::error::DisconnectReason;

impl Session {
    /// Acts on every deadline that has passed at `now`; returns the next deadline.
    pub(crate) fn tick(&self, now: Instant) -> Instant {
        let mut st = self.state.lock();
        let grace = self.config.grace_period();
        match st.phase {
            Phase::Closed => return now + grace,
            Phase::Closing => {
                let since = st.closing_since.unwrap_or(now);
                if now >= since + grace {
                    st.phase = Phase::Closed;
                    return now + grace;
                }
                return since + grace;
            }
            Phase::Open => {}
        }
        let reason = if st.pong_deadline.is_some_and(|d| now >= d) {
            Some(DisconnectReason::HeartbeatTimeout)
        } else if st.detached_since.is_some_and(|d| now >= d + grace) {
            Some(DisconnectReason::TransportLost)
        } else {
            None
        };
        if let Some(reason) = reason {
            drop(st);
            tracing::debug!(sid = %self.sid, %reason, "reaping session");
            self.close(reason);
            return self.tick(now);
        }
        if now >= st.next_ping {
            st.outbox.push_control(Body::Ping { probe: false });
            st.next_ping = now + self.config.ping_interval;
            if st.pong_deadline.is_none() {
                st.pong_deadline = Some(now + self.config.ping_timeout);
            }
            self.downlink_wake.notify_waiters();
        }
        let mut next = st.next_ping;
        if let Some(d) = st.pong_deadline {
            next = next.min(d);
        }
        if let Some(d) = st.detached_since {
            next = next.min(d + grace);
        }
        next
    }
}
