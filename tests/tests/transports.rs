//! Every transport over real TCP on 127.0.0.1: opening, acks both ways, ack timeouts,
//! binary values, and the error answers (malformed packet, payload too large, unknown
//! session, origin rejected, a second concurrent downlink).

use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use tramline::{AckError, AckValue, Binary, Builder, Tramline};
use tramline_tests::protocol::{decode_batch, Body, Packet};
use tramline_tests::{
    http_request, open_stream, wait_close_code, ws_connect_raw, ws_send_packet, ws_wait_packet,
    Client, OpenOpts, TestServer, TransportKind, WsConnect,
};

const P: &str = "/realtime";
const WAIT: Duration = Duration::from_secs(10);

fn app() -> Builder {
    Tramline::builder().on_connection(|socket| async move {
        socket.on("echo", |_s, v: Value| async move { v });
        socket.on("bin", |_s, b: Binary| async move { AckValue::value(&b) });
    })
}

async fn open(ts: &TestServer<tramline_tests::TcpDialer>, t: TransportKind) -> Client {
    Client::open(&ts.dialer, P, t, OpenOpts::default())
        .await
        .unwrap_or_else(|e| panic!("open {t}: {e}"))
}

fn big_event(len: usize) -> String {
    format!(
        r#"{{"type":"event","seq":1,"name":"x","args":["{}"]}}"#,
        "a".repeat(len)
    )
}

async fn open_and_ack_client_to_server(t: TransportKind) {
    let ts = TestServer::tcp(app()).await;
    let client = open(&ts, t).await;
    assert_eq!(client.handshake().sid.len(), 22);
    let ack = client.request("echo", json!([{"a": 1}]), vec![]).await;
    assert_eq!(ack.unwrap().ok().unwrap(), json!([{"a": 1}]), "{t}");
    assert_eq!(ts.server.session_count(), 1);
}

async fn ack_server_to_client(t: TransportKind) {
    let ts = TestServer::tcp(app()).await;
    let client = open(&ts, t).await;
    let socket = ts.server.socket(client.sid()).expect("socket registered");
    let asking = tokio::spawn(async move {
        socket
            .emit_with_ack::<_, Value>("question", &json!({"q": 1}), WAIT)
            .await
    });
    let ev = client.wait_event("question").await.unwrap();
    assert_eq!(ev.args, json!([{"q": 1}]));
    client
        .ack(ev.ack.expect("an ack id"), json!(["answer"]))
        .await
        .unwrap();
    let answer = asking.await.unwrap();
    assert_eq!(answer.unwrap(), json!("answer"), "{t}");
}

async fn server_ack_times_out(t: TransportKind) {
    let ts = TestServer::tcp(app()).await;
    let client = open(&ts, t).await;
    let socket = ts.server.socket(client.sid()).expect("socket registered");
    let asking = tokio::spawn(async move {
        socket
            .emit_with_ack::<_, Value>("question", &json!(1), Duration::from_millis(200))
            .await
    });
    // The client sees the question and never answers.
    let ev = client.wait_event("question").await.unwrap();
    assert!(ev.ack.is_some());
    let answer = asking.await.unwrap();
    assert!(matches!(answer, Err(AckError::Timeout)), "{t}: {answer:?}");
}

async fn binary_both_ways(t: TransportKind) {
    let ts = TestServer::tcp(app()).await;
    let client = open(&ts, t).await;
    let bytes = Bytes::from((0..=255u8).chain(0..=255u8).collect::<Vec<u8>>());
    // Client -> server, echoed back in the ack.
    let ack = client
        .request("bin", json!([{"$bin": 0}]), vec![bytes.clone()])
        .await
        .unwrap();
    assert_eq!(ack.bins, vec![bytes.clone()], "{t}: ack attachments");
    assert_eq!(ack.ok().unwrap(), json!([{"$bin": 0}]));
    // Server -> client.
    let socket = ts.server.socket(client.sid()).unwrap();
    #[derive(serde::Serialize)]
    struct Blob {
        data: Binary,
        n: u32,
    }
    // (`json!` would turn the Binary into a plain array before the server sees it.)
    let blob = Blob {
        data: Binary(bytes.clone()),
        n: 1,
    };
    socket.emit("blob", &blob).unwrap_or_else(|e| panic!("{e}"));
    let ev = client.wait_event("blob").await.unwrap();
    assert_eq!(ev.args, json!([{"data": {"$bin": 0}, "n": 1}]), "{t}");
    assert_eq!(ev.bins, vec![bytes], "{t}");
}

async fn malformed_packet(t: TransportKind) {
    let ts = TestServer::tcp(app()).await;
    let client = open(&ts, t).await;
    let resp = client.send_raw("this is not a packet").await.unwrap();
    if t == TransportKind::Websocket {
        assert!(resp.is_none());
    } else {
        let resp = resp.expect("an HTTP answer");
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{t}: {}", resp.text());
        assert_eq!(resp.error_code().as_deref(), Some("malformed-packet"));
    }
    assert_eq!(wait_close_code(&client).await.unwrap(), 4400, "{t}");
}

async fn payload_too_large(t: TransportKind) {
    let ts = TestServer::tcp(app().max_payload_bytes(1024)).await;
    let client = open(&ts, t).await;
    let resp = client.send_raw(big_event(4096)).await.unwrap();
    if t == TransportKind::Websocket {
        assert!(resp.is_none());
    } else {
        let resp = resp.expect("an HTTP answer");
        assert_eq!(
            resp.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{t}: {}",
            resp.text()
        );
        assert_eq!(resp.error_code().as_deref(), Some("payload-too-large"));
    }
    assert_eq!(wait_close_code(&client).await.unwrap(), 4413, "{t}");
}

async fn unknown_session(t: TransportKind) {
    let ts = TestServer::tcp(app()).await;
    if t == TransportKind::Websocket {
        let path = format!("{P}/websocket?sid=bogus&rx=0");
        match ws_connect_raw(&ts.dialer, &path, &[]).await.unwrap() {
            WsConnect::Rejected(resp) => {
                assert_eq!(resp.status, StatusCode::NOT_FOUND, "{}", resp.text());
                assert_eq!(resp.error_code().as_deref(), Some("unknown-session"));
            }
            other => panic!("websocket?sid=bogus was upgraded: {other:?}"),
        }
        return;
    }
    let path = format!("{P}/{t}?sid=bogus&rx=0");
    let resp = http_request(&ts.dialer, Method::GET, &path, &[], "")
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::NOT_FOUND, "{t}: {}", resp.text());
    assert_eq!(resp.error_code().as_deref(), Some("unknown-session"), "{t}");
    let path = format!("{P}/send?sid=bogus");
    let resp = http_request(
        &ts.dialer,
        Method::POST,
        &path,
        &[("content-type", "text/plain;charset=UTF-8")],
        r#"{"type":"noop"}"#,
    )
    .await
    .unwrap();
    assert_eq!(resp.status, StatusCode::NOT_FOUND, "send: {}", resp.text());
    assert_eq!(resp.error_code().as_deref(), Some("unknown-session"));
}

fn assert_origin_refused(what: &str, status: StatusCode, body: &tramline_tests::HttpResponse) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {}", body.text());
    assert_eq!(
        body.error_code().as_deref(),
        Some("origin-not-allowed"),
        "{what}: {}",
        body.text()
    );
}

async fn origin_rejected(t: TransportKind) {
    let ts = TestServer::tcp(app().allowed_origins(["http://good"])).await;
    let evil = [("origin", "http://evil")];
    // Opening from a bad origin.
    if t == TransportKind::Websocket {
        match ws_connect_raw(&ts.dialer, &format!("{P}/websocket"), &evil)
            .await
            .unwrap()
        {
            WsConnect::Rejected(resp) => assert_origin_refused("websocket", resp.status, &resp),
            other => panic!("websocket from a bad origin was upgraded: {other:?}"),
        }
    } else {
        let err = Client::open(&ts.dialer, P, t, OpenOpts::default().origin("http://evil"))
            .await
            .unwrap_err();
        let resp = err.http_response().expect("an HTTP refusal");
        assert_origin_refused("open", resp.status, resp);
    }
    // A good origin works, and every endpoint of its session refuses the bad one.
    let client = Client::open(&ts.dialer, P, t, OpenOpts::default().origin("http://good"))
        .await
        .unwrap();
    let ack = client.request("echo", json!([1]), vec![]).await.unwrap();
    assert_eq!(ack.ok().unwrap(), json!([1]));
    let sid = client.sid().to_owned();
    for kind in ["sse", "streaming", "polling"] {
        let path = format!("{P}/{kind}?sid={sid}&rx=0");
        let resp = http_request(&ts.dialer, Method::GET, &path, &evil, "")
            .await
            .unwrap();
        assert_origin_refused(kind, resp.status, &resp);
    }
    let resp = http_request(
        &ts.dialer,
        Method::POST,
        &format!("{P}/send?sid={sid}"),
        &evil,
        r#"{"type":"noop"}"#,
    )
    .await
    .unwrap();
    assert_origin_refused("send", resp.status, &resp);
    let resp = http_request(&ts.dialer, Method::POST, &format!("{P}/open"), &evil, "")
        .await
        .unwrap();
    assert_origin_refused("open", resp.status, &resp);
    match ws_connect_raw(&ts.dialer, &format!("{P}/websocket?sid={sid}&rx=0"), &evil)
        .await
        .unwrap()
    {
        WsConnect::Rejected(resp) => assert_origin_refused("websocket?sid", resp.status, &resp),
        other => panic!("websocket?sid from a bad origin was upgraded: {other:?}"),
    }
    // The good session is untouched.
    let ack = client.request("echo", json!([2]), vec![]).await.unwrap();
    assert_eq!(ack.ok().unwrap(), json!([2]));
}

fn is_event(p: &Packet, name: &str) -> bool {
    matches!(&p.body, Body::Event(e) if e.name == name)
}

fn close_code(packets: &[Packet]) -> Option<u16> {
    packets.iter().find_map(|p| match &p.body {
        Body::Close(c) => Some(c.code.0),
        _ => None,
    })
}

async fn second_downlink_replaces_the_first(t: TransportKind) {
    let ts = TestServer::tcp(app()).await;
    if t == TransportKind::Polling {
        return second_poll_replaces_the_first(&ts).await;
    }
    let client = open(&ts, t).await;
    let ack = client.request("echo", json!([0]), vec![]).await.unwrap();
    assert_eq!(ack.ok().unwrap(), json!([0]));
    let sid = client.sid().to_owned();
    let rx = client.rx();
    let socket = ts.server.socket(&sid).unwrap();
    if t == TransportKind::Websocket {
        let path = format!("{P}/websocket?sid={sid}&rx={rx}");
        let mut ws = ws_connect_raw(&ts.dialer, &path, &[])
            .await
            .unwrap()
            .into_ws()
            .unwrap();
        ws_send_packet(&mut ws, &Packet::control(Body::Ping { probe: true }))
            .await
            .unwrap();
        ws_wait_packet(&mut ws, WAIT, |p| p.body == Body::Pong { probe: true })
            .await
            .unwrap();
        ws_send_packet(&mut ws, &Packet::control(Body::Upgrade).with_rx(rx))
            .await
            .unwrap();
        assert_eq!(wait_close_code(&client).await.unwrap(), 4409);
        socket.emit("after", &1).unwrap();
        ws_wait_packet(&mut ws, WAIT, |p| is_event(p, "after"))
            .await
            .unwrap();
    } else {
        let path = format!("{P}/{t}?sid={sid}&rx={rx}");
        let mut second = open_stream(&ts.dialer, Method::GET, &path, &[], "")
            .await
            .unwrap();
        assert_eq!(second.status, StatusCode::OK);
        assert_eq!(wait_close_code(&client).await.unwrap(), 4409, "{t}");
        socket.emit("after", &1).unwrap();
        let mut text = String::new();
        while !text.contains(r#""name":"after""#) {
            let chunk = second
                .next_chunk()
                .await
                .unwrap()
                .expect("more of the stream");
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    assert!(socket.connected(), "4409 must not end the session");
}

/// Two raw long polls of one session: whichever reached the server first is answered with
/// 4409, the other receives the next event.
async fn second_poll_replaces_the_first(ts: &TestServer<tramline_tests::TcpDialer>) {
    let resp = http_request(&ts.dialer, Method::POST, &format!("{P}/open"), &[], "")
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    let open = decode_batch(&resp.body).unwrap();
    let Some(Body::Open(handshake)) = open.first().map(|p| p.body.clone()) else {
        panic!("expected an open packet: {}", resp.text());
    };
    let sid = handshake.sid;
    let path = format!("{P}/polling?sid={sid}&rx=0");
    let poll = || {
        let (dialer, path) = (ts.dialer, path.clone());
        tokio::spawn(async move { http_request(&dialer, Method::GET, &path, &[], "").await })
    };
    let mut a = poll();
    let mut b = poll();
    let (first, other) = tokio::select! {
        r = &mut a => (r, b),
        r = &mut b => (r, a),
    };
    let first = first.unwrap().unwrap();
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let packets = decode_batch(&first.body).unwrap();
    assert_eq!(close_code(&packets), Some(4409), "{}", first.text());
    ts.server.socket(&sid).unwrap().emit("after", &1).unwrap();
    let second = other.await.unwrap().unwrap();
    assert_eq!(second.status, StatusCode::OK, "{}", second.text());
    let packets = decode_batch(&second.body).unwrap();
    assert!(
        packets.iter().any(|p| is_event(p, "after")),
        "{}",
        second.text()
    );
}

macro_rules! per_transport {
    ($($module:ident => $t:expr),* $(,)?) => {$(
        mod $module {
            use super::*;
            #[tokio::test]
            async fn open_and_ack_client_to_server() { super::open_and_ack_client_to_server($t).await }
            #[tokio::test]
            async fn ack_server_to_client() { super::ack_server_to_client($t).await }
            #[tokio::test]
            async fn server_ack_times_out() { super::server_ack_times_out($t).await }
            #[tokio::test]
            async fn binary_both_ways() { super::binary_both_ways($t).await }
            #[tokio::test]
            async fn malformed_packet() { super::malformed_packet($t).await }
            #[tokio::test]
            async fn payload_too_large() { super::payload_too_large($t).await }
            #[tokio::test]
            async fn unknown_session() { super::unknown_session($t).await }
            #[tokio::test]
            async fn origin_rejected() { super::origin_rejected($t).await }
            #[tokio::test]
            async fn second_downlink_replaces_the_first() {
                super::second_downlink_replaces_the_first($t).await
            }
        }
    )*};
}

per_transport! {
    websocket => TransportKind::Websocket,
    sse => TransportKind::Sse,
    streaming => TransportKind::Streaming,
    polling => TransportKind::Polling,
}
