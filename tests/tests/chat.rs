//! The chat example's whole event contract, driven over every transport by the protocol test
//! client: nick, join, say (and `message` to every member), leave, `lag` (a server-to-client
//! ack) and `share` (binary to the room). The websocket-only contract tests that also cover
//! the error answers live in `examples/chat/tests/contract.rs`.

use bytes::Bytes;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tramline_tests::{Client, OpenOpts, TcpDialer, TransportKind};

struct Chat {
    dialer: TcpDialer,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Chat {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start_chat() -> Chat {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(example_chat::run(
        listener,
        example_chat::Options::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    Chat {
        dialer: TcpDialer(addr),
        stop: Some(stop),
    }
}

async fn ok(client: &Client, event: &str, arg: Value) -> Value {
    let ack = client.request(event, json!([arg]), vec![]).await.unwrap();
    let value = ack.ok().unwrap()[0].clone();
    assert_eq!(value["ok"], json!(true), "{event}: {value}");
    value
}

async fn whole_contract(t: TransportKind) {
    let chat = start_chat().await;
    let open = || Client::open(&chat.dialer, "/realtime", t, OpenOpts::default());
    let (ada, bob) = (open().await.unwrap(), open().await.unwrap());
    ok(&ada, "nick", json!({"name": "ada"})).await;
    ok(&bob, "nick", json!({"name": "bob"})).await;
    ok(&ada, "join", json!({"room": "r"})).await;
    let joined = ok(&bob, "join", json!({"room": "r"})).await;
    assert_eq!(joined["members"], json!(["ada", "bob"]), "{t}");
    let seen = ada.wait_event("joined").await.unwrap();
    assert_eq!(seen.args, json!([{"room": "r", "who": "bob"}]), "{t}");

    let said = ok(&ada, "say", json!({"room": "r", "text": "hi"})).await;
    for client in [&ada, &bob] {
        let msg = client.wait_event("message").await.unwrap().args[0].clone();
        assert_eq!(
            (msg["from"].clone(), msg["text"].clone()),
            (json!("ada"), json!("hi"))
        );
        assert_eq!(msg["id"], said["id"], "{t}");
    }

    // A server-to-client ack: the server asks, the client answers, the server measures.
    let lag_id = ada.emit_with_ack("lag", json!([]), vec![]).await.unwrap();
    let question = ada.wait_event("lag?").await.unwrap();
    ada.ack(question.ack.expect("lag? asks for an ack"), json!([]))
        .await
        .unwrap();
    let lag = ada.wait_ack(lag_id).await.unwrap().ok().unwrap()[0].clone();
    assert_eq!(lag["ok"], json!(true), "{t}: {lag}");
    assert!(lag["ms"].is_u64(), "{t}: {lag}");

    // Binary: the same bytes reach every member, whatever the transport.
    let bytes = Bytes::from((0..=255u8).cycle().take(3000).collect::<Vec<u8>>());
    let args = json!([{"room": "r", "name": "f.bin", "data": {"$bin": 0}}]);
    let shared = bob
        .request("share", args, vec![bytes.clone()])
        .await
        .unwrap();
    assert_eq!(shared.ok().unwrap()[0]["ok"], json!(true), "{t}");
    for client in [&ada, &bob] {
        let ev = client.wait_event("shared").await.unwrap();
        assert_eq!(ev.args[0]["from"], json!("bob"), "{t}");
        assert_eq!(ev.args[0]["data"], json!({"$bin": 0}), "{t}");
        assert_eq!(ev.bins, vec![bytes.clone()], "{t}");
    }

    ok(&bob, "leave", json!({"room": "r"})).await;
    let left = ada.wait_event("left").await.unwrap();
    assert_eq!(left.args, json!([{"room": "r", "who": "bob"}]), "{t}");
    let refused = bob
        .request("say", json!([{"room": "r", "text": "x"}]), vec![])
        .await
        .unwrap();
    assert_eq!(
        refused.ok().unwrap()[0],
        json!({"ok": false, "error": "not-in-room"}),
        "{t}"
    );
}

#[tokio::test]
async fn whole_contract_over_websocket() {
    whole_contract(TransportKind::Websocket).await;
}

#[tokio::test]
async fn whole_contract_over_sse() {
    whole_contract(TransportKind::Sse).await;
}

#[tokio::test]
async fn whole_contract_over_streaming() {
    whole_contract(TransportKind::Streaming).await;
}

#[tokio::test]
async fn whole_contract_over_polling() {
    whole_contract(TransportKind::Polling).await;
}
