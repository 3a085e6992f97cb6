//! Event handlers under a burst, over real TCP: a client sends hundreds of events in one
//! message (a websocket frame, or one `POST /send` body), more than one handler runner takes at
//! once. They must run one at a time, in order, each answered; a handler that panics, before or
//! after returning its future, answers `handler-panic` and the events behind it still run.

use std::future::Ready;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::json;
use tramline::{AckValue, Builder, Socket, Tramline};
use tramline_tests::protocol::{encode_batch, Args, Body, Event, Packet};
use tramline_tests::{Client, OpenOpts, TestServer, TransportKind};

const P: &str = "/realtime";
/// More than the events one runner takes (64) and than the inbound queue holds (256).
const BURST: u64 = 300;

#[derive(Default)]
struct Seen {
    order: Mutex<Vec<u64>>,
    running: AtomicUsize,
    most_at_once: AtomicUsize,
}

fn boom_before_the_future(_socket: Socket, _n: u64) -> Ready<AckValue> {
    panic!("boom before the future");
}

fn app(seen: Arc<Seen>) -> Builder {
    Tramline::builder().on_connection(move |socket| {
        let seen = seen.clone();
        async move {
            socket.on("n", move |_s, n: u64| {
                let seen = seen.clone();
                async move {
                    let now = seen.running.fetch_add(1, Ordering::SeqCst) + 1;
                    seen.most_at_once.fetch_max(now, Ordering::SeqCst);
                    // Give another handler the chance to start, were they run concurrently.
                    tokio::task::yield_now().await;
                    seen.order.lock().push(n);
                    seen.running.fetch_sub(1, Ordering::SeqCst);
                    AckValue::value(&n)
                }
            });
            socket.on("boom-before", boom_before_the_future);
            socket.on("boom-inside", |_s, n: u64| async move {
                assert!(n > 1000, "boom inside the future");
                AckValue::value(&n)
            });
        }
    })
}

/// Event packets numbered from `first_seq`, each asking for ack id = its seq.
fn events(first_seq: u64, names_and_args: &[(&str, u64)]) -> Vec<Packet> {
    names_and_args
        .iter()
        .zip(first_seq..)
        .map(|((name, arg), seq)| {
            Packet::sequenced(
                seq,
                Body::Event(Event {
                    name: (*name).to_owned(),
                    args: Args::new(format!("[{arg}]"), vec![]).unwrap(),
                    ack: Some(seq),
                }),
            )
        })
        .collect()
}

async fn open(ts: &TestServer<tramline_tests::TcpDialer>, t: TransportKind) -> Client {
    Client::open(&ts.dialer, P, t, OpenOpts::default())
        .await
        .unwrap_or_else(|e| panic!("open {t}: {e}"))
}

async fn a_burst_runs_in_order_one_at_a_time(t: TransportKind) {
    let seen = Arc::new(Seen::default());
    let ts = TestServer::tcp(app(seen.clone())).await;
    let client = open(&ts, t).await;
    let burst: Vec<(&str, u64)> = (1..=BURST).map(|n| ("n", n)).collect();
    client
        .send_raw(encode_batch(&events(1, &burst)))
        .await
        .unwrap_or_else(|e| panic!("{t}: {e}"));
    for n in 1..=BURST {
        let ack = client
            .wait_ack(n)
            .await
            .unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(ack.ok().unwrap(), json!([n]), "{t}: ack {n}");
    }
    let order = seen.order.lock().clone();
    assert_eq!(order, (1..=BURST).collect::<Vec<_>>(), "{t}: handler order");
    assert_eq!(
        seen.most_at_once.load(Ordering::SeqCst),
        1,
        "{t}: concurrent handlers"
    );
}

async fn a_panicking_handler_answers_and_later_events_run(t: TransportKind) {
    let seen = Arc::new(Seen::default());
    let ts = TestServer::tcp(app(seen.clone())).await;
    let client = open(&ts, t).await;
    let burst = [
        ("boom-before", 1),
        ("boom-inside", 2),
        ("n", 3),
        ("boom-before", 4),
        ("n", 5),
    ];
    client
        .send_raw(encode_batch(&events(1, &burst)))
        .await
        .unwrap_or_else(|e| panic!("{t}: {e}"));
    for id in [1, 2, 4] {
        let ack = client
            .wait_ack(id)
            .await
            .unwrap_or_else(|e| panic!("{t}: {e}"));
        let err = ack.result.expect_err("a panicking handler cannot succeed");
        assert_eq!(err.code, "handler-panic", "{t}: ack {id}");
    }
    for id in [3, 5] {
        let ack = client
            .wait_ack(id)
            .await
            .unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(ack.ok().unwrap(), json!([id]), "{t}: ack {id}");
    }
    assert_eq!(*seen.order.lock(), vec![3, 5], "{t}: later events ran");
    assert_eq!(ts.server.session_count(), 1, "{t}: the session lives on");
}

macro_rules! per_transport {
    ($($module:ident => $kind:expr;)*) => {$(
        mod $module {
            use super::*;

            #[tokio::test]
            async fn a_burst_runs_in_order_one_at_a_time() {
                super::a_burst_runs_in_order_one_at_a_time($kind).await;
            }

            #[tokio::test]
            async fn a_panicking_handler_answers_and_later_events_run() {
                super::a_panicking_handler_answers_and_later_events_run($kind).await;
            }
        }
    )*};
}

per_transport! {
    websocket => TransportKind::Websocket;
    polling => TransportKind::Polling;
}
