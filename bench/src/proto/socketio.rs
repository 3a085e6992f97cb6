//! Socket.IO v5 over Engine.IO v4 clients, on `websocket` ([`EioWs`]: the direct websocket
//! connection a Socket.IO client makes with `transports: ["websocket"]`) and on `polling`
//! ([`EioPoll`]: long-polling GETs, POSTs for the uplink, never upgraded).

use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use tokio_tungstenite::tungstenite::Message;

use super::engineio::{
    decode, decode_sio, encode_event, event_name, first_number, parse_handshake, split_payload,
    Arg, EioPacket, SioPacket, SEPARATOR,
};
use super::{ws_close, ws_feed, ws_flush, ws_next, Item, Opts, Out};
use crate::error::{bail, timed, Result};
use crate::net::{
    check, next_chunk, ws_connect, Down, HttpConn, Lines, Target, Watchdog, Ws, IO_TIMEOUT,
};
use crate::stats::Counter;

/// Handles one Engine.IO packet; returns whether it was the Socket.IO `connect` answer.
fn on_packet(packet: &str, pongs: &mut u32, sink: &mut impl FnMut(Item)) -> Result<bool> {
    // The fanout hot path: `42["m",...]` needs no further look.
    if packet.starts_with(r#"42["m","#) {
        sink(Item::Message);
        return Ok(false);
    }
    match decode(packet)? {
        EioPacket::Message(msg) => match decode_sio(msg)? {
            SioPacket::Event { data, .. } => {
                if event_name(data) == Some("m") {
                    sink(Item::Message);
                }
            }
            SioPacket::Ack { id, data } => sink(Item::Ack {
                id,
                ts: first_number(data, false),
                ok: true,
            }),
            SioPacket::Connect(_) => return Ok(true),
            SioPacket::Disconnect => bail!("the server disconnected the socket"),
            SioPacket::ConnectError(e) => bail!("the server refused the socket: {e}"),
        },
        EioPacket::Ping(_) => *pongs += 1,
        EioPacket::Close => bail!("the server closed the Engine.IO session"),
        EioPacket::Open(_) | EioPacket::Pong(_) | EioPacket::Upgrade | EioPacket::Noop => {}
    }
    Ok(false)
}

fn encode(out: Out<'_>) -> String {
    let mut s = String::with_capacity(48);
    match out {
        Out::Publish { payload, ack } => {
            s.reserve(payload.len());
            encode_event(&mut s, "publish", Arg::Str(payload), Some(ack));
        }
        Out::Echo { ts, ack } => encode_event(&mut s, "echo", Arg::U64(ts), Some(ack)),
    }
    s
}

/// Socket.IO on a websocket.
#[derive(Debug)]
pub(crate) struct EioWs {
    ws: Ws,
    pongs: u32,
    dog: Watchdog,
}

impl EioWs {
    pub(crate) async fn open(target: &Arc<Target>, opts: &Opts) -> Result<EioWs> {
        let path = format!("{}?EIO=4&transport=websocket", target.prefix);
        let ws = ws_connect(target, &path, opts.read.clone()).await?;
        let mut conn = EioWs {
            ws,
            pongs: 0,
            dog: Watchdog::default(),
        };
        timed(IO_TIMEOUT, "the Socket.IO handshake", async {
            match ws_next(&mut conn.ws, &mut conn.dog).await? {
                Message::Text(t) if t.starts_with('0') => {}
                other => bail!("expected the Engine.IO open packet, got {other:?}"),
            }
            ws_feed(&mut conn.ws, "40".to_owned()).await?;
            ws_flush(&mut conn.ws).await?;
            loop {
                if let Message::Text(t) = ws_next(&mut conn.ws, &mut conn.dog).await? {
                    if on_packet(&t, &mut conn.pongs, &mut |_| {})? {
                        return Ok(());
                    }
                }
            }
        })
        .await?;
        Ok(conn)
    }

    pub(crate) fn ws(&mut self) -> &mut Ws {
        &mut self.ws
    }

    pub(crate) async fn recv(&mut self, sink: &mut impl FnMut(Item)) -> Result<()> {
        match ws_next(&mut self.ws, &mut self.dog).await? {
            Message::Text(t) => {
                on_packet(&t, &mut self.pongs, sink)?;
            }
            Message::Binary(_) => bail!("binary Socket.IO packets are not used by the benchmark"),
            _ => {}
        }
        Ok(())
    }

    pub(crate) async fn flush_control(&mut self) -> Result<()> {
        if self.pongs > 0 {
            for _ in 0..std::mem::take(&mut self.pongs) {
                ws_feed(&mut self.ws, "3".to_owned()).await?;
            }
            ws_flush(&mut self.ws).await?;
        }
        Ok(())
    }

    pub(crate) async fn feed(&mut self, out: Out<'_>) -> Result<()> {
        ws_feed(&mut self.ws, encode(out)).await
    }

    pub(crate) async fn close(mut self) -> Result<()> {
        let _ = ws_feed(&mut self.ws, "41".to_owned()).await;
        ws_close(&mut self.ws).await
    }
}

/// Socket.IO on Engine.IO long polling.
#[derive(Debug)]
pub(crate) struct EioPoll {
    /// `/socket.io/?EIO=4&transport=polling&sid=...`
    path: String,
    down: HttpConn,
    up: HttpConn,
    state: Down,
    packets: Lines,
    pongs: u32,
    dog: Watchdog,
}

impl EioPoll {
    pub(crate) async fn open(target: &Arc<Target>, opts: &Opts) -> Result<EioPoll> {
        let mut down = HttpConn::new(target.clone(), opts.read.clone(), true);
        let up = HttpConn::new(target.clone(), Arc::<Counter>::default(), opts.keep_uplink);
        let path = format!("{}?EIO=4&transport=polling", target.prefix);
        let body = down.call(Method::GET, &path, Bytes::new()).await?;
        let body = std::str::from_utf8(&body)?;
        let Some(EioPacket::Open(json)) = split_payload(body).next().map(decode).transpose()?
        else {
            bail!("expected the Engine.IO open packet, got {body:?}")
        };
        let path = format!("{path}&sid={}", parse_handshake(json)?.sid);
        // On the downlink's connection (nothing is in flight there yet): one connection per
        // session instead of two short-lived ones when opening thousands.
        down.call(Method::POST, &path, Bytes::from_static(b"40"))
            .await?;
        Ok(EioPoll {
            path,
            down,
            up,
            state: Down::Idle,
            packets: Lines::with_separator(SEPARATOR as u8),
            pongs: 0,
            dog: Watchdog::default(),
        })
    }

    pub(crate) async fn recv(&mut self, sink: &mut impl FnMut(Item)) -> Result<()> {
        loop {
            match &mut self.state {
                Down::Idle => {
                    let pending = self
                        .down
                        .start(Method::GET, &self.path, Bytes::new())
                        .await?;
                    self.state = Down::Head(pending);
                }
                Down::Head(pending) => {
                    let resp = self.dog.guard("a poll", pending).await??;
                    self.state = Down::Body(check(resp).await?);
                }
                Down::Body(body) => {
                    let chunk = next_chunk(body, &mut self.dog).await?;
                    let (pongs, mut failed) = (&mut self.pongs, None);
                    let mut each = |packet: &[u8]| {
                        let r = std::str::from_utf8(packet)
                            .map_err(Into::into)
                            .and_then(|p| on_packet(p, pongs, sink));
                        if let Err(e) = r {
                            failed.get_or_insert(e);
                        }
                    };
                    match chunk {
                        Some(data) => self.packets.feed(&data, &mut each),
                        None => {
                            self.packets.finish(&mut each);
                            self.state = Down::Idle;
                        }
                    }
                    return failed.map_or(Ok(()), Err);
                }
            }
        }
    }

    async fn post(&mut self, body: String) -> Result<()> {
        self.up.call(Method::POST, &self.path, body.into()).await?;
        Ok(())
    }

    pub(crate) async fn flush_control(&mut self) -> Result<()> {
        if self.pongs == 0 {
            return Ok(());
        }
        let n = std::mem::take(&mut self.pongs) as usize;
        let body = vec!["3"; n].join(&SEPARATOR.to_string());
        self.post(body).await
    }

    pub(crate) async fn send(&mut self, out: Out<'_>) -> Result<()> {
        self.post(encode(out)).await
    }

    /// Sends the close while the downlink is still attached: dropping a held poll first
    /// would close its connection, which a server may take as the end of the session.
    pub(crate) async fn close(mut self) -> Result<()> {
        self.post(format!("41{SEPARATOR}1")).await
    }
}
