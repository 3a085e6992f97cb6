//! Connection middleware (rejections, what it sees) and invalid event arguments, over real TCP.

use std::sync::Arc;

use http::{Method, StatusCode};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tramline::{Builder, ConnectInfo, Rejection, Tramline, TransportKind as Kind};
use tramline_tests::protocol::{to_text, Body, Connect, Packet};
use tramline_tests::{
    http_request, ws_connect_raw, ws_send_packet, ws_wait_packet, Client, ClientError, DownlinkEnd,
    OpenOpts, TestServer, TransportKind,
};

const P: &str = "/realtime";
const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Admits clients whose auth is `{"token": "ok"}`; remembers what it saw.
fn guarded(seen: Arc<Mutex<Vec<ConnectInfo>>>) -> Builder {
    Tramline::builder()
        .middleware(move |info: ConnectInfo| {
            let seen = seen.clone();
            async move {
                seen.lock().push(info.clone());
                match info.auth_json() {
                    Some(a) if a["token"] == "ok" => Ok(()),
                    _ => Err(Rejection::new("bad token, go away")),
                }
            }
        })
        .on_connection(|socket| async move {
            socket.on("echo", |_s, v: Value| async move { v });
        })
}

fn connect(auth: Value) -> Vec<u8> {
    let auth = serde_json::to_vec(&auth).unwrap();
    to_text(&Packet::control(Body::Connect(Connect {
        auth: Some(auth.into()),
    })))
    .to_vec()
}

#[tokio::test]
async fn a_rejection_is_403_on_open_with_the_message() {
    let ts = TestServer::tcp(guarded(Arc::default())).await;
    for t in [
        TransportKind::Sse,
        TransportKind::Streaming,
        TransportKind::Polling,
    ] {
        let err = Client::open(
            &ts.dialer,
            P,
            t,
            OpenOpts::default().auth(json!({"token": "no"})),
        )
        .await
        .unwrap_err();
        let resp = err.http_response().unwrap_or_else(|| panic!("{t}: {err}"));
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{t}");
        assert_eq!(
            resp.json().unwrap(),
            json!({"error": "rejected", "message": "bad token, go away"}),
            "{t}"
        );
    }
    // Without any connect packet there is no auth at all: rejected as well.
    let resp = http_request(&ts.dialer, Method::POST, &format!("{P}/open"), &[], "")
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::FORBIDDEN, "{}", resp.text());
    assert_eq!(resp.error_code().as_deref(), Some("rejected"));
    assert_eq!(ts.server.session_count(), 0);
}

#[tokio::test]
async fn a_rejection_is_close_4403_on_a_websocket_with_the_message() {
    let ts = TestServer::tcp(guarded(Arc::default())).await;
    let err = Client::open(
        &ts.dialer,
        P,
        TransportKind::Websocket,
        OpenOpts::default().auth(json!({"token": "no"})),
    )
    .await
    .unwrap_err();
    assert_eq!(err.close_code(), Some(4403), "{err}");
    let reason = match &err {
        ClientError::Closed(c) => c.reason.clone(),
        ClientError::Disconnected(DownlinkEnd::WsClose { reason, .. }) => reason.clone(),
        other => panic!("{other}"),
    };
    assert!(reason.contains("bad token, go away"), "reason {reason:?}");
    assert_eq!(ts.server.session_count(), 0);
}

#[tokio::test]
async fn the_middleware_sees_headers_query_and_auth() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let ts = TestServer::tcp(guarded(seen.clone())).await;
    let headers = [
        ("x-test", "42"),
        ("cookie", "a=1; session=abc"),
        ("content-type", "text/plain;charset=UTF-8"),
    ];
    // HTTP.
    let resp = http_request(
        &ts.dialer,
        Method::POST,
        &format!("{P}/open?room=lobby&x=%20y"),
        &headers,
        connect(json!({"token": "ok", "user": "ann"})),
    )
    .await
    .unwrap();
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    // WebSocket.
    let mut ws = ws_connect_raw(
        &ts.dialer,
        &format!("{P}/websocket?room=lobby&x=%20y"),
        &headers[..2],
    )
    .await
    .unwrap()
    .into_ws()
    .unwrap();
    let packet =
        tramline_tests::protocol::decode_text(&connect(json!({"token": "ok", "user": "ann"})))
            .unwrap();
    ws_send_packet(&mut ws, &packet).await.unwrap();
    ws_wait_packet(&mut ws, WAIT, |p| matches!(p.body, Body::Open(_)))
        .await
        .unwrap();

    let seen = seen.lock().clone();
    assert_eq!(seen.len(), 2);
    for (info, kind) in seen.iter().zip([None, Some(Kind::Websocket)]) {
        assert_eq!(
            info.headers().get("x-test").and_then(|v| v.to_str().ok()),
            Some("42")
        );
        assert_eq!(info.query("room").as_deref(), Some("lobby"));
        assert_eq!(info.query("x").as_deref(), Some(" y"));
        assert_eq!(info.cookie("session").as_deref(), Some("abc"));
        assert_eq!(
            info.auth_json(),
            Some(&json!({"token": "ok", "user": "ann"}))
        );
        assert!(info.remote_addr().is_some_and(|a| a.ip().is_loopback()));
        if let Some(k) = kind {
            assert_eq!(info.transport(), k);
        }
    }
    assert_eq!(ts.server.session_count(), 2);
}

#[tokio::test]
async fn invalid_args_get_an_invalid_args_error_ack_and_call_the_hook() {
    let calls = Arc::new(Mutex::new(Vec::<(String, String, String)>::new()));
    let hook = calls.clone();
    let builder = Tramline::builder()
        .on_connection(|socket| async move {
            socket.on("double", |_s, n: u64| async move { json!(n * 2) });
        })
        .on_invalid_payload(move |socket, event, message| {
            hook.lock()
                .push((socket.id().to_owned(), event.to_owned(), message.to_owned()));
        });
    let ts = TestServer::tcp(builder).await;
    for t in TransportKind::ALL {
        let client = Client::open(&ts.dialer, P, t, OpenOpts::default())
            .await
            .unwrap();
        let ack = client
            .request("double", json!(["not a number"]), vec![])
            .await
            .unwrap();
        let err = ack.result.expect_err("an error ack");
        assert_eq!(err.code, "invalid-args", "{t}: {}", err.message);
        {
            let calls = calls.lock();
            let last = calls
                .last()
                .unwrap_or_else(|| panic!("{t}: hook not called"));
            assert_eq!((last.0.as_str(), last.1.as_str()), (client.sid(), "double"));
            assert!(!last.2.is_empty());
        }
        // The session is fine afterwards.
        let ack = client.request("double", json!([21]), vec![]).await.unwrap();
        assert_eq!(ack.ok().unwrap(), json!([42]), "{t}");
        client.close().await.unwrap();
    }
    assert_eq!(calls.lock().len(), 4);
}
