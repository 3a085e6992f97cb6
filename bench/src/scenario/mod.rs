//! The five scenarios, and what they share: resolving the target, opening many sessions with
//! bounded concurrency, the receiving loop of a room member, stopping clients gracefully, and
//! the report (summary line and JSON document).

mod connect;
mod fanout;
mod idle;
mod latency;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};
use tramline_protocol::TransportKind;

use crate::cli::{Cli, Scenario};
use crate::error::{bail, timed, Error, Result};
use crate::net::Target;
use crate::progress::Progress;
use crate::proto::{Conn, Item};
use crate::stats::Counter;

/// Sessions opened at the same time: enough to open 10,000 in seconds, few enough not to
/// overflow the server's accept backlog.
const OPEN_CONCURRENCY: usize = 128;
/// How long a client gets to close its session when told to stop.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// What every scenario gets.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) cli: Cli,
    pub(crate) target: Arc<Target>,
    pub(crate) progress: Progress,
}

/// Named results, in the order they are printed.
#[derive(Debug, Default)]
pub(crate) struct Metrics(Vec<(&'static str, Value)>);

impl Metrics {
    /// A count.
    pub(crate) fn count(&mut self, name: &'static str, n: u64) {
        self.0.push((name, json!(n)));
    }

    /// A measured quantity, rounded to one decimal.
    pub(crate) fn value(&mut self, name: &'static str, x: f64) {
        self.rounded(name, x, 10.0);
    }

    /// A ratio, rounded to three decimals.
    pub(crate) fn ratio(&mut self, name: &'static str, x: f64) {
        self.rounded(name, x, 1000.0);
    }

    fn rounded(&mut self, name: &'static str, x: f64, scale: f64) {
        let v = if x.is_finite() {
            json!((x * scale).round() / scale)
        } else {
            Value::Null
        };
        self.0.push((name, v));
    }
}

/// The outcome of a run.
#[derive(Debug)]
pub(crate) struct Report {
    /// One line for stdout.
    pub(crate) summary: String,
    /// `{scenario, server, transport, params, metrics}` for `--json`.
    pub(crate) json: Value,
}

/// Runs the scenario of `cli`, within a bound on the whole run.
pub(crate) async fn run(cli: Cli) -> Result<Report> {
    let target = Arc::new(resolve(&cli).await?);
    let setup = Duration::from_secs(120) + Duration::from_millis(20 * cli.clients as u64);
    let hold = match cli.scenario {
        Scenario::Idle => cli.hold.unwrap_or(idle::MAX_STDIN_WAIT),
        _ => Duration::ZERO,
    };
    let limit = setup + cli.duration + hold;
    let ctx = Ctx {
        cli,
        target,
        progress: Progress::new(),
    };
    let metrics = tokio::time::timeout(limit, async {
        match ctx.cli.scenario {
            Scenario::Fanout => fanout::run(&ctx).await,
            Scenario::HttpFallback => fanout::run(&ctx).await,
            Scenario::Idle => idle::run(&ctx).await,
            Scenario::Latency => latency::run(&ctx).await,
            Scenario::Connect => connect::run(&ctx).await,
        }
    })
    .await
    .map_err(|_| Error(format!("the run did not finish within {limit:?}")))?;
    ctx.progress.finish();
    Ok(report(&ctx.cli, metrics?))
}

async fn resolve(cli: &Cli) -> Result<Target> {
    let uri: http::Uri = cli.url.parse()?;
    if uri.scheme_str() != Some("http") {
        bail!("--url must be an http:// URL, got {}", cli.url);
    }
    let Some(authority) = uri.authority().map(|a| a.as_str().to_owned()) else {
        bail!("--url has no host: {}", cli.url)
    };
    let host_port = if uri.port().is_some() {
        authority.clone()
    } else {
        format!("{authority}:80")
    };
    let lookup = timed(crate::net::IO_TIMEOUT, "name resolution", async {
        tokio::net::lookup_host(host_port.as_str()).await
    });
    let Some(addr) = lookup.await?.next() else {
        bail!("{host_port} resolves to no address")
    };
    let prefix = match uri.path() {
        "" | "/" => cli.server.default_prefix().to_owned(),
        p => p.to_owned(),
    };
    Ok(Target {
        addr,
        authority,
        prefix,
        server: cli.server,
    })
}

fn report(cli: &Cli, metrics: Metrics) -> Report {
    let mut params = Map::new();
    params.insert("clients".into(), json!(cli.clients));
    params.insert("duration_secs".into(), json!(cli.duration.as_secs_f64()));
    params.insert("payload_bytes".into(), json!(cli.payload));
    params.insert("rate_per_client".into(), json!(cli.rate));
    params.insert("window".into(), json!(cli.window));
    if let Some(hold) = cli.hold {
        params.insert("hold_secs".into(), json!(hold.as_secs_f64()));
    }
    let mut summary = format!(
        "{} server={} transport={} clients={}:",
        cli.scenario.as_str(),
        cli.server.as_str(),
        cli.transport,
        cli.clients
    );
    let mut m = Map::new();
    for (name, value) in metrics.0 {
        summary.push_str(&format!(" {name}={value}"));
        m.insert(name.into(), value);
    }
    let json = json!({
        "scenario": cli.scenario.as_str(),
        "server": cli.server.as_str(),
        "transport": cli.transport.as_str(),
        "params": params,
        "metrics": m,
    });
    Report { summary, json }
}

/// Opens `n` things with at most `concurrency` in flight, each on its own task (so that both
/// cores work on handshakes). The first failure, or running out of time, fails the whole.
pub(crate) async fn open_all<T, F, Fut>(ctx: &Ctx, what: &str, n: usize, open: F) -> Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let deadline = tokio::time::Instant::now()
        + Duration::from_secs(60)
        + Duration::from_millis(10 * n as u64);
    ctx.progress.counted(what, n as u64);
    let (mut set, mut next, mut done) = (JoinSet::new(), 0, Vec::with_capacity(n));
    while done.len() < n {
        while set.len() < OPEN_CONCURRENCY && next < n {
            set.spawn(open(next));
            next += 1;
        }
        match tokio::time::timeout_at(deadline, set.join_next()).await {
            Ok(Some(Ok(Ok(t)))) => {
                done.push(t);
                ctx.progress.inc();
            }
            Ok(Some(Ok(Err(e)))) => {
                return Err(e.context(&format!("opening {what} ({} of {n} open)", done.len())))
            }
            Ok(Some(Err(e))) => bail!("opening {what}: task failed: {e}"),
            Ok(None) => bail!("opening {what}: no task left"),
            Err(_) => bail!("opening {what}: only {} of {n} open in time", done.len()),
        }
    }
    Ok(done)
}

/// A running client: its task, and the way to tell it to stop.
#[derive(Debug)]
pub(crate) struct Client<R> {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<R>>,
}

impl<R: Send + 'static> Client<R> {
    /// Spawns `body` with a stop signal.
    pub(crate) fn spawn<Fut>(body: impl FnOnce(oneshot::Receiver<()>) -> Fut) -> Client<R>
    where
        Fut: Future<Output = Result<R>> + Send + 'static,
    {
        let (stop, rx) = oneshot::channel();
        Client {
            stop,
            task: tokio::spawn(body(rx)),
        }
    }

    pub(crate) fn is_running(&self) -> bool {
        !self.task.is_finished()
    }
}

/// How many results are errors; the first one is printed on stderr, so that a count of errors
/// in the metrics comes with a reason.
pub(crate) fn count_errors<R>(what: &str, results: &[Result<R>]) -> u64 {
    let mut errors = results.iter().filter_map(|r| r.as_ref().err());
    let Some(first) = errors.next() else {
        return 0;
    };
    let n = 1 + errors.count();
    eprintln!("tramline-bench: {n} {what} failed; the first: {first}");
    n as u64
}

/// Stops clients `batch` at a time (closing 10,000 sessions at once would open 10,000 uplink
/// connections at once), waiting for each batch; a client that does not end in time is
/// aborted. Returns each client's result.
pub(crate) async fn stop_all<R>(clients: Vec<Client<R>>, batch: usize) -> Vec<Result<R>> {
    let mut results = Vec::with_capacity(clients.len());
    let mut clients = clients.into_iter().peekable();
    while clients.peek().is_some() {
        let tasks: Vec<_> = clients
            .by_ref()
            .take(batch)
            .map(|c| {
                let _ = c.stop.send(());
                c.task
            })
            .collect();
        for mut task in tasks {
            let r = match tokio::time::timeout(CLOSE_TIMEOUT * 2, &mut task).await {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => Err(Error(format!("client task failed: {e}"))),
                Err(_) => {
                    task.abort();
                    Err(Error("client did not stop in time".into()))
                }
            };
            results.push(r);
        }
    }
    results
}

/// Counts shared by room members and whoever paces the publisher.
#[derive(Debug, Default)]
pub(crate) struct Room {
    /// `m` events received by all members.
    pub(crate) delivered: Counter,
    /// Members that have received at least one `m`.
    pub(crate) ready: Counter,
    /// Members whose session failed.
    pub(crate) failed: Counter,
    /// Wakes the publisher once `delivered` reaches `target`.
    pub(crate) target: std::sync::atomic::AtomicU64,
    pub(crate) wake: tokio::sync::Notify,
}

impl Room {
    pub(crate) fn new() -> Room {
        let room = Room::default();
        room.target
            .store(u64::MAX, std::sync::atomic::Ordering::SeqCst);
        room
    }

    fn delivered(&self, n: u64) {
        use std::sync::atomic::Ordering::SeqCst;
        let total = self.delivered.add(n);
        if total >= self.target.load(SeqCst) {
            self.target.store(u64::MAX, SeqCst);
            self.wake.notify_one();
        }
    }

    /// Waits until `delivered` reaches `total` (or a short while, whichever is first: the
    /// caller re-checks).
    pub(crate) async fn reached(&self, total: u64) {
        use std::sync::atomic::Ordering::SeqCst;
        self.target.store(total, SeqCst);
        if self.delivered.get() < total {
            let _ = tokio::time::timeout(Duration::from_millis(20), self.wake.notified()).await;
        }
    }
}

/// The life of a room member: read, count `m` events, answer pings and report `rx`, until told
/// to stop; then close the session.
pub(crate) async fn member(
    mut conn: Conn,
    mut stop: oneshot::Receiver<()>,
    room: Arc<Room>,
) -> Result<()> {
    let mut first = true;
    let result = async {
        loop {
            let mut got = 0u64;
            let mut sink = |item| {
                if item == Item::Message {
                    got += 1;
                }
            };
            tokio::select! {
                biased;
                _ = &mut stop => return Ok(()),
                r = conn.recv(&mut sink) => r?,
            }
            if got > 0 {
                if first {
                    first = false;
                    room.ready.add(1);
                }
                room.delivered(got);
            }
            conn.flush_control().await?;
        }
    }
    .await;
    if result.is_err() {
        room.failed.add(1);
        return result;
    }
    timed(CLOSE_TIMEOUT, "closing a session", conn.close()).await
}

/// Seconds since `start`, never zero.
pub(crate) fn secs_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64().max(1e-9)
}

/// The transport members of a fanout-like scenario use.
pub(crate) fn member_transport(cli: &Cli) -> TransportKind {
    match cli.scenario {
        Scenario::Fanout => TransportKind::Websocket,
        _ => cli.transport,
    }
}
