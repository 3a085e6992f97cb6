//! The downlink wake-up rule: only the enqueue that makes the queue non-empty wakes a waiting
//! downlink, which then takes everything pending. A mistake here loses no packet but leaves a
//! downlink asleep with data queued, so each wait is bounded.

use std::sync::Arc;
use std::time::Duration;

use tramline_protocol::{Body, SharedBody, TransportKind};

use super::{Batch, Session};
use crate::config::Config;

fn session() -> Arc<Session> {
    Session::new(
        "s".into(),
        Arc::new(Config::default()),
        TransportKind::Polling,
    )
    .0
}

/// Waits for downlink `id`'s next batch (spawned, so it is already waiting when packets
/// arrive) and returns the sequence numbers in it.
async fn next_seqs(s: &Arc<Session>, id: u64, enqueue: usize) -> Vec<u64> {
    let waiter = tokio::spawn({
        let s = s.clone();
        async move { s.next_batch(id, 100).await }
    });
    // Current-thread runtime: this lets the waiter run until it waits for a wake-up.
    tokio::task::yield_now().await;
    for _ in 0..enqueue {
        s.enqueue(SharedBody::new(Body::Noop)).unwrap();
    }
    let batch = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("the waiting downlink was never woken")
        .unwrap();
    match batch {
        Batch::Packets { packets, .. } => packets.iter().filter_map(|p| p.seq).collect(),
        other => panic!("expected packets, got {other:?}"),
    }
}

#[tokio::test]
async fn one_wake_up_takes_every_pending_packet_and_the_next_packet_wakes_again() {
    let s = session();
    let id = s.attach(TransportKind::Polling, 0, 0).unwrap();
    assert_eq!(next_seqs(&s, id, 3).await, vec![1, 2, 3]);
    // Everything was taken: the next enqueue must wake the downlink again.
    assert_eq!(next_seqs(&s, id, 1).await, vec![4]);
    assert_eq!(next_seqs(&s, id, 2).await, vec![5, 6]);
}
