//! The client's half of one session, shared between the [`Client`](crate::Client) handle and
//! the background tasks that read downlinks.
//!
//! Received packets go through [`Shared::deliver`] whichever downlink they came on, so the
//! receiver rules (drop duplicates, accept `rx + 1`, report gaps) and the automatic answers
//! (pong on ping, noop every `ACK_EVERY` packets) apply identically to every transport, and to
//! two downlinks overlapping during a switch. Sends all go through the one `uplink` mutex:
//! holding it is what keeps one POST in flight at a time and numbers packets in send order.
//! No `parking_lot` lock is held across an await.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::SplitSink;
use futures_util::SinkExt as _;
use http::{Method, StatusCode};
use parking_lot::Mutex;
use tokio::sync::{mpsc, watch, MutexGuard};
use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::{
    encode_batch, encode_websocket, Body, CloseCode, Packet, TransportKind, WsMessage,
};

use crate::dial::Dialer;
use crate::error::{ClientError, DownlinkEnd};
use crate::http::{http_request_with, timed, HttpResponse, WsStream};
use crate::seq::{Accept, RecvWindow, SendBuffer};

/// What background tasks hand to the consumer, in the order the client accepted it.
#[derive(Debug)]
pub(crate) enum Incoming {
    Packet(Packet),
    Error(ClientError),
    /// Downlink `gen` ended; ignored unless `gen` is still the current downlink.
    Ended {
        gen: u64,
        end: DownlinkEnd,
    },
}

/// Where packets to the server go.
pub(crate) enum Uplink {
    /// `POST {prefix}/send?sid=`.
    Http,
    /// The write half of the attached WebSocket.
    Ws(SplitSink<WsStream, Message>),
    /// Nowhere (closed, or the websocket was cut and no fallback happened yet).
    Closed(&'static str),
}

/// Mutable session state; guarded by a short-lived synchronous lock.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) recv: RecvWindow,
    pub(crate) send: SendBuffer,
    /// Generation of the current downlink; bumped by every switch, so that late news from a
    /// retired downlink (its 4409 close, its end) is recognised and ignored.
    pub(crate) gen: u64,
    /// Set when the current downlink ended: `(gen, how)`.
    pub(crate) ended: Option<(u64, DownlinkEnd)>,
    pub(crate) transport: TransportKind,
    pub(crate) auto_pong: bool,
    pub(crate) auto_report: bool,
    pub(crate) timeout: Duration,
}

pub(crate) struct Shared {
    pub(crate) dialer: Arc<dyn Dialer>,
    pub(crate) prefix: String,
    pub(crate) sid: String,
    /// Extra headers (Origin, ...) sent with every request of this session.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) state: Mutex<State>,
    pub(crate) uplink: tokio::sync::Mutex<Uplink>,
    /// Open (`true`) unless an upgrade from polling is in progress: the poller issues no new
    /// GET while it is closed, so that no poll reaches the server after the `upgrade`.
    pub(crate) poll_gate: watch::Sender<bool>,
    /// `true` while a long-poll GET is in flight (its answer not yet delivered), so that an
    /// upgrade can wait for the poll the server ends when the probe arrives.
    pub(crate) poll_busy: watch::Sender<bool>,
    /// Open (`true`) unless the test paused reading: readers then leave bytes in the socket,
    /// so the server feels backpressure (slow-consumer tests).
    pub(crate) read_gate: watch::Sender<bool>,
    events: mpsc::UnboundedSender<Incoming>,
}

impl Shared {
    pub(crate) fn new(
        dialer: Arc<dyn Dialer>,
        prefix: String,
        sid: String,
        headers: Vec<(String, String)>,
        state: State,
        uplink: Uplink,
    ) -> (Arc<Shared>, mpsc::UnboundedReceiver<Incoming>) {
        let (events, rx) = mpsc::unbounded_channel();
        let shared = Shared {
            dialer,
            prefix,
            sid,
            headers,
            state: Mutex::new(state),
            uplink: tokio::sync::Mutex::new(uplink),
            poll_gate: watch::Sender::new(true),
            poll_busy: watch::Sender::new(false),
            read_gate: watch::Sender::new(true),
            events,
        };
        (Arc::new(shared), rx)
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.state.lock().timeout
    }

    /// Waits until reading is allowed; `false` if the client is gone.
    pub(crate) async fn may_read(&self, gate: &mut watch::Receiver<bool>) -> bool {
        gate.wait_for(|open| *open).await.is_ok()
    }

    pub(crate) fn header_refs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    pub(crate) fn push(&self, item: Incoming) {
        // The receiver lives as long as the client; after that nobody is listening.
        let _ = self.events.send(item);
    }

    /// Reports that downlink `gen` ended.
    pub(crate) fn end(&self, gen: u64, end: DownlinkEnd) {
        self.push(Incoming::Ended { gen, end });
    }

    /// Applies the receiver rules to a packet from downlink `gen`, queues it for the consumer
    /// if it is new, and sends the automatic answer it calls for.
    pub(crate) async fn deliver(&self, gen: u64, packet: Packet) {
        let reply = {
            let mut st = self.state.lock();
            if let Some(rx) = packet.rx {
                st.send.ack(rx);
            }
            match packet.seq {
                Some(seq) => match st.recv.accept(seq) {
                    Accept::Duplicate => None,
                    Accept::Gap { expected, got } => {
                        self.push(Incoming::Error(ClientError::SeqGap { expected, got }));
                        None
                    }
                    Accept::New => {
                        // Pushed under the lock: acceptance order is delivery order even when
                        // two downlinks overlap.
                        self.push(Incoming::Packet(packet));
                        (st.auto_report && st.recv.report_due()).then_some(Body::Noop)
                    }
                },
                None => {
                    let reply = match packet.body {
                        Body::Ping { probe: false } if st.auto_pong => {
                            Some(Body::Pong { probe: false })
                        }
                        _ => None,
                    };
                    let retired_close = gen != st.gen
                        && matches!(&packet.body, Body::Close(c) if c.code == CloseCode::REPLACED);
                    if !retired_close {
                        self.push(Incoming::Packet(packet));
                    }
                    reply
                }
            }
        };
        if let Some(body) = reply {
            // Best effort: if the session is gone, the downlink says so.
            let _ = self.send_control(body).await;
        }
    }

    pub(crate) async fn lock_uplink(&self) -> Result<MutexGuard<'_, Uplink>, ClientError> {
        timed(self.timeout(), "the uplink (a send in flight)", async {
            Ok::<_, ClientError>(self.uplink.lock().await)
        })
        .await
    }

    /// Sends an unsequenced packet carrying the current `rx`.
    pub(crate) async fn send_control(&self, body: Body) -> Result<(), ClientError> {
        let mut up = self.lock_uplink().await?;
        let packet = Packet::control(body).with_rx(self.state.lock().recv.report());
        self.send_on(&mut up, &[packet]).await
    }

    /// Numbers `body`, keeps it for replay, and sends it with the current `rx`; returns its
    /// `seq`. Numbering under the uplink lock keeps the server's view gap-free.
    pub(crate) async fn send_sequenced(&self, body: Body) -> Result<u64, ClientError> {
        let mut up = self.lock_uplink().await?;
        let packet = {
            let mut st = self.state.lock();
            let rx = st.recv.report();
            st.send.push(body).with_rx(rx)
        };
        let seq = packet.seq.unwrap_or_default();
        self.send_on(&mut up, &[packet]).await?;
        Ok(seq)
    }

    /// The unacknowledged sequenced packets, with the current `rx`: what a switch resends.
    pub(crate) fn replay(&self) -> Vec<Packet> {
        let mut st = self.state.lock();
        let rx = st.recv.report();
        st.send.unacked().map(|p| p.clone().with_rx(rx)).collect()
    }

    /// Sends packets as they are on the current uplink: one POST, or one WebSocket message
    /// each. A POST must be answered 200 `{"rx":N}`; `N` acknowledges our packets.
    pub(crate) async fn send_on(
        &self,
        up: &mut Uplink,
        packets: &[Packet],
    ) -> Result<(), ClientError> {
        if packets.is_empty() {
            return Ok(());
        }
        match up {
            Uplink::Http => {
                let resp = self.post_send(encode_batch(packets).into()).await?;
                if resp.status != StatusCode::OK {
                    return Err(ClientError::Http(Box::new(resp)));
                }
                let rx = resp
                    .json()
                    .ok()
                    .and_then(|v| v.get("rx")?.as_u64())
                    .ok_or_else(|| {
                        ClientError::Protocol(format!("POST /send answered {:?}", resp.text()))
                    })?;
                self.state.lock().send.ack(rx);
                Ok(())
            }
            Uplink::Ws(sink) => {
                for p in packets {
                    let msg = match encode_websocket(p) {
                        WsMessage::Text(t) => Message::Text(
                            String::from_utf8(t)
                                .map_err(|_| ClientError::Usage("non-UTF-8 packet".into()))?
                                .into(),
                        ),
                        WsMessage::Binary(b) => Message::Binary(b.into()),
                    };
                    self.ws_send(sink, msg).await?;
                }
                Ok(())
            }
            Uplink::Closed(why) => Err(ClientError::NotConnected(why)),
        }
    }

    pub(crate) async fn ws_send(
        &self,
        sink: &mut SplitSink<WsStream, Message>,
        msg: Message,
    ) -> Result<(), ClientError> {
        timed(self.timeout(), "a websocket send", sink.send(msg)).await
    }

    /// `POST {prefix}/send?sid=` with `body`, whatever the answer.
    pub(crate) async fn post_send(&self, body: Bytes) -> Result<HttpResponse, ClientError> {
        let path = format!("{}/send?sid={}", self.prefix, self.sid);
        let mut headers = self.header_refs();
        headers.push(("content-type", "text/plain;charset=UTF-8"));
        http_request_with(
            &*self.dialer,
            self.timeout(),
            Method::POST,
            &path,
            &headers,
            body,
        )
        .await
    }
}
