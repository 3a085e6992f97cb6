//! Transport switches under load, over real TCP: 1,000 numbered events flow each way while the
//! session switches transport; every event must arrive exactly once and in order on both sides.

use std::future::Future;
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::json;
use tokio::sync::{oneshot, watch};
use tramline::{Builder, Tramline};
use tramline_tests::{
    bounded, Client, ClientError, OpenOpts, TcpDialer, TestServer, TransportKind,
};

const P: &str = "/realtime";
const N: u64 = 1000;
/// After how many server events the switch happens.
const SWITCH_AT: u64 = 300;
const MAX: std::time::Duration = std::time::Duration::from_secs(60);

fn app(received: Arc<Mutex<Vec<u64>>>) -> Builder {
    Tramline::builder().on_connection(move |socket| {
        let received = received.clone();
        async move {
            socket.on("n", move |_s, n: u64| {
                let received = received.clone();
                async move { received.lock().push(n) }
            });
            socket.on("start", |s, count: u64| async move {
                tokio::spawn(async move {
                    for i in 1..=count {
                        if let Err(e) = s.emit("s", &i) {
                            panic!("server emit {i}: {e}");
                        }
                        if i % 50 == 0 {
                            tokio::task::yield_now().await;
                        }
                    }
                });
            });
            socket.on("done", |_s, _: serde_json::Value| async move {});
        }
    })
}

/// Opens on `start`, runs both flows, and calls `switch` once the client has received
/// `SWITCH_AT` server events (while its own emits are under way).
async fn exchange_while_switching<F, Fut>(start: TransportKind, switch: F)
where
    F: FnOnce(Arc<Client>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), ClientError>> + Send,
{
    let received = Arc::new(Mutex::new(Vec::new()));
    let ts = TestServer::tcp(app(received.clone())).await;
    let client = Arc::new(
        Client::open(&ts.dialer, P, start, OpenOpts::default())
            .await
            .unwrap(),
    );
    // Bumped by the switcher when the new transport is attached, so a reader that saw the
    // old downlink end knows when to read again.
    let (switched_tx, switched_rx) = watch::channel(0u32);
    let (at_tx, at_rx) = oneshot::channel::<()>();

    let reader = {
        let client = client.clone();
        let mut switched = switched_rx.clone();
        tokio::spawn(async move {
            let mut at_tx = Some(at_tx);
            let mut got = Vec::with_capacity(N as usize);
            while (got.len() as u64) < N {
                match client.next_event().await {
                    Ok(ev) => {
                        assert_eq!(ev.name, "s");
                        got.push(ev.args[0].as_u64().expect("a number"));
                        if got.len() as u64 == SWITCH_AT {
                            if let Some(tx) = at_tx.take() {
                                let _ = tx.send(());
                            }
                        }
                    }
                    // The old downlink ended (cut): wait for the switch.
                    Err(ClientError::Disconnected(_)) => {
                        switched.changed().await.expect("the switcher is alive");
                    }
                    Err(e) => panic!("after {} events: {e}", got.len()),
                }
            }
            got
        })
    };
    let sender = {
        let client = client.clone();
        tokio::spawn(async move {
            for i in 1..=N {
                match client.emit("n", json!([i]), vec![]).await {
                    Ok(()) => {}
                    // Numbered and kept for the replay; it goes out after the switch.
                    Err(ClientError::NotConnected(_)) => {}
                    Err(e) => panic!("emit {i}: {e}"),
                }
            }
        })
    };
    client.emit("start", json!([N]), vec![]).await.unwrap();
    let switcher = {
        let client = client.clone();
        tokio::spawn(async move {
            at_rx.await.expect("the reader reached the switch point");
            let r = switch(client).await;
            switched_tx.send_modify(|n| *n += 1);
            r
        })
    };

    bounded(MAX, "the switch", switcher).await.unwrap().unwrap();
    bounded(MAX, "the client's emits", sender).await.unwrap();
    let got = bounded(MAX, "the server's events", reader).await.unwrap();
    assert_eq!(got, (1..=N).collect::<Vec<_>>(), "client side");
    // Handlers run in order: once "done" is acknowledged, every "n" was handled.
    let ack = bounded(MAX, "done", client.request("done", json!([]), vec![]))
        .await
        .unwrap();
    ack.ok().unwrap();
    let received = received.lock().clone();
    assert_eq!(received, (1..=N).collect::<Vec<_>>(), "server side");
    assert_eq!(ts.server.session_count(), 1);
    let _: &TcpDialer = &ts.dialer;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_upgrades_to_websocket_without_loss_or_duplicates() {
    exchange_while_switching(TransportKind::Polling, |client| async move {
        client.upgrade_to_websocket().await?;
        assert_eq!(client.transport(), TransportKind::Websocket);
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_websocket_falls_back_to_polling_without_loss_or_duplicates() {
    exchange_while_switching(TransportKind::Websocket, |client| async move {
        client.cut_websocket().await?;
        client.fall_back(TransportKind::Polling).await?;
        assert_eq!(client.transport(), TransportKind::Polling);
        Ok(())
    })
    .await;
}
