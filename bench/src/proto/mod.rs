//! The three protocol families behind one connection type, [`Conn`].
//!
//! A scenario sees only events that matter to it ([`Item`]: an `m` delivery, an ack) and says
//! what to send ([`Out`]: a publish, an echo). Each protocol keeps its own bookkeeping inside:
//! sequence numbers and `rx` reports (Tramline), heartbeats (Engine.IO and Tramline pings).
//!
//! Calling pattern, the same for every protocol and transport:
//!
//! ```text
//! loop {
//!     select! { r = conn.recv(&mut sink) => r?, _ = tick => conn.send(out).await? }
//!     conn.flush_control().await?;   // pongs and rx reports queued by recv
//! }
//! ```
//!
//! `recv` is cancel-safe (it only reads, and an HTTP request in flight is kept in the
//! connection), so it can sit in a `select!`; `send` and `flush_control` are awaited outside.

pub(crate) mod bare;
pub(crate) mod engineio;
mod socketio;
pub(crate) mod tramline;
mod tramline_http;

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::TransportKind;

use crate::cli::ServerKind;
use crate::error::{bail, timed, Result};
use crate::net::{Target, Watchdog, Ws, IO_TIMEOUT};
use crate::stats::Counter;

/// What a scenario hears from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    /// One `m` event (a fanout delivery).
    Message,
    /// The answer to a publish or an echo; `ts` is the echoed timestamp, if any.
    Ack { id: u64, ts: Option<u64>, ok: bool },
}

/// What a scenario sends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Out<'a> {
    /// `publish` with a string argument (ASCII, no escaping needed), asking for ack `ack`.
    Publish { payload: &'a str, ack: u64 },
    /// `echo` with a timestamp argument, asking for ack `ack`.
    Echo { ts: u64, ack: u64 },
}

/// How to open a connection.
#[derive(Debug, Clone)]
pub(crate) struct Opts {
    /// Counts the bytes read by the downlink.
    pub(crate) read: Arc<Counter>,
    /// Keep the HTTP uplink connection open between POSTs (else one connection per POST, which
    /// keeps 10,000 idle sessions within the open-files limit).
    pub(crate) keep_uplink: bool,
}

/// A session with the server under test, on one transport.
#[derive(Debug)]
pub(crate) enum Conn {
    SyWs(tramline::SyWs),
    SyHttp(tramline_http::SyHttp),
    EioWs(socketio::EioWs),
    EioPoll(socketio::EioPoll),
    Bare(bare::BareWs),
}

impl Conn {
    /// Opens a session (handshake included) on `transport`.
    pub(crate) async fn open(
        target: &Arc<Target>,
        transport: TransportKind,
        opts: &Opts,
    ) -> Result<Conn> {
        use TransportKind::{Polling, Websocket};
        Ok(match (target.server, transport) {
            (ServerKind::Tramline, Websocket) => {
                Conn::SyWs(tramline::SyWs::open(target, opts).await?)
            }
            (ServerKind::Tramline, kind) => {
                Conn::SyHttp(tramline_http::SyHttp::open(target, kind, opts).await?)
            }
            (ServerKind::Socketio | ServerKind::Socketioxide, Websocket) => {
                Conn::EioWs(socketio::EioWs::open(target, opts).await?)
            }
            (ServerKind::Socketio | ServerKind::Socketioxide, Polling) => {
                Conn::EioPoll(socketio::EioPoll::open(target, opts).await?)
            }
            (ServerKind::Bare, Websocket) => Conn::Bare(bare::BareWs::open(target, opts).await?),
            (server, t) => bail!("{} has no {t} transport", server.as_str()),
        })
    }

    /// Waits for the next frame or response chunk and hands its items to `sink`.
    pub(crate) async fn recv(&mut self, sink: &mut impl FnMut(Item)) -> Result<()> {
        match self {
            Conn::SyWs(c) => c.recv(sink).await,
            Conn::SyHttp(c) => c.recv(sink).await,
            Conn::EioWs(c) => c.recv(sink).await,
            Conn::EioPoll(c) => c.recv(sink).await,
            Conn::Bare(c) => c.recv(sink).await,
        }
    }

    /// Sends what `recv` found owed: pongs, `rx` reports.
    pub(crate) async fn flush_control(&mut self) -> Result<()> {
        match self {
            Conn::SyWs(c) => c.flush_control().await,
            Conn::SyHttp(c) => c.flush_control().await,
            Conn::EioWs(c) => c.flush_control().await,
            Conn::EioPoll(c) => c.flush_control().await,
            Conn::Bare(_) => Ok(()),
        }
    }

    /// Sends at once.
    pub(crate) async fn send(&mut self, out: Out<'_>) -> Result<()> {
        self.feed(out).await?;
        self.flush().await
    }

    /// Queues for sending (on a WebSocket, written with the next [`Conn::flush`]; over HTTP,
    /// sent at once).
    pub(crate) async fn feed(&mut self, out: Out<'_>) -> Result<()> {
        match self {
            Conn::SyWs(c) => c.feed(out).await,
            Conn::SyHttp(c) => c.send(out).await,
            Conn::EioWs(c) => c.feed(out).await,
            Conn::EioPoll(c) => c.send(out).await,
            Conn::Bare(c) => c.feed(out).await,
        }
    }

    pub(crate) async fn flush(&mut self) -> Result<()> {
        match self {
            Conn::SyWs(c) => ws_flush(c.ws()).await,
            Conn::EioWs(c) => ws_flush(c.ws()).await,
            Conn::Bare(c) => ws_flush(c.ws()).await,
            Conn::SyHttp(_) | Conn::EioPoll(_) => Ok(()),
        }
    }

    /// Ends the session the way its protocol's client would (bounded).
    pub(crate) async fn close(self) -> Result<()> {
        match self {
            Conn::SyWs(c) => c.close().await,
            Conn::SyHttp(c) => c.close().await,
            Conn::EioWs(c) => c.close().await,
            Conn::EioPoll(c) => c.close().await,
            Conn::Bare(c) => c.close().await,
        }
    }
}

/// The next message of a WebSocket; the end of the stream is an error.
async fn ws_next(ws: &mut Ws, dog: &mut Watchdog) -> Result<Message> {
    match dog.guard("a websocket message", ws.next()).await? {
        Some(Ok(Message::Close(frame))) => {
            let (code, reason) = frame.map_or((0, String::new()), |f| {
                (u16::from(f.code), f.reason.as_str().to_owned())
            });
            bail!("websocket closed by the server: {code} {reason}")
        }
        Some(Ok(m)) => Ok(m),
        Some(Err(e)) => bail!("websocket: {e}"),
        None => bail!("websocket ended"),
    }
}

async fn ws_feed(ws: &mut Ws, text: String) -> Result<()> {
    timed(
        IO_TIMEOUT,
        "a websocket write",
        ws.feed(Message::text(text)),
    )
    .await
}

async fn ws_flush(ws: &mut Ws) -> Result<()> {
    timed(IO_TIMEOUT, "a websocket write", ws.flush()).await
}

/// Sends a close frame and waits (briefly) for the server's and the end of the stream.
async fn ws_close(ws: &mut Ws) -> Result<()> {
    const LINGER: Duration = Duration::from_secs(5);
    let _ = timed(LINGER, "a websocket close", ws.close(None)).await;
    let _ =
        tokio::time::timeout(LINGER, async { while let Some(Ok(_)) = ws.next().await {} }).await;
    Ok(())
}

/// The first element of a JSON array when it is a non-negative integer: `[123]` → 123.
pub(crate) fn first_u64(array: &[u8]) -> Option<u64> {
    let rest = array.strip_prefix(b"[")?;
    let (n, _) = leading_u64(rest)?;
    Some(n)
}

/// Parses the decimal digits at the start of `s`.
pub(crate) fn leading_u64(s: &[u8]) -> Option<(u64, &[u8])> {
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 19 {
        return None;
    }
    let n = s[..digits]
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    Some((n, &s[digits..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_numbers() {
        assert_eq!(leading_u64(b"123,x"), Some((123, &b",x"[..])));
        assert_eq!(leading_u64(b"x"), None);
        assert_eq!(leading_u64(b"99999999999999999999"), None);
        assert_eq!(first_u64(b"[42]"), Some(42));
        assert_eq!(first_u64(b"[]"), None);
        assert_eq!(first_u64(b"42"), None);
    }
}
