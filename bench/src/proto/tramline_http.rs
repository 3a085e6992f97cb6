//! A Tramline session over an HTTP downlink (`sse`, `streaming` or `polling`), opened with
//! `POST /open`, sending on `POST /send`.
//!
//! The downlink request in flight is kept in the session ([`Down`]), so `recv` can be
//! cancelled by a `select!` and resumed without losing a response. A downlink that ends (a
//! poll answered, a streaming response past its size limit, an SSE stream cut) is re-attached
//! with the current `rx` on the next `recv`.

use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use tramline_protocol::{decode_text, Body, TransportKind};

use super::tramline::{Seq, CLOSE};
use super::{Item, Opts, Out};
use crate::error::{bail, timed, Result};
use crate::net::{check, next_chunk, Down, HttpConn, Lines, Target, Watchdog, IO_TIMEOUT};

#[derive(Debug)]
pub(crate) struct SyHttp {
    kind: TransportKind,
    prefix: String,
    sid: String,
    down: HttpConn,
    up: HttpConn,
    state: Down,
    lines: Lines,
    seq: Seq,
    /// The downlink request counter (`n`, protocol section 8).
    n: u64,
    dog: Watchdog,
}

impl SyHttp {
    pub(crate) async fn open(
        target: &Arc<Target>,
        kind: TransportKind,
        opts: &Opts,
    ) -> Result<SyHttp> {
        let prefix = target.prefix.trim_end_matches('/').to_owned();
        // The uplink's reads are not downlink bytes: they get a counter of their own.
        let up = HttpConn::new(target.clone(), Arc::default(), opts.keep_uplink);
        // `POST /open` goes on the downlink's connection, which the first GET then reuses:
        // one connection per session instead of two when opening thousands.
        let mut down = HttpConn::new(target.clone(), opts.read.clone(), true);
        let body = down
            .call(
                Method::POST,
                &format!("{prefix}/open"),
                Bytes::from_static(br#"{"type":"connect"}"#),
            )
            .await?;
        let Body::Open(handshake) = decode_text(&body)?.body else {
            bail!("POST /open did not answer with an open packet")
        };
        let mut conn = SyHttp {
            kind,
            prefix,
            sid: handshake.sid,
            down,
            up,
            state: Down::Idle,
            lines: Lines::default(),
            seq: Seq::default(),
            n: 0,
            dog: Watchdog::default(),
        };
        conn.attach().await?;
        if kind != TransportKind::Polling {
            // Streams answer their head at once: wait for it so that the session has its
            // downlink when `open` returns (a poll is only answered when there is data).
            let Down::Head(pending) = &mut conn.state else {
                unreachable!("attach leaves a request in flight")
            };
            let resp = timed(IO_TIMEOUT, "the downlink response head", pending).await?;
            conn.state = Down::Body(check(resp).await?);
        }
        Ok(conn)
    }

    async fn attach(&mut self) -> Result<()> {
        self.n += 1;
        self.seq.reported();
        let path = format!(
            "{}/{}?sid={}&rx={}&n={}",
            self.prefix, self.kind, self.sid, self.seq.rx, self.n
        );
        self.state = Down::Head(self.down.start(Method::GET, &path, Bytes::new()).await?);
        Ok(())
    }

    pub(crate) async fn recv(&mut self, sink: &mut impl FnMut(Item)) -> Result<()> {
        loop {
            match &mut self.state {
                Down::Idle => self.attach().await?,
                Down::Head(pending) => {
                    let resp = self.dog.guard("a downlink response", pending).await??;
                    self.state = Down::Body(check(resp).await?);
                }
                Down::Body(body) => match next_chunk(body, &mut self.dog).await? {
                    Some(data) => return self.feed(&data, sink),
                    None => {
                        self.state = Down::Idle;
                        let (seq, mut failed) = (&mut self.seq, None);
                        self.lines.finish(|line| {
                            if let Err(e) = seq.on_line(line, sink) {
                                failed.get_or_insert(e);
                            }
                        });
                        return failed.map_or(Ok(()), Err);
                    }
                },
            }
        }
    }

    fn feed(&mut self, data: &[u8], sink: &mut impl FnMut(Item)) -> Result<()> {
        let (seq, sse, mut failed) = (&mut self.seq, self.kind == TransportKind::Sse, None);
        self.lines.feed(data, |line| {
            let packet = if sse {
                // Only `data:` lines carry packets; `id:`, comments and blank lines do not.
                match line.strip_prefix(b"data:") {
                    Some(p) => p.strip_prefix(b" ").unwrap_or(p),
                    None => return,
                }
            } else {
                line
            };
            if let Err(e) = seq.on_line(packet, sink) {
                failed.get_or_insert(e);
            }
        });
        failed.map_or(Ok(()), Err)
    }

    async fn post(&mut self, body: String) -> Result<()> {
        let path = format!("{}/send?sid={}", self.prefix, self.sid);
        self.up.call(Method::POST, &path, body.into()).await?;
        Ok(())
    }

    pub(crate) async fn flush_control(&mut self) -> Result<()> {
        // A poll carries `rx` in its query; streams need a noop now and then.
        match self.seq.control(self.kind != TransportKind::Polling) {
            Some(packet) => self.post(packet).await,
            None => Ok(()),
        }
    }

    pub(crate) async fn send(&mut self, out: Out<'_>) -> Result<()> {
        let packet = self.seq.event(out);
        self.post(packet).await
    }

    /// Sends the close while the downlink is still attached: dropping a held poll first
    /// would close its connection, which a server may take as the end of the session.
    pub(crate) async fn close(mut self) -> Result<()> {
        self.post(CLOSE.to_owned()).await
    }
}
