//! `idle`: N sessions (default 10,000) on `--transport`, open and silent apart from
//! heartbeats. When all are open the generator prints `ready N` on stdout and holds them until
//! a line arrives on stdin (or for `--hold SECS`), so that scripts/bench can sample the
//! server's memory; with `--server-pid PID` it samples VmRSS itself, before opening and one
//! second after `ready`, and reports `rss_per_session_bytes`.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::AsyncBufReadExt as _;

use super::{count_errors, member, open_all, secs_since, stop_all, Client, Ctx, Metrics, Room};
use crate::error::{bail, Error, Result};
use crate::proto::{Conn, Opts};

/// The longest wait for the line on stdin.
pub(super) const MAX_STDIN_WAIT: Duration = Duration::from_secs(3600);

pub(super) async fn run(ctx: &Ctx) -> Result<Metrics> {
    let (cli, n) = (&ctx.cli, ctx.cli.clients);
    let baseline = cli.server_pid.map(vm_rss_bytes).transpose()?;
    let room = Arc::new(Room::new());
    let opts = Opts {
        read: Arc::default(),
        keep_uplink: false,
    };
    let start = Instant::now();
    let clients = open_all(ctx, "idle sessions", n, |_| {
        let (target, opts, room) = (ctx.target.clone(), opts.clone(), room.clone());
        let transport = cli.transport;
        async move {
            let conn = Conn::open(&target, transport, &opts).await?;
            Ok(Client::spawn(|stop| member(conn, stop, room)))
        }
    })
    .await?;
    let open_secs = secs_since(start);
    ctx.progress.finish();
    let mut stdout = std::io::stdout();
    writeln!(stdout, "ready {n}")?;
    stdout.flush()?;
    let held = match cli.server_pid {
        Some(pid) => {
            tokio::time::sleep(Duration::from_secs(1)).await;
            Some(vm_rss_bytes(pid)?)
        }
        None => None,
    };
    match cli.hold {
        Some(hold) => tokio::time::sleep(hold).await,
        None => {
            let mut line = String::new();
            let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
            let _ = tokio::time::timeout(MAX_STDIN_WAIT, stdin.read_line(&mut line)).await;
        }
    }
    let alive = clients.iter().filter(|c| c.is_running()).count() as u64;
    ctx.progress.counted("closing", n as u64);
    let errors = count_errors("idle sessions", &stop_all(clients, 256).await);
    let mut m = Metrics::default();
    m.count("sessions", n as u64);
    m.value("open_secs", open_secs);
    m.value("opens_per_sec", n as f64 / open_secs);
    m.count("alive_at_end", alive);
    m.count("errors", errors);
    if let (Some(before), Some(held)) = (baseline, held) {
        m.count("rss_baseline_bytes", before);
        m.count("rss_held_bytes", held);
        m.value(
            "rss_per_session_bytes",
            held.saturating_sub(before) as f64 / n as f64,
        );
    }
    Ok(m)
}

/// VmRSS of a process, in bytes.
pub(crate) fn vm_rss_bytes(pid: u32) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| Error(format!("{path}: {e}")))?;
    for line in status.lines() {
        if let Some(kb) = line.strip_prefix("VmRSS:") {
            let kb = kb.trim().trim_end_matches("kB").trim();
            return Ok(kb.parse::<u64>()? * 1024);
        }
    }
    bail!("{path} has no VmRSS line")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_own_rss() {
        let rss = vm_rss_bytes(std::process::id()).unwrap();
        assert!(rss > 1024 * 1024, "{rss}");
    }
}
