//! Starting a real Tramline server for the end-to-end tests in `tests/tests/`: over TCP on
//! 127.0.0.1 ([`TestServer::tcp`]) or over in-memory pipes ([`TestServer::memory`], for
//! paused-time tests). The client itself stays independent of the `tramline` crate; only
//! this helper knows it.

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tramline::{Builder, Server};

use crate::dial::{MemoryDialer, TcpDialer};

/// A running server and a dialer that reaches it. Dropping it stops accepting connections.
#[derive(Debug)]
pub struct TestServer<D> {
    /// The server handle (broadcasts, session count, shutdown).
    pub server: Server,
    /// Dials the server.
    pub dialer: D,
    accept: Option<JoinHandle<()>>,
}

impl<D> Drop for TestServer<D> {
    fn drop(&mut self) {
        if let Some(task) = self.accept.take() {
            task.abort();
        }
    }
}

impl TestServer<TcpDialer> {
    /// Builds `builder` and serves it on a fresh port of 127.0.0.1.
    pub async fn tcp(builder: Builder) -> TestServer<TcpDialer> {
        let (service, server) = builder.build().expect("valid server configuration");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let accept = tokio::spawn(async move {
            let _ = tramline::serve(listener, service).await;
        });
        TestServer {
            server,
            dialer: TcpDialer(addr),
            accept: Some(accept),
        }
    }
}

impl TestServer<MemoryDialer> {
    /// Builds `builder` and serves each in-memory connection of the returned dialer on its
    /// own task: no real IO, so tests may run with paused time.
    pub fn memory(builder: Builder) -> TestServer<MemoryDialer> {
        let (service, server) = builder.build().expect("valid server configuration");
        let dialer = MemoryDialer::new(move |io| {
            tokio::spawn(tramline::serve_connection(io, service.clone(), None));
        });
        TestServer {
            server,
            dialer,
            accept: None,
        }
    }
}

impl<D> TestServer<D> {
    /// Waits, in steps of `step`, until `server.session_count()` is `n` or `max` has passed
    /// (virtual time under paused time); returns the last count seen.
    pub async fn wait_sessions(&self, n: usize, step: Duration, max: Duration) -> usize {
        wait_until(step, max, || self.server.session_count() == n).await;
        self.server.session_count()
    }
}

/// Checks `done` every `step` until it holds (`true`) or `max` has passed (`false`).
pub async fn wait_until(step: Duration, max: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = tokio::time::Instant::now();
    loop {
        if done() {
            return true;
        }
        if start.elapsed() >= max {
            return false;
        }
        tokio::time::sleep(step).await;
    }
}

/// Runs `fut` with a bound, panicking with `what` if it takes longer.
pub async fn bounded<T>(max: Duration, what: &str, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(max, fut).await {
        Ok(v) => v,
        Err(_) => panic!("timed out after {max:?}: {what}"),
    }
}

/// The close code that ends `client`'s session or downlink: from the next `close` packet,
/// or from the WebSocket close frame (or HTTP error) that ended the downlink.
pub async fn wait_close_code(client: &crate::Client) -> Result<u16, crate::ClientError> {
    match client.wait_close().await {
        Ok(close) => Ok(close.code.0),
        Err(e) => e.close_code().ok_or(e),
    }
}

/// Reads a raw WebSocket until a packet matching `pick` arrives (within `max`); packets
/// before it are skipped.
pub async fn ws_wait_packet(
    ws: &mut crate::WsStream,
    max: Duration,
    mut pick: impl FnMut(&tramline_protocol::Packet) -> bool,
) -> Result<tramline_protocol::Packet, crate::ClientError> {
    use futures_util::StreamExt as _;
    use tokio_tungstenite::tungstenite::Message;
    let read = async {
        while let Some(msg) = ws.next().await {
            let packets = match msg? {
                Message::Text(t) => tramline_protocol::decode_batch(t.as_bytes())?,
                Message::Binary(b) => vec![tramline_protocol::decode_binary_frame(&b)?],
                Message::Close(f) => {
                    return Err(crate::ClientError::Disconnected(
                        crate::DownlinkEnd::WsClose {
                            code: f.as_ref().map(|f| u16::from(f.code)),
                            reason: f.map(|f| f.reason.to_string()).unwrap_or_default(),
                        },
                    ))
                }
                _ => continue,
            };
            if let Some(p) = packets.into_iter().find(&mut pick) {
                return Ok(p);
            }
        }
        Err(crate::ClientError::Disconnected(crate::DownlinkEnd::Eof))
    };
    match tokio::time::timeout(max, read).await {
        Ok(r) => r,
        Err(_) => Err(crate::ClientError::Timeout {
            what: "a packet on a raw websocket",
            after: max,
        }),
    }
}

/// Sends one packet as a text message on a raw WebSocket.
pub async fn ws_send_packet(
    ws: &mut crate::WsStream,
    packet: &tramline_protocol::Packet,
) -> Result<(), crate::ClientError> {
    use futures_util::SinkExt as _;
    let text = String::from_utf8_lossy(&tramline_protocol::to_text(packet)).into_owned();
    ws.send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
        .await
        .map_err(Into::into)
}
