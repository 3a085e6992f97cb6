//! Sockets, WebSockets and HTTP/1.1 connections to the server under test.
//!
//! Every TCP stream is wrapped in [`Counted`], which adds the bytes it reads to a shared counter:
//! that is how `wire_bytes_per_event` sees headers, chunk framing and padding exactly as they
//! crossed the socket. HTTP goes through hyper's low-level client connection, one
//! [`HttpConn`] per logical channel (downlink, uplink), kept alive or opened per request.
//! Nothing here knows a protocol's packets.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE, HOST};
use http::{Method, Request, Response};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::WebSocketStream;

use crate::cli::ServerKind;
use crate::error::{bail, timed, Error, Result};
use crate::stats::Counter;

/// Bound on every single network step (connect, handshake, one write, one response head).
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Bound on waiting for the next downlink data: longer than the servers' ping interval plus
/// ping timeout (25 s + 20 s), since an idle session only hears pings.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Initial WebSocket read buffer and write batching threshold. tungstenite's default is 128 KiB
/// each; with 10,000 idle sessions in one process that would be most of the generator's memory,
/// and tungstenite zeroes the spare read capacity before every read, so a large buffer also
/// costs a large memset per frame read.
const WS_BUFFER_BYTES: usize = 4 * 1024;

/// Where the server under test is.
#[derive(Debug)]
pub(crate) struct Target {
    /// Resolved address of `--url`.
    pub(crate) addr: SocketAddr,
    /// `host:port` for the `Host` header and WebSocket URLs.
    pub(crate) authority: String,
    /// Path prefix of the endpoint: `/realtime`, `/socket.io/` or `/`.
    pub(crate) prefix: String,
    /// Which protocol the server speaks.
    pub(crate) server: ServerKind,
}

/// A TCP stream that counts the bytes it reads.
#[derive(Debug)]
pub(crate) struct Counted {
    inner: TcpStream,
    read: Arc<Counter>,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let res = Pin::new(&mut self.inner).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        if n > 0 {
            self.read.add(n as u64);
        }
        res
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Connects to the target with `TCP_NODELAY` (small realtime writes must not wait for Nagle).
pub(crate) async fn dial(target: &Target, read: Arc<Counter>) -> Result<Counted> {
    let inner = timed(
        IO_TIMEOUT,
        "a TCP connection",
        TcpStream::connect(target.addr),
    )
    .await
    .map_err(|e| e.context(&format!("connecting to {}", target.addr)))?;
    inner.set_nodelay(true)?;
    Ok(Counted { inner, read })
}

/// A client WebSocket.
pub(crate) type Ws = WebSocketStream<Counted>;

/// Opens a WebSocket to `path_and_query`.
pub(crate) async fn ws_connect(
    target: &Target,
    path_and_query: &str,
    read: Arc<Counter>,
) -> Result<Ws> {
    let url = format!("ws://{}{}", target.authority, path_and_query);
    let req = url.into_client_request()?;
    let config = WebSocketConfig::default()
        .read_buffer_size(WS_BUFFER_BYTES)
        .write_buffer_size(WS_BUFFER_BYTES);
    let io = dial(target, read).await?;
    let (ws, _response) = timed(
        IO_TIMEOUT,
        "the websocket handshake",
        tokio_tungstenite::client_async_with_config(req, io, Some(config)),
    )
    .await
    .map_err(|e| e.context(&format!("websocket {path_and_query}")))?;
    Ok(ws)
}

/// A response whose head has not arrived yet. Owned (not borrowing the connection), so a
/// caller can keep it across `select!` iterations: waiting for it is cancel-safe.
pub(crate) type Pending = Pin<Box<dyn Future<Output = hyper::Result<Response<Incoming>>> + Send>>;

/// Where a downlink request is. Kept in the session, so that waiting for a response can be
/// cancelled by a `select!` and resumed without losing it.
pub(crate) enum Down {
    /// No request: the next read sends one.
    Idle,
    /// Request sent, waiting for the response head (a poll is held here until data arrives).
    Head(Pending),
    /// Reading the response body.
    Body(Incoming),
}

impl std::fmt::Debug for Down {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Down::Idle => "Idle",
            Down::Head(_) => "Head",
            Down::Body(_) => "Body",
        })
    }
}

/// The body of a 200 response; any other status is an error with the body's text.
pub(crate) async fn check(resp: Response<Incoming>) -> Result<Incoming> {
    let status = resp.status();
    if status == http::StatusCode::OK {
        return Ok(resp.into_body());
    }
    let body = timed(IO_TIMEOUT, "an error body", resp.into_body().collect()).await?;
    bail!(
        "HTTP {status}: {}",
        String::from_utf8_lossy(&body.to_bytes())
    )
}

/// Bounds the waits of one connection's downlink: an error once nothing has arrived for about
/// [`READ_TIMEOUT`]. Unlike a `timeout` per read, it touches the timer wheel only every few
/// seconds per connection, not once per frame (a fanout reads hundreds of thousands of frames
/// a second).
#[derive(Debug)]
pub(crate) struct Watchdog {
    deadline: Pin<Box<tokio::time::Sleep>>,
    armed: tokio::time::Instant,
}

impl Default for Watchdog {
    fn default() -> Self {
        let now = tokio::time::Instant::now();
        Watchdog {
            deadline: Box::pin(tokio::time::sleep_until(now + READ_TIMEOUT)),
            armed: now,
        }
    }
}

impl Watchdog {
    /// Awaits `fut`; fails when the downlink has been silent for [`READ_TIMEOUT`] (give or
    /// take a sixth of it).
    pub(crate) async fn guard<T>(&mut self, what: &str, fut: impl Future<Output = T>) -> Result<T> {
        let now = tokio::time::Instant::now();
        if now - self.armed > READ_TIMEOUT / 6 {
            self.deadline.as_mut().reset(now + READ_TIMEOUT);
            self.armed = now;
        }
        tokio::select! {
            biased;
            v = fut => Ok(v),
            _ = self.deadline.as_mut() => bail!("nothing received for {READ_TIMEOUT:?} waiting for {what}"),
        }
    }
}

/// The next data chunk of a body; `None` at its end.
pub(crate) async fn next_chunk(body: &mut Incoming, dog: &mut Watchdog) -> Result<Option<Bytes>> {
    loop {
        let frame = dog.guard("downlink data", body.frame()).await?;
        match frame {
            None => return Ok(None),
            Some(Err(e)) => bail!("downlink: {e}"),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
            }
        }
    }
}

/// One HTTP/1.1 connection used for a sequence of requests: kept alive, or (with
/// `keep_alive == false`) opened for each request and closed after it, which bounds the open
/// files of 10,000 idle sessions that only POST on a heartbeat.
#[derive(Debug)]
pub(crate) struct HttpConn {
    target: Arc<Target>,
    read: Arc<Counter>,
    keep_alive: bool,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl HttpConn {
    pub(crate) fn new(target: Arc<Target>, read: Arc<Counter>, keep_alive: bool) -> HttpConn {
        HttpConn {
            target,
            read,
            keep_alive,
            sender: None,
        }
    }

    /// Sends a request and returns the pending response head.
    pub(crate) async fn start(
        &mut self,
        method: Method,
        path_and_query: &str,
        body: Bytes,
    ) -> Result<Pending> {
        let mut req = Request::builder()
            .method(method)
            .uri(path_and_query)
            .body(Full::new(body))
            .map_err(|e| Error(format!("bad request {path_and_query}: {e}")))?;
        let h = req.headers_mut();
        h.insert(HOST, HeaderValue::from_str(&self.target.authority)?);
        h.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        if self.sender.as_ref().is_none_or(SendRequest::is_closed) {
            let io = dial(&self.target, self.read.clone()).await?;
            let (sender, conn) = timed(
                IO_TIMEOUT,
                "an HTTP connection",
                hyper::client::conn::http1::handshake(TokioIo::new(io)),
            )
            .await?;
            // The connection task ends when the socket closes or the sender is dropped.
            tokio::spawn(async move {
                let _ = conn.await;
            });
            self.sender = Some(sender);
        }
        let Some(sender) = self.sender.as_mut() else {
            bail!("no HTTP connection")
        };
        timed(IO_TIMEOUT, "an idle HTTP connection", sender.ready()).await?;
        let fut = sender.send_request(req);
        if !self.keep_alive {
            // hyper finishes the request in flight, then closes the connection.
            self.sender = None;
        }
        Ok(Box::pin(fut))
    }

    /// Sends a request and reads the whole response; a status other than 200 is an error.
    pub(crate) async fn call(
        &mut self,
        method: Method,
        path_and_query: &str,
        body: Bytes,
    ) -> Result<Bytes> {
        let pending = self.start(method, path_and_query, body).await?;
        timed(IO_TIMEOUT, "an HTTP response", async {
            let resp = pending.await?;
            let status = resp.status();
            let body = resp.into_body().collect().await?.to_bytes();
            if status != http::StatusCode::OK {
                let text = String::from_utf8_lossy(&body);
                bail!("{path_and_query}: HTTP {status}: {text}");
            }
            Ok::<_, Error>(body)
        })
        .await
    }
}

/// Splits a byte stream into lines across chunk boundaries, copying only the unfinished tail
/// of a chunk (most chunks end on a line boundary and are never copied).
#[derive(Debug)]
pub(crate) struct Lines {
    tail: Vec<u8>,
    separator: u8,
}

impl Default for Lines {
    fn default() -> Self {
        Lines::with_separator(b'\n')
    }
}

impl Lines {
    /// Splits on `separator` instead of `\n` (Engine.IO polling bodies use `\x1e`).
    pub(crate) fn with_separator(separator: u8) -> Lines {
        Lines {
            tail: Vec::new(),
            separator,
        }
    }

    /// Calls `f` with every complete line (without its separator; a trailing `\r` is kept).
    pub(crate) fn feed(&mut self, chunk: &[u8], mut f: impl FnMut(&[u8])) {
        let (mut rest, sep) = (chunk, self.separator);
        if !self.tail.is_empty() {
            match rest.iter().position(|&b| b == sep) {
                Some(i) => {
                    self.tail.extend_from_slice(&rest[..i]);
                    f(&self.tail);
                    self.tail.clear();
                    rest = &rest[i + 1..];
                }
                None => return self.tail.extend_from_slice(rest),
            }
        }
        while let Some(i) = rest.iter().position(|&b| b == sep) {
            f(&rest[..i]);
            rest = &rest[i + 1..];
        }
        self.tail.extend_from_slice(rest);
    }

    /// Hands out the unfinished last line, if any (a polling body has no final `\n`).
    pub(crate) fn finish(&mut self, mut f: impl FnMut(&[u8])) {
        if !self.tail.is_empty() {
            f(&self.tail);
            self.tail.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_join_chunks_and_keep_the_tail() {
        let mut lines = Lines::default();
        let mut got = Vec::new();
        let mut push = |l: &[u8]| got.push(String::from_utf8(l.to_vec()).unwrap());
        lines.feed(b"ab\ncd", &mut push);
        lines.feed(b"e", &mut push);
        lines.feed(b"f\n\ngh\n", &mut push);
        lines.feed(b"ij", &mut push);
        lines.finish(&mut push);
        assert_eq!(got, ["ab", "cdef", "", "gh", "ij"]);
        let mut lines = Lines::with_separator(0x1e);
        let mut got = Vec::new();
        lines.feed(b"2\x1e42[\"m\"", |l| got.push(l.to_vec()));
        lines.finish(|l| got.push(l.to_vec()));
        assert_eq!(got, [b"2".to_vec(), b"42[\"m\"".to_vec()]);
    }
}
