//! `connect`: `--clients` workers (default 64) each open a websocket session (the full
//! handshake of the protocol: WebSocket upgrade, then `connect`/`open` or the Socket.IO
//! `40` exchange), close it, and start again, until `--duration` is over. Reports completed
//! open-and-close cycles per second and the time to open.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tramline_protocol::TransportKind;

use super::{secs_since, Ctx, Metrics, CLOSE_TIMEOUT};
use crate::error::{bail, timed, Error, Result};
use crate::net::Target;
use crate::proto::{Conn, Opts};
use crate::stats::{sample, Counter, Latencies};

#[derive(Debug, Default)]
struct Tally {
    open_us: Vec<u32>,
    errors: u64,
    first_error: Option<Error>,
}

pub(super) async fn run(ctx: &Ctx) -> Result<Metrics> {
    let start = Instant::now();
    let deadline = start + ctx.cli.duration;
    let done = Arc::new(Counter::default());
    let ticker = ctx.progress.ticking("connecting", {
        let done = done.clone();
        move || format!("{} sessions", done.get())
    });
    let tasks: Vec<_> = (0..ctx.cli.clients)
        .map(|_| tokio::spawn(worker(ctx.target.clone(), deadline, done.clone())))
        .collect();
    let mut all = Tally::default();
    let bound = tokio::time::Instant::from_std(deadline) + Duration::from_secs(30);
    for task in tasks {
        match tokio::time::timeout_at(bound, task).await {
            Ok(Ok(t)) => {
                all.open_us.extend(t.open_us);
                all.errors += t.errors;
                if let Some(e) = t.first_error {
                    all.first_error.get_or_insert(e);
                }
            }
            Ok(Err(e)) => bail!("worker task failed: {e}"),
            Err(_) => bail!("a worker did not finish within 30 s of the end"),
        }
    }
    let elapsed = secs_since(start);
    if let Some(t) = ticker {
        t.abort();
    }
    let sessions = all.open_us.len() as u64;
    if sessions == 0 {
        let why = all
            .first_error
            .map_or_else(|| "no attempt".to_owned(), |e| e.0);
        bail!("no session could be opened: {why}");
    }
    let mut latencies = Latencies::new()?;
    latencies.record_all(&all.open_us);
    let p = latencies.percentiles();
    let mut m = Metrics::default();
    m.value("sessions_per_sec", sessions as f64 / elapsed);
    m.count("sessions", sessions);
    m.count("errors", all.errors);
    m.count("open_p50_us", p.p50);
    m.count("open_p99_us", p.p99);
    Ok(m)
}

async fn worker(target: Arc<Target>, deadline: Instant, done: Arc<Counter>) -> Tally {
    let opts = Opts {
        read: Arc::default(),
        keep_uplink: false,
    };
    let mut tally = Tally::default();
    while Instant::now() < deadline {
        let t = Instant::now();
        match Conn::open(&target, TransportKind::Websocket, &opts).await {
            Ok(conn) => {
                let open = t.elapsed();
                let _ = timed(CLOSE_TIMEOUT, "closing a session", conn.close()).await;
                tally.open_us.push(sample(open.as_micros() as u64));
                done.add(1);
            }
            Err(e) => {
                tally.errors += 1;
                tally.first_error.get_or_insert(e);
                // Do not spin on a server that refuses everything.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    tally
}
