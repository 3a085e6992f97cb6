//! Run with: cargo run --release -p example-chat -- --listen 127.0.0.1:3000
//!
//! then open http://127.0.0.1:3000/ in two browser tabs. Other flags: `--ping-interval-ms N`,
//! `--ping-timeout-ms N`; `RUST_LOG=debug` for more logging. The chat itself is in `lib.rs`.

use std::io::Write as _;
use std::process::ExitCode;

use example_chat::{run, Cli, ENDPOINT_PATH};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = match Cli::parse(std::env::args().skip(1)) {
        Ok(Some(cli)) => cli,
        Ok(None) => {
            let _ = writeln!(std::io::stdout(), "{}", Cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("example-chat: {e}\n\n{}", Cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(&cli.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("example-chat: cannot listen on {}: {e}", cli.listen);
            return ExitCode::FAILURE;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("chat on http://{addr}/ (endpoint http://{addr}{ENDPOINT_PATH})");
    }
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match run(listener, cli.options, ctrl_c).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("example-chat: {e}");
            ExitCode::FAILURE
        }
    }
}
