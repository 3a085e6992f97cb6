//! Every way a session can end, on every transport: the server's session count returns to
//! zero. Paused tokio time over in-memory connections, with the default intervals (ping
//! 25 s, timeout 20 s, grace 45 s): waits are in virtual time.

use std::time::Duration;

use serde_json::{json, Value};
use tramline::{Builder, Tramline};
use tramline_tests::protocol::{Body, Packet};
use tramline_tests::{
    wait_close_code, ws_connect_raw, ws_send_packet, ws_wait_packet, Client, MemoryDialer,
    OpenOpts, TestServer, TransportKind,
};

const P: &str = "/realtime";
const STEP: Duration = Duration::from_millis(100);
/// Longer than anything the server may take: ping interval + timeout + grace, twice.
const MAX: Duration = Duration::from_secs(200);

fn app() -> Builder {
    Tramline::builder().on_connection(|socket| async move {
        socket.on("echo", |_s, v: Value| async move { v });
    })
}

async fn setup(t: TransportKind) -> (TestServer<MemoryDialer>, Client) {
    let ts = TestServer::memory(app());
    let client = Client::open(&ts.dialer, P, t, OpenOpts::default().timeout(MAX))
        .await
        .unwrap_or_else(|e| panic!("open {t}: {e}"));
    let ack = client.request("echo", json!([1]), vec![]).await.unwrap();
    assert_eq!(ack.ok().unwrap(), json!([1]));
    assert_eq!(ts.server.session_count(), 1);
    (ts, client)
}

async fn assert_reaped(ts: &TestServer<MemoryDialer>, what: &str) {
    let start = tokio::time::Instant::now();
    let left = ts.wait_sessions(0, STEP, MAX).await;
    assert_eq!(left, 0, "{what}: sessions left after {:?}", start.elapsed());
}

async fn clean_close(t: TransportKind) {
    let (ts, client) = setup(t).await;
    client.close().await.unwrap();
    assert_reaped(&ts, &format!("{t} clean close")).await;
}

async fn abandoned(t: TransportKind) {
    let (ts, client) = setup(t).await;
    drop(client);
    assert_reaped(&ts, &format!("{t} abandoned")).await;
}

async fn heartbeat_timeout(t: TransportKind) {
    let (ts, client) = setup(t).await;
    client.set_auto_pong(false);
    let code = wait_close_code(&client).await.unwrap();
    assert_eq!(code, 4408, "{t}");
    assert_reaped(&ts, &format!("{t} heartbeat timeout")).await;
}

async fn abandoned_upgrade(t: TransportKind) {
    let (ts, client) = setup(t).await;
    let path = format!("{P}/websocket?sid={}&rx={}", client.sid(), client.rx());
    let mut probe = ws_connect_raw(&ts.dialer, &path, &[])
        .await
        .unwrap()
        .into_ws()
        .unwrap_or_else(|e| panic!("{t}: probe refused: {e}"));
    ws_send_packet(&mut probe, &Packet::control(Body::Ping { probe: true }))
        .await
        .unwrap();
    ws_wait_packet(&mut probe, MAX, |p| p.body == Body::Pong { probe: true })
        .await
        .unwrap();
    drop(probe);
    // The session goes on on its transport, through at least one heartbeat...
    for i in 0..3 {
        let ack = client.request("echo", json!([i]), vec![]).await.unwrap();
        assert_eq!(ack.ok().unwrap(), json!([i]), "{t}");
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    assert_eq!(ts.server.session_count(), 1, "{t}: the session died");
    let ack = client
        .request("echo", json!(["still"]), vec![])
        .await
        .unwrap();
    assert_eq!(ack.ok().unwrap(), json!(["still"]), "{t}");
    // ...and, abandoned afterwards, is still reaped.
    drop(client);
    assert_reaped(&ts, &format!("{t} abandoned after an abandoned upgrade")).await;
}

async fn server_shutdown(t: TransportKind) {
    let (ts, client) = setup(t).await;
    let left = ts.server.shutdown(Duration::from_secs(30)).await;
    assert_eq!(left, 0, "{t}: shutdown left sessions");
    assert_eq!(wait_close_code(&client).await.unwrap(), 4503, "{t}");
    assert_reaped(&ts, &format!("{t} shutdown")).await;
}

macro_rules! per_transport {
    ($($module:ident => $t:expr),* $(,)?) => {$(
        mod $module {
            use super::*;
            #[tokio::test(start_paused = true)]
            async fn clean_close() { super::clean_close($t).await }
            #[tokio::test(start_paused = true)]
            async fn abandoned() { super::abandoned($t).await }
            #[tokio::test(start_paused = true)]
            async fn heartbeat_timeout() { super::heartbeat_timeout($t).await }
            #[tokio::test(start_paused = true)]
            async fn abandoned_upgrade() { super::abandoned_upgrade($t).await }
            #[tokio::test(start_paused = true)]
            async fn server_shutdown() { super::server_shutdown($t).await }
        }
    )*};
}

per_transport! {
    websocket => TransportKind::Websocket,
    sse => TransportKind::Sse,
    streaming => TransportKind::Streaming,
    polling => TransportKind::Polling,
}
