//! The session's outbound queue: sequenced packets in one log, with a write cursor for the
//! attached downlink and an acknowledgement point from the client.
//!
//! ```text
//!   acked (dropped)  | written, not yet acked (replayable) | not yet written
//!                    ^ front of `log`                       ^ `cursor`       ^ `next_seq`
//! ```
//! A transport switch moves `cursor` back to the client's `rx + 1`: that is the whole replay
//! mechanism. Both parts are bounded: too much unwritten data means a slow consumer (the
//! session closes); too much written-but-unacked data drops the oldest replay entries, and a
//! later switch that would need them fails with `replay-lost` instead of silently losing data.
//! Unsequenced control packets (pings) wait in a small side queue and go out first.
//! This type never blocks and knows nothing of transports or time.

use std::collections::VecDeque;

use tramline_protocol::{Body, SharedBody, SharedPacket};

/// The bound was exceeded: the consumer is too slow.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Overflow;

/// The client asked to resume from a point the outbox no longer holds.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ReplayLost;

#[derive(Debug)]
pub(crate) struct Outbox {
    /// Bodies are shared: a broadcast's body is encoded once for every session's log.
    log: VecDeque<(u64, SharedBody)>,
    control: VecDeque<Body>,
    next_seq: u64,
    cursor: u64,
    /// Highest `rx` the client reported: it has everything up to here.
    acked: u64,
    /// Lowest sequence number a replay can start from.
    floor: u64,
    bound: usize,
}

impl Outbox {
    pub(crate) fn new(bound: usize) -> Outbox {
        Outbox {
            log: VecDeque::new(),
            control: VecDeque::new(),
            next_seq: 1,
            cursor: 1,
            acked: 0,
            floor: 1,
            bound,
        }
    }

    /// Appends a sequenced body; returns its sequence number.
    pub(crate) fn push(&mut self, body: SharedBody) -> Result<u64, Overflow> {
        if self.unwritten() >= self.bound {
            return Err(Overflow);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.log.push_back((seq, body));
        Ok(seq)
    }

    /// Queues an unsequenced control body (a ping). At most a handful are ever queued.
    pub(crate) fn push_control(&mut self, body: Body) {
        if self.control.len() < 16 {
            self.control.push_back(body);
        }
    }

    fn unwritten(&self) -> usize {
        (self.next_seq - self.cursor) as usize
    }

    /// The client has every packet up to `rx`: drop them from the replay log.
    pub(crate) fn ack(&mut self, rx: u64) {
        let rx = rx.min(self.next_seq - 1).max(self.acked);
        self.acked = rx;
        while self.log.front().is_some_and(|(seq, _)| *seq <= rx) {
            self.log.pop_front();
        }
        self.floor = self.floor.max(rx + 1);
        self.cursor = self.cursor.max(rx + 1);
    }

    /// A new downlink attached: write again everything after `rx`. An `rx` older than one the
    /// client already reported is stale (the request left before the newer report arrived):
    /// the newer one counts. Only packets dropped by the replay bound make a replay impossible.
    pub(crate) fn rewind(&mut self, rx: u64) -> Result<(), ReplayLost> {
        let rx = rx.max(self.acked);
        if rx + 1 < self.floor {
            return Err(ReplayLost);
        }
        self.ack(rx);
        self.cursor = rx.min(self.next_seq - 1) + 1;
        Ok(())
    }

    /// Whether anything is waiting to be written.
    pub(crate) fn has_pending(&self) -> bool {
        !self.control.is_empty() || self.cursor < self.next_seq
    }

    /// Takes up to `max` packets to write: control packets first, then sequenced ones from the
    /// cursor. Written packets stay in the log for replay until acknowledged.
    pub(crate) fn take(&mut self, max: usize, out: &mut Vec<SharedPacket>) {
        // One allocation for the batch, and none when there is nothing to take.
        out.reserve((self.control.len() + self.unwritten()).min(max.saturating_sub(out.len())));
        while out.len() < max {
            let Some(body) = self.control.pop_front() else {
                break;
            };
            out.push(SharedPacket::control(body));
        }
        let start = self.log.front().map_or(self.next_seq, |(seq, _)| *seq);
        while out.len() < max && self.cursor < self.next_seq {
            let index = (self.cursor - start) as usize;
            let Some((seq, body)) = self.log.get(index) else {
                break;
            };
            out.push(SharedPacket::sequenced(*seq, body.clone()));
            self.cursor += 1;
        }
        // Bound the replayable part: drop the oldest written-but-unacked packets.
        while let Some((seq, _)) = self.log.front() {
            if self.cursor.saturating_sub(*seq) <= self.bound as u64 {
                break;
            }
            self.floor = seq + 1;
            self.log.pop_front();
        }
    }

    /// Packets in the log (written or not), for tests and metrics.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.log.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop() -> SharedBody {
        SharedBody::new(Body::Error(tramline_protocol::ErrorBody {
            code: "x".into(),
            message: String::new(),
        }))
    }

    fn take_seqs(o: &mut Outbox) -> Vec<u64> {
        let mut out = Vec::new();
        o.take(100, &mut out);
        out.iter().filter_map(|p| p.seq).collect()
    }

    #[test]
    fn writes_in_order_and_replays_after_rewind() {
        let mut o = Outbox::new(10);
        for _ in 0..3 {
            o.push(noop()).unwrap();
        }
        assert_eq!(take_seqs(&mut o), vec![1, 2, 3]);
        assert!(!o.has_pending());
        o.rewind(1).unwrap();
        assert_eq!(take_seqs(&mut o), vec![2, 3]);
        assert_eq!(o.len(), 2);
    }

    #[test]
    fn ack_frees_replay_and_skips_what_the_client_has() {
        let mut o = Outbox::new(10);
        for _ in 0..5 {
            o.push(noop()).unwrap();
        }
        o.ack(3);
        assert_eq!(o.len(), 2);
        assert_eq!(take_seqs(&mut o), vec![4, 5]);
    }

    #[test]
    fn unwritten_bound_is_an_overflow() {
        let mut o = Outbox::new(2);
        o.push(noop()).unwrap();
        o.push(noop()).unwrap();
        assert_eq!(o.push(noop()), Err(Overflow));
        take_seqs(&mut o);
        o.push(noop()).unwrap();
    }

    #[test]
    fn replay_bound_drops_oldest_and_reports_replay_lost() {
        let mut o = Outbox::new(2);
        for _ in 0..6 {
            o.push(noop()).unwrap_or_else(|_| {
                take_seqs(&mut o);
                o.push(noop()).unwrap()
            });
            take_seqs(&mut o);
        }
        assert!(o.len() <= 2);
        assert_eq!(o.rewind(0), Err(ReplayLost));
        o.rewind(4).unwrap();
        assert_eq!(take_seqs(&mut o), vec![5, 6]);
    }

    #[test]
    fn a_stale_rx_on_attach_is_not_replay_lost() {
        let mut o = Outbox::new(10);
        o.push(noop()).unwrap();
        assert_eq!(take_seqs(&mut o), vec![1]);
        // The client reported rx 1 (say, on a POST), then a downlink request that left earlier
        // arrives with rx 0.
        o.ack(1);
        o.rewind(0).unwrap();
        o.push(noop()).unwrap();
        assert_eq!(
            take_seqs(&mut o),
            vec![2],
            "nothing the client has is replayed"
        );
    }

    #[test]
    fn control_goes_first_and_rewind_past_the_end_is_clamped() {
        let mut o = Outbox::new(4);
        o.push(noop()).unwrap();
        o.push_control(Body::Ping { probe: false });
        let mut out = Vec::new();
        o.take(10, &mut out);
        assert_eq!(*out[0].body.body(), Body::Ping { probe: false });
        assert_eq!(out[1].seq, Some(1));
        o.rewind(99).unwrap();
        assert!(!o.has_pending());
        o.push(noop()).unwrap();
        assert_eq!(take_seqs(&mut o), vec![2]);
    }
}
