//! The sequencing rules of the protocol, on the client side, without IO: which received
//! packets to accept ([`RecvWindow`]) and which sent packets to keep for a replay
//! ([`SendBuffer`]).
//!
//! They are kept apart from the sockets so that they can be unit-tested, and so that the
//! client checks the server's numbering exactly as the design brief states it: a duplicate
//! (`seq <= rx`) is dropped silently, `seq == rx + 1` is accepted, anything further is a gap,
//! which this module reports and never papers over.

use std::collections::VecDeque;

use tramline_protocol::{Body, Packet, ACK_EVERY};

/// What to do with a received sequenced packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// The next packet in order: deliver it.
    New,
    /// Already received (`seq <= rx`): drop it silently.
    Duplicate,
    /// Packets are missing before this one: a protocol error.
    Gap {
        /// The sequence number that should have come (`rx + 1`).
        expected: u64,
        /// The sequence number that came.
        got: u64,
    },
}

/// The receiving side of one direction: the highest sequence number received without a gap
/// (`rx`), and when `rx` was last reported to the peer.
#[derive(Debug, Clone, Default)]
pub struct RecvWindow {
    rx: u64,
    reported: u64,
}

impl RecvWindow {
    /// A window that has received nothing (`rx == 0`).
    pub fn new() -> RecvWindow {
        RecvWindow::default()
    }

    /// Classifies `seq` and, when it is [`Accept::New`], advances `rx`.
    pub fn accept(&mut self, seq: u64) -> Accept {
        if seq <= self.rx {
            Accept::Duplicate
        } else if seq == self.rx + 1 {
            self.rx = seq;
            Accept::New
        } else {
            Accept::Gap {
                expected: self.rx + 1,
                got: seq,
            }
        }
    }

    /// The highest sequence number received with no gap; 0 before the first.
    pub fn rx(&self) -> u64 {
        self.rx
    }

    /// Records that `rx` is being reported to the peer now, and returns it.
    pub fn report(&mut self) -> u64 {
        self.reported = self.rx;
        self.rx
    }

    /// Whether [`ACK_EVERY`] or more packets were accepted since `rx` was last reported, so
    /// that the client should send a `noop` carrying `rx`.
    pub fn report_due(&self) -> bool {
        self.rx - self.reported >= ACK_EVERY
    }
}

/// The sending side of one direction: the last sequence number used and the sent packets
/// that the peer has not acknowledged yet (its `rx` does not cover them).
#[derive(Debug, Clone, Default)]
pub struct SendBuffer {
    last_seq: u64,
    peer_rx: u64,
    unacked: VecDeque<Packet>,
}

impl SendBuffer {
    /// An empty buffer; the first packet gets `seq` 1.
    pub fn new() -> SendBuffer {
        SendBuffer::default()
    }

    /// Numbers `body` with the next sequence number, keeps a copy until it is acknowledged,
    /// and returns the packet to send.
    pub fn push(&mut self, body: Body) -> Packet {
        self.last_seq += 1;
        let packet = Packet::sequenced(self.last_seq, body);
        self.unacked.push_back(packet.clone());
        packet
    }

    /// Applies the peer's cumulative acknowledgement: drops every kept packet with
    /// `seq <= rx`. An `rx` lower than one already seen changes nothing.
    pub fn ack(&mut self, rx: u64) {
        self.peer_rx = self.peer_rx.max(rx);
        while self
            .unacked
            .front()
            .is_some_and(|p| p.seq.is_some_and(|s| s <= self.peer_rx))
        {
            self.unacked.pop_front();
        }
    }

    /// The last sequence number used; 0 before the first packet.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// The highest `rx` the peer has reported.
    pub fn peer_rx(&self) -> u64 {
        self.peer_rx
    }

    /// The packets sent but not yet acknowledged, oldest first: what a transport switch
    /// sends again.
    pub fn unacked(&self) -> impl ExactSizeIterator<Item = &Packet> + '_ {
        self.unacked.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_accepts_in_order_drops_duplicates_and_flags_gaps() {
        let mut w = RecvWindow::new();
        assert_eq!(w.rx(), 0);
        assert_eq!(w.accept(1), Accept::New);
        assert_eq!(w.accept(2), Accept::New);
        assert_eq!(w.accept(2), Accept::Duplicate);
        assert_eq!(w.accept(1), Accept::Duplicate);
        assert_eq!(
            w.accept(4),
            Accept::Gap {
                expected: 3,
                got: 4
            }
        );
        // A gap does not move rx: the missing packet is still accepted after it.
        assert_eq!(w.rx(), 2);
        assert_eq!(w.accept(3), Accept::New);
        assert_eq!(w.accept(4), Accept::New);
        assert_eq!(w.rx(), 4);
    }

    #[test]
    fn window_asks_for_a_report_every_ack_every_packets() {
        let mut w = RecvWindow::new();
        for seq in 1..ACK_EVERY {
            w.accept(seq);
            assert!(!w.report_due());
        }
        w.accept(ACK_EVERY);
        assert!(w.report_due());
        assert_eq!(w.report(), ACK_EVERY);
        assert!(!w.report_due());
    }

    #[test]
    fn buffer_numbers_from_one_and_trims_on_cumulative_ack() {
        let mut b = SendBuffer::new();
        let seqs: Vec<_> = (0..4).map(|_| b.push(Body::Noop).seq).collect();
        assert_eq!(seqs, [Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(b.unacked().len(), 4);
        b.ack(2);
        let left: Vec<_> = b.unacked().map(|p| p.seq).collect();
        assert_eq!(left, [Some(3), Some(4)]);
        // An older rx arriving late does not resurrect or drop anything.
        b.ack(1);
        assert_eq!(b.unacked().len(), 2);
        assert_eq!(b.peer_rx(), 2);
        b.ack(10);
        assert_eq!(b.unacked().len(), 0);
        assert_eq!(b.push(Body::Noop).seq, Some(5));
        assert_eq!(b.last_seq(), 5);
    }
}
