//! The server API and behaviours not tied to one error class: slow consumers, mounting under
//! axum, CORS answers, server-initiated disconnect with its hook and data slot, the server's
//! own rx reports, and the probe answering a held poll at once.

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tramline::{DisconnectReason, Tramline};
use tramline_tests::protocol::{Body, Packet};
use tramline_tests::{
    http_request, wait_close_code, ws_connect_raw, ws_send_packet, ws_wait_packet, Client,
    OpenOpts, TcpDialer, TestServer, TransportKind, WsConnect,
};

const P: &str = "/realtime";
const WAIT: Duration = Duration::from_secs(10);

/// Reads a streaming response until `needle` appears; returns everything read.
async fn read_until(stream: &mut tramline_tests::StreamingResponse, needle: &str) -> String {
    let mut seen = String::new();
    while !seen.contains(needle) {
        let chunk = stream
            .next_chunk()
            .await
            .unwrap()
            .expect("the stream ended");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    seen
}

/// Opens a session with `POST /open` and returns its id.
async fn open_sid(ts: &TestServer<TcpDialer>) -> String {
    let open = http_request(&ts.dialer, Method::POST, "/realtime/open", &[], "")
        .await
        .unwrap();
    assert_eq!(open.status, 200, "{}", open.text());
    open.json().unwrap()["sid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_slow_consumer_is_closed_with_4429() {
    for t in [TransportKind::Polling, TransportKind::Websocket] {
        let (tx, mut reasons) = mpsc::unbounded_channel();
        let builder = Tramline::builder()
            .max_queued_packets(8)
            .write_timeout(Duration::from_secs(30))
            .on_connection(move |socket| {
                let tx = tx.clone();
                async move {
                    socket.on_disconnect(move |_s, reason| {
                        let _ = tx.send(reason);
                        async {}
                    });
                }
            });
        let ts = TestServer::tcp(builder).await;
        let client = Client::open(&ts.dialer, P, t, OpenOpts::default())
            .await
            .unwrap();
        client.set_reading(false);
        let socket = ts.server.socket(client.sid()).unwrap();
        // 64 KiB events: enough to fill loopback socket buffers, then the 8-packet bound.
        let big = "x".repeat(64 * 1024);
        let mut sent = 0;
        while socket.emit("flood", &big).is_ok() {
            sent += 1;
            assert!(sent < 10_000, "{t}: the queue never overflowed");
            tokio::task::yield_now().await;
        }
        assert_eq!(
            tokio::time::timeout(WAIT, reasons.recv()).await.unwrap(),
            Some(DisconnectReason::SlowConsumer),
            "{t}"
        );
        client.set_reading(true);
        assert_eq!(wait_close_code(&client).await.unwrap(), 4429, "{t}");
    }
}

#[tokio::test]
async fn the_endpoint_mounts_under_axum_nest_service() {
    let (endpoint, server) = Tramline::builder()
        .on_connection(|socket| async move {
            socket.on("echo", |_s, v: Value| async move { v });
        })
        .build()
        .unwrap();
    let app = axum::Router::new()
        .route("/", axum::routing::get(|| async { "the app" }))
        .nest_service(P, endpoint);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });
    let dialer = TcpDialer(addr);
    let page = http_request(&dialer, Method::GET, "/", &[], "")
        .await
        .unwrap();
    assert_eq!(page.text(), "the app");
    for t in TransportKind::ALL {
        let client = Client::open(&dialer, P, t, OpenOpts::default())
            .await
            .unwrap();
        let ack = client
            .request("echo", json!([t.as_str()]), vec![])
            .await
            .unwrap();
        assert_eq!(ack.ok().unwrap(), json!([t.as_str()]), "{t}");
    }
    assert_eq!(server.session_count(), 4);
    serving.abort();
}

#[tokio::test]
async fn allowed_origins_get_cors_headers_with_credentials() {
    let ts = TestServer::tcp(Tramline::builder().allowed_origins(["http://good"])).await;
    let origin = [("origin", "http://good")];
    let open = http_request(&ts.dialer, Method::POST, "/realtime/open", &origin, "")
        .await
        .unwrap();
    assert_eq!(open.status, 200);
    assert_eq!(
        open.header("access-control-allow-origin"),
        Some("http://good")
    );
    assert_eq!(
        open.header("access-control-allow-credentials"),
        Some("true")
    );
    assert!(open.header("vary").unwrap_or("").contains("Origin"));
    let sid = open.json().unwrap()["sid"].as_str().unwrap().to_owned();

    let send = format!("/realtime/send?sid={sid}");
    let body = r#"{"type":"noop"}"#;
    let post = http_request(&ts.dialer, Method::POST, &send, &origin, body)
        .await
        .unwrap();
    assert_eq!(post.status, 200);
    assert_eq!(
        post.header("access-control-allow-origin"),
        Some("http://good")
    );

    let pre = http_request(&ts.dialer, Method::OPTIONS, &send, &origin, "")
        .await
        .unwrap();
    assert_eq!(pre.status, 204);
    assert_eq!(
        pre.header("access-control-allow-origin"),
        Some("http://good")
    );
    assert!(pre
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));

    // A refused origin can read its refusal (so a browser client stops instead of retrying).
    let evil = [("origin", "http://evil")];
    let refused = http_request(&ts.dialer, Method::POST, "/realtime/open", &evil, "")
        .await
        .unwrap();
    assert_eq!(refused.status, 403);
    assert_eq!(refused.error_code().as_deref(), Some("origin-not-allowed"));
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some("http://evil")
    );

    // No Origin (a non-browser client): allowed, and no CORS headers.
    let plain = http_request(&ts.dialer, Method::POST, "/realtime/open", &[], "")
        .await
        .unwrap();
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("access-control-allow-origin"), None);
}

#[derive(Clone, Debug, PartialEq)]
struct Nick(String);

type Seen = Arc<Mutex<Vec<(DisconnectReason, Option<Nick>)>>>;

#[tokio::test]
async fn server_disconnect_reaches_the_client_and_the_hook_with_its_data() {
    for t in TransportKind::ALL {
        let seen: Seen = Arc::default();
        let hook_seen = seen.clone();
        let (done_tx, mut done) = mpsc::unbounded_channel::<()>();
        let builder = Tramline::builder().on_connection(move |socket| {
            let seen = hook_seen.clone();
            let done_tx = done_tx.clone();
            async move {
                socket.set_data(Nick("ada".into()));
                socket.on_disconnect(move |s, reason| {
                    seen.lock().push((reason, s.data::<Nick>()));
                    let _ = done_tx.send(());
                    async {}
                });
            }
        });
        let ts = TestServer::tcp(builder).await;
        let client = Client::open(&ts.dialer, P, t, OpenOpts::default())
            .await
            .unwrap();
        let socket = ts.server.socket(client.sid()).unwrap();
        assert_eq!(socket.data::<Nick>(), Some(Nick("ada".into())));
        socket.disconnect();
        assert_eq!(wait_close_code(&client).await.unwrap(), 4000, "{t}");
        tokio::time::timeout(WAIT, done.recv()).await.unwrap();
        assert_eq!(
            *seen.lock(),
            vec![(DisconnectReason::ServerDisconnect, Some(Nick("ada".into())))],
            "{t}"
        );
        assert!(
            ts.wait_sessions(0, Duration::from_millis(5), WAIT).await == 0,
            "{t}"
        );
    }
}

#[tokio::test]
async fn the_server_reports_rx_to_a_websocket_client_that_only_sends() {
    let ts = TestServer::tcp(Tramline::builder().on_connection(|socket| async move {
        socket.on("n", |_s, _n: u64| async move {});
    }))
    .await;
    let client = Client::open(&ts.dialer, P, TransportKind::Websocket, OpenOpts::default())
        .await
        .unwrap();
    for n in 1..=64u64 {
        client.emit("n", json!([n]), vec![]).await.unwrap();
    }
    // The server has nothing to say but must still acknowledge what it received.
    let reported = loop {
        let packet: Packet = client
            .next_packet_within(WAIT)
            .await
            .unwrap()
            .expect("a packet");
        if let (Body::Noop, Some(rx)) = (&packet.body, packet.rx) {
            break rx;
        }
    };
    assert_eq!(reported, 64);
    assert_eq!(client.server_rx(), 64);
}

#[tokio::test]
async fn a_probe_answers_held_polls_at_once() {
    // Pings far apart: a held poll would otherwise wait a minute.
    let ts = TestServer::tcp(Tramline::builder().ping_interval(Duration::from_secs(60))).await;
    let sid = open_sid(&ts).await;
    let WsConnect::Upgraded { mut ws, .. } =
        ws_connect_raw(&ts.dialer, &format!("/realtime/websocket?sid={sid}"), &[])
            .await
            .unwrap()
    else {
        panic!("probe websocket refused");
    };
    let probe = Packet::control(Body::Ping { probe: true });
    ws_send_packet(&mut ws, &probe).await.unwrap();
    let pong = ws_wait_packet(&mut ws, WAIT, |_| true).await.unwrap();
    assert_eq!(pong.body, Body::Pong { probe: true });
    // While the probe is open, a poll is answered at once (whether it was already held when
    // the probe arrived or arrives after it).
    let poll = format!("/realtime/polling?sid={sid}&rx=0");
    let answer = http_request(&ts.dialer, Method::GET, &poll, &[], "")
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(
        answer.text().contains(r#"{"type":"noop"}"#),
        "{}",
        answer.text()
    );
    // Once the probe ends without an upgrade, polls are held again (and the session lives).
    drop(ws);
    assert_eq!(ts.server.session_count(), 1);
}

#[tokio::test]
async fn a_late_poll_is_refused_and_does_not_replace_a_newer_downlink() {
    let ts = TestServer::tcp(Tramline::builder()).await;
    let sid = open_sid(&ts).await;
    let mut sse = tramline_tests::open_stream(
        &ts.dialer,
        Method::GET,
        &format!("/realtime/sse?sid={sid}&rx=0&n=3"),
        &[],
        "",
    )
    .await
    .unwrap();
    // The prelude proves the stream is attached before the late poll is sent.
    assert!(sse.next_chunk().await.unwrap().is_some());
    let late = format!("/realtime/polling?sid={sid}&rx=0&n=2");
    let answer = http_request(&ts.dialer, Method::GET, &late, &[], "")
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(
        answer.text().contains(r#""code":4409"#),
        "{}",
        answer.text()
    );
    // The sse stream is still the downlink.
    ts.server.socket(&sid).unwrap().emit("still", &1).unwrap();
    read_until(&mut sse, r#""name":"still""#).await;
    let bad = format!("/realtime/polling?sid={sid}&n=x");
    let answer = http_request(&ts.dialer, Method::GET, &bad, &[], "")
        .await
        .unwrap();
    assert_eq!(answer.error_code().as_deref(), Some("bad-request"));
}

#[tokio::test]
async fn streaming_responses_are_recycled_after_the_byte_limit_without_loss() {
    let ts = TestServer::tcp(Tramline::builder().streaming_response_limit_bytes(8 * 1024)).await;
    let sid = open_sid(&ts).await;
    let socket = ts.server.socket(&sid).unwrap();
    let text = "x".repeat(200);
    for i in 1..=100u64 {
        socket.emit("n", &json!({ "i": i, "pad": text })).unwrap();
    }
    let (mut rx, mut responses) = (0u64, 0u32);
    while rx < 100 {
        responses += 1;
        assert!(responses < 50, "no progress after {responses} responses");
        let path = format!("/realtime/streaming?sid={sid}&rx={rx}&n={responses}");
        let mut stream = tramline_tests::open_stream(&ts.dialer, Method::GET, &path, &[], "")
            .await
            .unwrap();
        let mut body = Vec::new();
        // Read until this response ends (the limit) or everything arrived.
        while let Some(chunk) = stream.next_chunk().await.unwrap() {
            body.extend_from_slice(&chunk);
            let got = body.iter().filter(|b| **b == b'\n').count();
            if rx + got as u64 > 100 {
                break;
            }
        }
        for line in String::from_utf8(body).unwrap().lines() {
            if line.trim().is_empty() {
                continue;
            }
            let packet = tramline_tests::protocol::decode_text(line.as_bytes()).unwrap();
            if let Some(seq) = packet.seq {
                assert_eq!(seq, rx + 1, "every event once, in order, across responses");
                rx = seq;
            }
        }
    }
    assert!(
        responses >= 3,
        "20 KiB of events over an 8 KiB limit: {responses} responses"
    );
    assert_eq!(ts.server.session_count(), 1);
}

#[tokio::test]
async fn a_downlink_request_with_an_outdated_rx_is_not_replay_lost() {
    let ts = TestServer::tcp(Tramline::builder()).await;
    let sid = open_sid(&ts).await;
    ts.server.socket(&sid).unwrap().emit("hello", &1).unwrap();
    let poll = format!("/realtime/polling?sid={sid}&rx=0&n=1");
    let first = http_request(&ts.dialer, Method::GET, &poll, &[], "")
        .await
        .unwrap();
    assert!(first.text().contains(r#""seq":1"#), "{}", first.text());
    // The client reports rx 1 on its uplink...
    let send = format!("/realtime/send?sid={sid}");
    let ack = http_request(
        &ts.dialer,
        Method::POST,
        &send,
        &[],
        r#"{"type":"noop","rx":1}"#,
    );
    assert_eq!(ack.await.unwrap().status, 200);
    // ...then a downlink request built before that report arrives with rx 0.
    let mut sse = tramline_tests::open_stream(
        &ts.dialer,
        Method::GET,
        &format!("/realtime/sse?sid={sid}&rx=0&n=2"),
        &[],
        "",
    )
    .await
    .unwrap();
    ts.server
        .socket(&sid)
        .expect("the session lives")
        .emit("next", &2)
        .unwrap();
    let seen = read_until(&mut sse, r#""name":"next""#).await;
    assert!(!seen.contains("4410"), "{seen}");
    assert!(
        !seen.contains(r#""seq":1"#),
        "seq 1 was acknowledged: {seen}"
    );
    assert_eq!(ts.server.session_count(), 1);
}
