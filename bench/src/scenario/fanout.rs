//! `fanout` (members on websocket) and `http-fallback` (members on polling, sse or streaming):
//! N room members and one websocket publisher. Reports deliveries per second (`m` events
//! received by all members), publishes per second, and the downlink bytes read per delivered
//! event (headers, chunk framing and SSE fields included).
//!
//! The publisher is paced by two windows of `--window` events: unanswered publishes (acks;
//! the bare server has none) and, on average over the members, events published but not yet
//! delivered. The second keeps the server's per-session queues short (Tramline closes a
//! session whose queue overflows with 4429), so the number measured is sustained delivery,
//! not how fast the server can enqueue. A warm-up publishes until every member has received
//! an event, so that all of them are in the room when the clock starts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tramline_protocol::TransportKind;

use super::{
    count_errors, member, member_transport, open_all, secs_since, stop_all, Client, Ctx, Metrics,
    Room, CLOSE_TIMEOUT,
};
use crate::cli::ServerKind;
use crate::error::{bail, timed, Result};
use crate::proto::{Conn, Item, Opts, Out};
use crate::stats::Counter;

pub(super) async fn run(ctx: &Ctx) -> Result<Metrics> {
    let (cli, n) = (&ctx.cli, ctx.cli.clients);
    let transport = member_transport(cli);
    let room = Arc::new(Room::new());
    let read = Arc::new(Counter::default());
    let opts = Opts {
        read: read.clone(),
        keep_uplink: true,
    };
    let members = open_all(ctx, "room members", n, |_| {
        let (target, opts, room) = (ctx.target.clone(), opts.clone(), room.clone());
        async move {
            let conn = Conn::open(&target, transport, &opts).await?;
            Ok(Client::spawn(|stop| member(conn, stop, room)))
        }
    })
    .await?;
    let publisher_opts = Opts {
        read: Arc::default(),
        keep_uplink: true,
    };
    let result = match Conn::open(&ctx.target, TransportKind::Websocket, &publisher_opts).await {
        Ok(conn) => {
            let mut publisher = Publisher {
                conn,
                payload: "x".repeat(cli.payload),
                acks: cli.server != ServerKind::Bare,
                next_id: 1,
                outstanding: 0,
                published: 0,
            };
            let r = measure(ctx, &mut publisher, &room, &read).await;
            let _ = timed(
                CLOSE_TIMEOUT,
                "closing the publisher",
                publisher.conn.close(),
            )
            .await;
            r
        }
        Err(e) => Err(e.context("opening the publisher")),
    };
    ctx.progress.counted("closing", 0);
    let failed_at_stop = count_errors("room members", &stop_all(members, 512).await);
    let mut m = result?;
    m.count("member_errors", failed_at_stop.max(room.failed.get()));
    Ok(m)
}

struct Publisher {
    conn: Conn,
    payload: String,
    acks: bool,
    next_id: u64,
    outstanding: u64,
    published: u64,
}

impl Publisher {
    async fn publish(&mut self, k: u64) -> Result<()> {
        for _ in 0..k {
            let out = Out::Publish {
                payload: &self.payload,
                ack: self.next_id,
            };
            self.conn.feed(out).await?;
            self.next_id += 1;
            self.published += 1;
            if self.acks {
                self.outstanding += 1;
            }
        }
        self.conn.flush().await
    }

    /// Reads one frame (acks, its own `m`), or waits for the room to reach `room_total`
    /// deliveries, or for `until`. Returns whether `until` passed.
    async fn wait(&mut self, room: &Room, room_total: Option<u64>, until: Instant) -> Result<bool> {
        let mut acked = 0;
        let mut sink = |item| {
            if let Item::Ack { .. } = item {
                acked += 1;
            }
        };
        let until = tokio::time::Instant::from_std(until);
        let passed = tokio::select! {
            biased;
            _ = tokio::time::sleep_until(until) => true,
            r = self.conn.recv(&mut sink) => { r?; false }
            _ = room.reached(room_total.unwrap_or(0)), if room_total.is_some() => false,
        };
        self.outstanding = self.outstanding.saturating_sub(acked);
        self.conn.flush_control().await?;
        Ok(passed)
    }
}

async fn measure(
    ctx: &Ctx,
    p: &mut Publisher,
    room: &Arc<Room>,
    read: &Counter,
) -> Result<Metrics> {
    let (n, window) = (ctx.cli.clients as u64, ctx.cli.window);
    let live = || n.saturating_sub(room.failed.get());

    // Warm-up: one event at a time until every member got one, then let the rest arrive.
    let warm_up = Instant::now() + Duration::from_secs(15);
    ctx.progress.counted("warm-up", 0);
    while room.ready.get() < live() {
        if Instant::now() > warm_up {
            bail!(
                "warm-up: only {} of {} members received an event within 15 s",
                room.ready.get(),
                live()
            );
        }
        p.publish(1).await?;
        let step = Instant::now() + Duration::from_millis(100);
        while room.ready.get() < live() && !p.wait(room, None, step).await? {}
    }
    let settle = Instant::now() + Duration::from_secs(2);
    while room.delivered.get() < p.published * live() && !p.wait(room, None, settle).await? {}

    let (d0, b0, p0) = (room.delivered.get(), read.get(), p.published);
    let start = Instant::now();
    let deadline = start + ctx.cli.duration;
    let ticker = ctx.progress.ticking("measuring", {
        let room = room.clone();
        move || {
            let rate = (room.delivered.get() - d0) as f64 / secs_since(start);
            format!("{rate:.0} deliveries/s")
        }
    });
    loop {
        let live = live();
        if live == 0 {
            bail!("every member's session failed");
        }
        let sent = p.published - p0;
        let delivered = room.delivered.get() - d0;
        let allowed = delivered / live + window;
        let mut k = allowed.saturating_sub(sent);
        if p.acks {
            k = k.min(window.saturating_sub(p.outstanding));
        }
        if k > 0 {
            p.publish(k).await?;
        }
        // Lag-bound: wake when the room has taken one more event per member.
        let sent = p.published - p0;
        let lagging = sent >= allowed;
        let wanted = d0 + (sent + 1).saturating_sub(window) * live;
        if p.wait(room, lagging.then_some(wanted), deadline).await? || Instant::now() >= deadline {
            break;
        }
    }
    let elapsed = secs_since(start);
    let (d1, b1, p1) = (room.delivered.get(), read.get(), p.published);
    if let Some(t) = ticker {
        t.abort();
    }
    let (deliveries, publishes) = (d1 - d0, p1 - p0);
    let mut m = Metrics::default();
    m.value("deliveries_per_sec", deliveries as f64 / elapsed);
    m.value("publish_per_sec", publishes as f64 / elapsed);
    m.count("deliveries", deliveries);
    m.count("publishes", publishes);
    m.ratio(
        "delivery_ratio",
        deliveries as f64 / (publishes.max(1) * n) as f64,
    );
    m.value(
        "wire_bytes_per_event",
        (b1 - b0) as f64 / deliveries.max(1) as f64,
    );
    Ok(m)
}
