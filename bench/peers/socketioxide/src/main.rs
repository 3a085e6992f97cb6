//! The socketioxide peer of the Tramline benchmarks (see bench/README or docs/benchmarks.md).
//!
//! `socketioxide-bench --listen 127.0.0.1:PORT` serves Socket.IO (Engine.IO v4, Socket.IO v5,
//! websocket + polling, default configuration) at /socket.io/ and prints one line
//! `listening on 127.0.0.1:PORT` (the real port when PORT is 0) once it accepts connections.
//! The same behaviour as every other benchmark server:
//! - on connection: join the room "bench";
//! - event `echo` (arg) -> ack with the same arg;
//! - event `publish` (arg) -> emit `m` (arg) to everyone in "bench", sender included; ack ().

use std::io::Write;
use std::net::SocketAddr;

use serde_json::Value;
use socketioxide::extract::{AckSender, Data, SocketRef};
use socketioxide::SocketIo;

fn listen_arg() -> SocketAddr {
    let mut args = std::env::args().skip(1);
    let mut listen: SocketAddr = ([127, 0, 0, 1], 0).into();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--listen" => args.next(),
            a if a.starts_with("--listen=") => Some(a["--listen=".len()..].to_owned()),
            "-h" | "--help" => {
                println!("usage: socketioxide-bench [--listen 127.0.0.1:PORT]");
                std::process::exit(0);
            }
            other => {
                eprintln!("socketioxide-bench: unknown argument {other:?}");
                std::process::exit(2);
            }
        };
        listen = match value.as_deref().map(str::parse) {
            Some(Ok(addr)) => addr,
            _ => {
                eprintln!("socketioxide-bench: --listen needs HOST:PORT");
                std::process::exit(2);
            }
        };
    }
    listen
}

#[tokio::main]
async fn main() {
    let listen = listen_arg();
    let (layer, io) = SocketIo::new_layer();

    let room_io = io.clone();
    io.ns("/", async move |socket: SocketRef| {
        socket.join("bench");
        socket.on("echo", async |Data::<Value>(arg), ack: AckSender| {
            ack.send(&arg).ok();
        });
        let io = room_io.clone();
        socket.on(
            "publish",
            async move |Data::<Value>(arg), ack: AckSender| {
                io.to("bench").emit("m", &arg).await.ok();
                // An ack without arguments, "43<id>[]" as Socket.IO's `ack()`: socketioxide spreads
                // a serde tuple into the arguments, and an empty array is an empty tuple.
                ack.send(&[(); 0]).ok();
            },
        );
    });

    let app = axum::Router::new().layer(layer);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .unwrap_or_else(|e| {
            eprintln!("socketioxide-bench: cannot listen on {listen}: {e}");
            std::process::exit(1);
        });
    let local = listener.local_addr().expect("local address");
    println!("listening on {local}");
    std::io::stdout().flush().ok();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await
        .expect("server");
}
