//! Run with: cargo run --release -p tramline-bench --bin bench-bare-server -- --listen 127.0.0.1:0
//!
//! The ceiling of the benchmark: WebSocket broadcast and echo with tokio-tungstenite and
//! nothing else (no sessions, sequence numbers, acks, heartbeats or fallbacks). At any path:
//!
//! - text frame `p:<payload>` → `m:<payload>` to every connection, the sender included;
//! - text frame `e:<payload>` → `e:<payload>` back to the sender.
//!
//! Each connection is one task that reads frames and writes its bounded queue
//! ([`QUEUE_FRAMES`], as Tramline's default outbound bound); a broadcast that finds a queue
//! full drops that connection (the slowest) instead of waiting for it. Prints
//! `listening on ADDR` when ready. `--ws-buffer-bytes N` sets tungstenite's read buffer and
//! write threshold (default 4096, as Tramline uses; tungstenite's own default is 131072).

use std::collections::HashMap;
use std::io::Write as _;
use std::pin::pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use parking_lot::RwLock;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Frames queued per connection before it counts as too slow and is dropped.
const QUEUE_FRAMES: usize = 1024;
/// Frames written per flush.
const BATCH_FRAMES: usize = 64;
/// Bound on a handshake and on one write.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
const USAGE: &str = "usage: bench-bare-server [--listen 127.0.0.1:PORT] [--ws-buffer-bytes N]";

/// One registered connection: its queue, and the signal that drops it.
#[derive(Debug)]
struct Peer {
    queue: mpsc::Sender<Utf8Bytes>,
    kill: Notify,
}

#[derive(Debug, Default)]
struct Hub {
    next_id: AtomicU64,
    peers: RwLock<HashMap<u64, Arc<Peer>>>,
}

impl Hub {
    /// Queues `frame` for every connection; drops those whose queue is full.
    fn broadcast(&self, frame: &Utf8Bytes) {
        let mut slow = Vec::new();
        for (id, peer) in self.peers.read().iter() {
            if let Err(mpsc::error::TrySendError::Full(_)) = peer.queue.try_send(frame.clone()) {
                slow.push(*id);
            }
        }
        if !slow.is_empty() {
            let mut peers = self.peers.write();
            for id in slow {
                if let Some(peer) = peers.remove(&id) {
                    peer.kill.notify_one();
                }
            }
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let (listen, buffer) = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench-bare-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(&listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bench-bare-server: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on {addr}");
        let _ = out.flush();
    }
    let config = WebSocketConfig::default()
        .read_buffer_size(buffer)
        .write_buffer_size(buffer);
    let hub = Arc::new(Hub::default());
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(stream, hub.clone(), config));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn connection(stream: TcpStream, hub: Arc<Hub>, config: WebSocketConfig) {
    let accept = tokio_tungstenite::accept_async_with_config(stream, Some(config));
    let Ok(Ok(mut ws)) = tokio::time::timeout(IO_TIMEOUT, accept).await else {
        return;
    };
    let id = hub.next_id.fetch_add(1, Ordering::Relaxed);
    let (queue, mut rx) = mpsc::channel(QUEUE_FRAMES);
    let peer = Arc::new(Peer {
        queue,
        kill: Notify::new(),
    });
    hub.peers.write().insert(id, peer.clone());
    // Registered once, so a kill is never missed between two loop iterations.
    let mut killed = pin!(peer.kill.notified());
    killed.as_mut().enable();
    let mut batch = Vec::with_capacity(BATCH_FRAMES);
    loop {
        tokio::select! {
            _ = &mut killed => break,
            n = rx.recv_many(&mut batch, BATCH_FRAMES) => {
                if n == 0 {
                    break;
                }
                let write = async {
                    for frame in batch.drain(..) {
                        ws.feed(Message::Text(frame)).await?;
                    }
                    ws.flush().await
                };
                // A write blocked on a peer that does not read ends as soon as a broadcast
                // gives up on this connection.
                let written = tokio::select! {
                    r = tokio::time::timeout(IO_TIMEOUT, write) => matches!(r, Ok(Ok(()))),
                    _ = &mut killed => false,
                };
                if !written {
                    break;
                }
            }
            msg = ws.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                if let Some(payload) = text.strip_prefix("p:") {
                    hub.broadcast(&Utf8Bytes::from(format!("m:{payload}")));
                } else if text.starts_with("e:") {
                    let reply = ws.send(Message::Text(text));
                    if !matches!(tokio::time::timeout(IO_TIMEOUT, reply).await, Ok(Ok(()))) {
                        break;
                    }
                }
            }
        }
    }
    hub.peers.write().remove(&id);
    let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
}

fn parse(args: impl Iterator<Item = String>) -> Result<(String, usize), String> {
    let (mut listen, mut buffer) = ("127.0.0.1:0".to_owned(), 4096);
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().ok_or("--listen needs an address")?,
            "--ws-buffer-bytes" => {
                buffer = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--ws-buffer-bytes needs a number")?;
            }
            "-h" | "--help" => return Err("help".into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((listen, buffer))
}
