//! Run with: cargo run --release -p tramline-bench --bin bench-tramline-server -- --listen 127.0.0.1:0
//!
//! The Tramline server the benchmark scenarios run against (endpoint `/realtime`, every
//! transport, default configuration). It behaves like the other peers of the contract:
//!
//! - on connection: `socket.join("bench")`;
//! - `echo` (arg): ack with the same arg;
//! - `publish` (arg): `server.to("bench").emit("m", arg)` (the sender included), ack `()`.
//!
//! It prints `listening on ADDR` once it accepts connections (`--listen` port 0 picks a free
//! port and prints it).

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use serde_json::value::RawValue;
use tokio::net::TcpListener;
use tramline::{serve, AckValue, Server, Tramline};

const USAGE: &str = "usage: bench-tramline-server [--listen 127.0.0.1:PORT]";

#[tokio::main]
async fn main() -> ExitCode {
    let listen = match listen_arg(std::env::args().skip(1)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bench-tramline-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // `publish` needs the server handle, which exists only once the builder is built.
    let handle: Arc<OnceLock<Server>> = Arc::default();
    let for_sockets = handle.clone();
    let built = Tramline::builder()
        .on_connection(move |socket| {
            let handle = for_sockets.clone();
            async move {
                socket.join("bench");
                // Raw JSON: the argument is passed through, never parsed into a value.
                socket.on("echo", |_socket, arg: Box<RawValue>| async move {
                    AckValue::value(&arg)
                });
                socket.on("publish", move |_socket, arg: Box<RawValue>| {
                    let handle = handle.clone();
                    async move {
                        if let Some(server) = handle.get() {
                            let _ = server.to("bench").emit("m", &arg);
                        }
                    }
                });
            }
        })
        .build();
    let (endpoint, server) = match built {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bench-tramline-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let _ = handle.set(server);
    let listener = match TcpListener::bind(&listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bench-tramline-server: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => {
            let mut out = std::io::stdout();
            let _ = writeln!(out, "listening on {addr}");
            let _ = out.flush();
        }
        Err(e) => {
            eprintln!("bench-tramline-server: {e}");
            return ExitCode::FAILURE;
        }
    }
    match serve(listener, endpoint).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-tramline-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn listen_arg(args: impl Iterator<Item = String>) -> Result<String, String> {
    let mut listen = "127.0.0.1:0".to_owned();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().ok_or("--listen needs an address")?,
            "-h" | "--help" => return Err("help".into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(listen)
}
