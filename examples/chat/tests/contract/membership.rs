//! Rooms: join, leave, and leaving by closing or dropping the connection.

use std::time::Duration;

use serde_json::json;

use crate::client::{named, start, Client};
use example_chat::Options;

#[tokio::test]
async fn join_lists_sorted_members_and_tells_the_others() {
    let addr = start(Options::default()).await;
    let mut zoe = named(addr, "zoe").await;
    let mut bob = named(addr, "bob").await;
    let mut anon = Client::connect(addr).await;

    let ack = zoe.ok("join", json!({ "room": "lobby" })).await;
    assert_eq!(
        ack,
        json!({ "ok": true, "room": "lobby", "members": ["zoe"] })
    );
    let ack = bob.ok("join", json!({ "room": "lobby" })).await;
    assert_eq!(ack["members"], json!(["bob", "zoe"]));
    assert_eq!(
        zoe.expect("joined").await,
        json!({ "room": "lobby", "who": "bob" })
    );

    let ack = anon.ok("join", json!({ "room": "lobby" })).await;
    let who = anon.anon_name();
    assert_eq!(ack["members"], json!([who.clone(), "bob", "zoe"]));
    for c in [&mut zoe, &mut bob] {
        assert_eq!(
            c.expect("joined").await,
            json!({ "room": "lobby", "who": who })
        );
    }

    // Joining again changes nothing and tells no one; no one hears of their own join.
    let ack = bob.ok("join", json!({ "room": "lobby" })).await;
    assert_eq!(ack["members"], json!([who, "bob", "zoe"]));
    for c in [&mut zoe, &mut bob, &mut anon] {
        c.sync_and_expect_nothing().await;
    }
    assert_eq!(
        bob.request("join", json!({ "room": "" })).await,
        Ok(json!({ "ok": false, "error": "bad-room" }))
    );
    assert_eq!(
        bob.request("join", json!({ "room": 5 })).await,
        Err("invalid-args".into())
    );
}

#[tokio::test]
async fn leave_tells_the_others() {
    let addr = start(Options::default()).await;
    let mut ann = named(addr, "ann").await;
    let mut ben = named(addr, "ben").await;
    ann.ok("join", json!({ "room": "r" })).await;
    ben.ok("join", json!({ "room": "r" })).await;
    ann.expect("joined").await;

    assert_eq!(
        ben.request("leave", json!({ "room": "r" })).await,
        Ok(json!({ "ok": true }))
    );
    assert_eq!(
        ann.expect("left").await,
        json!({ "room": "r", "who": "ben" })
    );
    let refused = Ok(json!({ "ok": false, "error": "not-in-room" }));
    assert_eq!(
        ben.request("say", json!({ "room": "r", "text": "?" }))
            .await,
        refused
    );
    ann.ok("say", json!({ "room": "r", "text": "gone?" })).await;
    ann.expect("message").await;
    // Leaving a room one is not in is acked and tells no one.
    assert_eq!(
        ben.request("leave", json!({ "room": "r" })).await,
        Ok(json!({ "ok": true }))
    );
    ann.sync_and_expect_nothing().await;
    ben.sync_and_expect_nothing().await;
    assert_eq!(
        ann.ok("join", json!({ "room": "r" })).await["members"],
        json!(["ann"])
    );
}

#[tokio::test]
async fn closing_tells_the_others_in_every_room() {
    let addr = start(Options::default()).await;
    let mut ann = named(addr, "ann").await;
    let mut ben = named(addr, "ben").await;
    for room in ["r1", "r2"] {
        ann.ok("join", json!({ "room": room })).await;
        ben.ok("join", json!({ "room": room })).await;
        ann.expect("joined").await;
    }
    ben.close().await;
    let mut rooms = vec![];
    for _ in 0..2 {
        let left = ann.expect("left").await;
        assert_eq!(left["who"], "ben");
        rooms.push(left["room"].as_str().unwrap().to_owned());
    }
    rooms.sort();
    assert_eq!(rooms, ["r1", "r2"]);
    assert_eq!(
        ann.ok("join", json!({ "room": "r1" })).await["members"],
        json!(["ann"])
    );
}

#[tokio::test]
async fn dropped_connection_tells_the_others_after_the_grace_period() {
    // Short pings so that the abandoned session is reaped quickly (grace = interval + timeout).
    let addr = start(Options {
        ping_interval: Some(Duration::from_millis(200)),
        ping_timeout: Some(Duration::from_millis(1000)),
        ..Options::default()
    })
    .await;
    let mut ann = named(addr, "ann").await;
    let mut ben = Client::connect(addr).await;
    ann.ok("join", json!({ "room": "r" })).await;
    ben.ok("join", json!({ "room": "r" })).await;
    let who = ben.anon_name();
    assert_eq!(ann.expect("joined").await["who"], who);
    ben.drop_connection();
    assert_eq!(ann.expect("left").await, json!({ "room": "r", "who": who }));
}
