//! `latency`: N clients each emit `echo` with the current time (µs) as argument, `--rate`
//! times a second, asking for an ack; the server acks with the same value, so the round trip
//! is measured without keeping per-request state. Clients' send times are spread evenly over
//! the period, so the load is smooth rather than N requests at each tick.
//!
//! Sending does not wait for acks (requests are pipelined), so a slow server shows up as
//! latency rather than as fewer requests. After `--duration` clients stop sending and wait up
//! to 2 s for outstanding acks; those still missing count as errors.

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

use super::{open_all, Ctx, Metrics, CLOSE_TIMEOUT};
use crate::error::{bail, timed, Result};
use crate::proto::{Conn, Item, Opts, Out};
use crate::stats::{now_us, sample, Latencies};

const DRAIN: Duration = Duration::from_secs(2);

/// What one client measured.
#[derive(Debug, Default)]
struct Tally {
    samples: Vec<u32>,
    sent: u64,
    acked: u64,
    failed: u64,
}

pub(super) async fn run(ctx: &Ctx) -> Result<Metrics> {
    let (cli, n) = (&ctx.cli, ctx.cli.clients);
    let opts = Opts {
        read: std::sync::Arc::default(),
        keep_uplink: true,
    };
    let conns = open_all(ctx, "clients", n, |_| {
        let (target, opts, transport) = (ctx.target.clone(), opts.clone(), cli.transport);
        async move { Conn::open(&target, transport, &opts).await }
    })
    .await?;
    let period = Duration::from_secs_f64(1.0 / cli.rate);
    let start = Instant::now() + Duration::from_millis(100);
    let deadline = start + cli.duration;
    let expected = (cli.rate * cli.duration.as_secs_f64()) as usize + 16;
    let tasks: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(i, conn)| {
            let first = start + period.mul_f64(i as f64 / n as f64);
            tokio::spawn(client(conn, first, period, deadline, expected))
        })
        .collect();
    let ticker = ctx.progress.ticking("measuring", String::new);
    let (mut all, mut client_errors, mut first_error) = (Tally::default(), 0u64, None);
    let mut latencies = Latencies::new()?;
    for task in tasks {
        let bound = deadline + DRAIN + CLOSE_TIMEOUT * 2;
        match tokio::time::timeout_at(bound, task).await {
            Ok(Ok(Ok(t))) => {
                latencies.record_all(&t.samples);
                all.sent += t.sent;
                all.acked += t.acked;
                all.failed += t.failed;
            }
            Ok(Ok(Err(e))) => {
                client_errors += 1;
                first_error.get_or_insert(e);
            }
            Ok(Err(e)) => bail!("client task failed: {e}"),
            Err(_) => client_errors += 1,
        }
    }
    if let Some(t) = ticker {
        t.abort();
    }
    if client_errors as usize == n {
        let why = first_error.map_or_else(|| "timed out".to_owned(), |e| e.0);
        bail!("every client failed; the first: {why}");
    }
    let elapsed = cli.duration.as_secs_f64();
    let p = latencies.percentiles();
    let mut m = Metrics::default();
    m.count("p50_us", p.p50);
    m.count("p90_us", p.p90);
    m.count("p99_us", p.p99);
    m.count("p999_us", p.p999);
    m.count("max_us", p.max);
    m.value("mean_us", p.mean);
    m.value("acks_per_sec", all.acked as f64 / elapsed);
    m.value("rate_per_client", all.acked as f64 / elapsed / n as f64);
    m.count("sent", all.sent);
    m.count("acked", all.acked);
    let missing = all.sent.saturating_sub(all.acked + all.failed);
    m.count("errors", all.failed + missing + client_errors);
    Ok(m)
}

async fn client(
    mut conn: Conn,
    first: Instant,
    period: Duration,
    deadline: Instant,
    expected: usize,
) -> Result<Tally> {
    let mut tally = Tally {
        samples: Vec::with_capacity(expected),
        ..Tally::default()
    };
    let mut tick = tokio::time::interval_at(first, period);
    // Keep the offered rate: a late tick is sent at once rather than dropped.
    tick.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let (mut next_id, drain_end) = (1, deadline + DRAIN);
    let Tally {
        samples,
        sent,
        acked,
        failed,
    } = &mut tally;
    loop {
        let sending = Instant::now() < deadline;
        if !sending && *acked + *failed >= *sent {
            break;
        }
        let mut sink = |item| {
            if let Item::Ack { ts, ok, .. } = item {
                match (ok, ts) {
                    (true, Some(ts)) => {
                        samples.push(sample(now_us().saturating_sub(ts)));
                        *acked += 1;
                    }
                    _ => *failed += 1,
                }
            }
        };
        tokio::select! {
            biased;
            _ = tick.tick(), if sending => {
                if Instant::now() < deadline {
                    conn.send(Out::Echo { ts: now_us(), ack: next_id }).await?;
                    next_id += 1;
                    *sent += 1;
                }
            }
            r = conn.recv(&mut sink) => r?,
            _ = tokio::time::sleep_until(deadline), if sending => {}
            _ = tokio::time::sleep_until(drain_end) => break,
        }
        conn.flush_control().await?;
    }
    let _ = timed(CLOSE_TIMEOUT, "closing a session", conn.close()).await;
    Ok(tally)
}
