//! Nicks: validation and renames.

use serde_json::json;

use crate::client::{named, start, Client};
use example_chat::Options;

#[tokio::test]
async fn nick_accepts_names_up_to_32_chars() {
    let addr = start(Options::default()).await;
    let mut c = Client::connect(addr).await;
    let bad = json!({ "ok": false, "error": "bad-name" });
    assert_eq!(
        c.request("nick", json!({ "name": "ada" })).await,
        Ok(json!({ "ok": true }))
    );
    assert_eq!(
        c.request("nick", json!({ "name": "" })).await,
        Ok(bad.clone())
    );
    assert_eq!(
        c.request("nick", json!({ "name": "x".repeat(33) })).await,
        Ok(bad)
    );
    c.ok("nick", json!({ "name": "é".repeat(32) })).await;
    // A payload that does not decode gets the server's automatic error ack.
    assert_eq!(
        c.request("nick", json!({ "nom": "ada" })).await,
        Err("invalid-args".into())
    );
}

#[tokio::test]
async fn renaming_updates_member_lists_and_messages() {
    let addr = start(Options::default()).await;
    let mut a = Client::connect(addr).await;
    a.ok("join", json!({ "room": "r" })).await;
    a.ok("nick", json!({ "name": "ann" })).await;
    a.ok("say", json!({ "room": "r", "text": "hi" })).await;
    assert_eq!(a.expect("message").await["from"], "ann");
    let mut b = named(addr, "ben").await;
    assert_eq!(
        b.ok("join", json!({ "room": "r" })).await["members"],
        json!(["ann", "ben"])
    );
}
