//! Messages: `say` to members with server-wide ids.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::client::{named, start};
use example_chat::Options;

#[tokio::test]
async fn say_reaches_every_member_with_increasing_ids() {
    let addr = start(Options::default()).await;
    let mut ann = named(addr, "ann").await;
    let mut ben = named(addr, "ben").await;
    let mut cat = named(addr, "cat").await;
    ann.ok("join", json!({ "room": "r" })).await;
    ben.ok("join", json!({ "room": "r" })).await;
    ann.expect("joined").await;
    cat.ok("join", json!({ "room": "elsewhere" })).await;

    let ack = ann.ok("say", json!({ "room": "r", "text": "hello" })).await;
    let id1 = ack["id"].as_u64().expect("integer id");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    for c in [&mut ann, &mut ben] {
        let m = c.expect("message").await;
        let ts = m["ts"].as_u64().expect("integer ts");
        assert!(
            ts.abs_diff(now) < 60_000,
            "ts {ts} is not unix millis near {now}"
        );
        assert_eq!(
            m,
            json!({ "room": "r", "from": "ann", "text": "hello", "id": id1, "ts": ts })
        );
    }

    let id2 = ben
        .ok("say", json!({ "room": "r", "text": "hi ann" }))
        .await["id"]
        .as_u64()
        .unwrap();
    assert!(id2 > id1);
    for c in [&mut ben, &mut ann] {
        let m = c.expect("message").await;
        assert_eq!(
            (m["id"].as_u64(), m["from"].as_str()),
            (Some(id2), Some("ben"))
        );
    }
    // Ids are server-wide: a message in another room gets the next one.
    let id3 = cat
        .ok("say", json!({ "room": "elsewhere", "text": "alone" }))
        .await["id"]
        .as_u64()
        .unwrap();
    assert!(id3 > id2);
    assert_eq!(cat.expect("message").await["id"], id3);
    for c in [&mut ann, &mut ben, &mut cat] {
        c.sync_and_expect_nothing().await;
    }
}

#[tokio::test]
async fn say_without_join_is_refused() {
    let addr = start(Options::default()).await;
    let mut ann = named(addr, "ann").await;
    let mut ben = named(addr, "ben").await;
    ann.ok("join", json!({ "room": "r" })).await;
    let refused = Ok(json!({ "ok": false, "error": "not-in-room" }));
    assert_eq!(
        ben.request("say", json!({ "room": "r", "text": "psst" }))
            .await,
        refused
    );
    assert_eq!(
        ben.request("say", json!({ "room": "nowhere", "text": "?" }))
            .await,
        refused
    );
    ann.sync_and_expect_nothing().await;
    ben.sync_and_expect_nothing().await;
}
