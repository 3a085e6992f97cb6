//! Time-driven rules of a session: pings, the pong deadline, the grace period of a session with
//! no downlink, and how long a closing session may wait to deliver its close packet.
//! [`Session::tick`] is pure bookkeeping under the lock; the session task calls it and sleeps
//! until the deadline it returns, so every timer works under paused tokio time in tests.

use tokio::time::Instant;
use tramline_protocol::Body;

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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::time::{advance, Instant};
    use tramline_protocol::{Body, Packet, SharedBody, TransportKind};

    use super::super::{Batch, Phase, Session};
    use crate::config::Config;
    use crate::error::DisconnectReason;

    fn session() -> Arc<Session> {
        let config = Config {
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            ..Config::default()
        };
        Session::new("s".into(), Arc::new(config), TransportKind::Polling).0
    }

    fn drain(s: &Session, id: u64) -> Vec<Packet> {
        match s.try_batch(id, 100) {
            Some(Batch::Packets { packets, .. }) => packets.iter().map(|p| p.to_packet()).collect(),
            _ => Vec::new(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn first_ping_comes_one_interval_after_open_then_every_interval() {
        let s = session();
        let id = s.attach(TransportKind::Polling, 0, 0).unwrap();
        let next = s.tick(Instant::now());
        assert!(drain(&s, id).is_empty(), "no ping at open");
        assert_eq!(next, Instant::now() + Duration::from_secs(25));
        advance(Duration::from_secs(25)).await;
        s.tick(Instant::now());
        assert_eq!(drain(&s, id)[0].body, Body::Ping { probe: false });
        s.receive(vec![Packet::control(Body::Pong { probe: false })])
            .await
            .unwrap();
        advance(Duration::from_secs(25)).await;
        s.tick(Instant::now());
        assert_eq!(drain(&s, id).len(), 1, "one ping per interval, no burst");
        assert_eq!(s.phase(), Phase::Open);
    }

    #[tokio::test(start_paused = true)]
    async fn a_missing_pong_closes_with_heartbeat_timeout() {
        let s = session();
        let _id = s.attach(TransportKind::Sse, 0, 0).unwrap();
        advance(Duration::from_secs(25)).await;
        s.tick(Instant::now());
        advance(Duration::from_secs(19)).await;
        s.tick(Instant::now());
        assert_eq!(s.phase(), Phase::Open);
        advance(Duration::from_secs(1)).await;
        s.tick(Instant::now());
        assert_eq!(s.reason(), Some(DisconnectReason::HeartbeatTimeout));
        assert_eq!(s.phase(), Phase::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn a_session_without_downlink_is_reaped_after_the_grace_period() {
        let s = session();
        let id = s.attach(TransportKind::Polling, 0, 0).unwrap();
        s.detach(id);
        // Pongs keep the heartbeat happy; only the missing downlink counts.
        for _ in 0..44 {
            advance(Duration::from_secs(1)).await;
            s.tick(Instant::now());
            s.receive(vec![Packet::control(Body::Pong { probe: false })])
                .await
                .unwrap();
        }
        assert_eq!(s.phase(), Phase::Open);
        advance(Duration::from_secs(1)).await;
        s.tick(Instant::now());
        assert_eq!(s.reason(), Some(DisconnectReason::TransportLost));
    }

    #[tokio::test(start_paused = true)]
    async fn a_closing_session_delivers_its_close_or_gives_up_after_the_grace_period() {
        let s = session();
        s.close(DisconnectReason::ServerDisconnect);
        assert_eq!(s.phase(), Phase::Closing);
        advance(Duration::from_secs(45)).await;
        s.tick(Instant::now());
        assert_eq!(s.phase(), Phase::Closed);

        let s = session();
        let id = s.attach(TransportKind::Polling, 0, 0).unwrap();
        s.close(DisconnectReason::SlowConsumer);
        let packets = drain(&s, id);
        assert!(matches!(&packets[0].body, Body::Close(c) if c.code.0 == 4429));
        assert_eq!(s.phase(), Phase::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_downlink_request_does_not_replace_a_newer_one() {
        let s = session();
        let poll = s.attach(TransportKind::Polling, 0, 1).unwrap();
        let sse = s.attach(TransportKind::Sse, 0, 3).unwrap();
        assert!(matches!(s.try_batch(poll, 10), Some(Batch::Replaced)));
        // The poll numbered 2 reaches the server after the sse stream numbered 3.
        assert_eq!(
            s.attach(TransportKind::Polling, 0, 2),
            Err(super::super::AttachError::Stale)
        );
        s.enqueue(SharedBody::new(Body::Noop)).unwrap_or(());
        assert!(
            s.attach(TransportKind::Streaming, 0, 3).is_ok(),
            "equal n replaces"
        );
        assert!(matches!(s.try_batch(sse, 10), Some(Batch::Replaced)));
    }
}
