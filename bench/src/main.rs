//! Run with: cargo run --release -p tramline-bench -- fanout --server tramline --url http://127.0.0.1:3000
//!
//! `tramline-bench`, the load generator of the benchmark harness (scripts/bench drives it;
//! the contract is in the usage text of `cli.rs`). It speaks three protocol families: the
//! Tramline protocol over all four transports, Socket.IO v5 over Engine.IO v4 (websocket and
//! polling) for the `socketio` and `socketioxide` peers, and the bare text frames of
//! `bench-bare-server`. Each run prints one summary line on stdout (and, with `--json PATH`,
//! writes `{scenario, server, transport, params, metrics}`); it exits 0 with the metrics, 1
//! with one line saying what failed, 2 on a usage error.
//!
//! The generator shares the machine with the server it measures, so it must cost little per
//! event: no locks on the receive path, one counter update per frame read, latency samples in
//! task-local vectors, the common packets scanned rather than decoded.

mod cli;
mod error;
mod net;
mod progress;
mod proto;
mod scenario;
mod stats;

use std::process::ExitCode;
use std::time::Duration;

use cli::{Cli, USAGE};

fn main() -> ExitCode {
    let cli = match Cli::parse(std::env::args().skip(1)) {
        Ok(Some(cli)) => cli,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("tramline-bench: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tramline-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Run on the worker threads (not on main's thread as `block_on` would), so the generator
    // uses exactly the runtime's threads.
    let run = runtime.block_on(runtime.spawn(scenario::run(cli.clone())));
    runtime.shutdown_timeout(Duration::from_secs(1));
    let what = format!(
        "{} against {} ({})",
        cli.scenario.as_str(),
        cli.server.as_str(),
        cli.transport
    );
    let report = match run {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => {
            eprintln!("tramline-bench: {what}: {e}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("tramline-bench: {what}: the run panicked: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", report.summary);
    if let Some(path) = &cli.json {
        let text = serde_json::to_string_pretty(&report.json).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("tramline-bench: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
