//! [`Client`]: one session of the protocol, driven by a test.
//!
//! The client behaves like a correct Tramline client by default (it answers pings, reports
//! `rx`, numbers and replays its packets) so that tests can focus on one thing; switches
//! (`set_auto_pong`, `send_raw`, `send_packet`) let a test break exactly one rule. It never
//! reconnects or switches transport on its own: those are test steps.
//!
//! Sending lives in `uplink.rs`, receiving in `inbox.rs`, transport switches in `switch.rs`.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use http::{Method, StatusCode};
use parking_lot::Mutex;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::{decode_text, to_text, Body, Connect, Handshake, Packet, TransportKind};

use crate::dial::Dialer;
use crate::downlink::{attach_http, spawn_ws, ws_read_packets};
use crate::error::ClientError;
use crate::http::{http_request_with, timed, ws_connect_with};
use crate::seq::{RecvWindow, SendBuffer};
use crate::session::{Incoming, Shared, State, Uplink};
use crate::DEFAULT_TIMEOUT;

/// Options of [`Client::open`].
#[derive(Debug, Clone, Default)]
pub struct OpenOpts {
    /// The `auth` payload of the connect packet.
    pub auth: Option<Value>,
    /// An `Origin` header for every request of the session.
    pub origin: Option<String>,
    /// Extra headers for every request of the session.
    pub headers: Vec<(String, String)>,
    /// How long each wait may take; [`DEFAULT_TIMEOUT`] when `None`.
    pub timeout: Option<Duration>,
}

impl OpenOpts {
    /// Sets the connect packet's `auth`.
    pub fn auth(mut self, auth: Value) -> OpenOpts {
        self.auth = Some(auth);
        self
    }

    /// Sets the `Origin` header.
    pub fn origin(mut self, origin: impl Into<String>) -> OpenOpts {
        self.origin = Some(origin.into());
        self
    }

    /// Adds a header to every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> OpenOpts {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the timeout of every wait.
    pub fn timeout(mut self, timeout: Duration) -> OpenOpts {
        self.timeout = Some(timeout);
        self
    }
}

/// A protocol-level test client for one session. Every method is `&self`, so a test may
/// send from one task while another waits for packets. Dropping the client drops its
/// connections without a goodbye (use [`Client::close`] for a clean close).
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    pub(crate) handshake: Handshake,
    pub(crate) inbox: tokio::sync::Mutex<Inbox>,
    pub(crate) tasks: Mutex<Vec<JoinHandle<()>>>,
    pub(crate) next_ack_id: AtomicU64,
}

/// The consumer's side of the packet channel, plus packets set aside by a filtered wait
/// (`wait_ack` skipping an event) for later calls.
pub(crate) struct Inbox {
    pub(crate) rx: mpsc::UnboundedReceiver<Incoming>,
    pub(crate) backlog: VecDeque<Packet>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.shared.state.lock();
        f.debug_struct("Client")
            .field("sid", &self.shared.sid)
            .field("transport", &st.transport)
            .field("rx", &st.recv.rx())
            .field("last_seq", &st.send.last_seq())
            .finish_non_exhaustive()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        for task in self.tasks.lock().drain(..) {
            task.abort();
        }
    }
}

impl Client {
    /// Opens a session under mount `prefix` (e.g. `/realtime`) on `transport`.
    ///
    /// `websocket`: `GET {prefix}/websocket`, connect packet, open packet. Others:
    /// `POST {prefix}/open` with the connect packet, then the downlink
    /// `GET {prefix}/{transport}?sid=..&rx=0` (whose head is awaited for sse and streaming).
    pub async fn open<D: Dialer + Clone>(
        dialer: &D,
        prefix: &str,
        transport: TransportKind,
        opts: OpenOpts,
    ) -> Result<Client, ClientError> {
        let dialer: Arc<dyn Dialer> = Arc::new(dialer.clone());
        let timeout = opts.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let mut headers = opts.headers.clone();
        if let Some(origin) = &opts.origin {
            headers.push(("origin".to_owned(), origin.clone()));
        }
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let auth = match &opts.auth {
            Some(a) => Some(Bytes::from(
                serde_json::to_vec(a).map_err(|e| ClientError::Usage(e.to_string()))?,
            )),
            None => None,
        };
        let connect = Packet::control(Body::Connect(Connect { auth }));
        let state = State {
            recv: RecvWindow::new(),
            send: SendBuffer::new(),
            gen: 1,
            ended: None,
            transport,
            auto_pong: true,
            auto_report: true,
            timeout,
        };

        if transport == TransportKind::Websocket {
            let path = format!("{prefix}/websocket");
            let mut ws = ws_connect_with(&*dialer, timeout, &path, &header_refs)
                .await?
                .into_ws()?;
            let text = String::from_utf8_lossy(&to_text(&connect)).into_owned();
            timed(
                timeout,
                "sending connect",
                ws.send(Message::Text(text.into())),
            )
            .await?;
            let mut packets = ws_read_packets(&mut ws, timeout).await?.into_iter();
            let handshake = expect_open(packets.next())?;
            let (sink, stream) = ws.split();
            let (shared, rx) = Shared::new(
                dialer,
                prefix.to_owned(),
                handshake.sid.clone(),
                headers,
                state,
                Uplink::Ws(sink),
            );
            for p in packets {
                shared.deliver(1, p).await;
            }
            let task = spawn_ws(Arc::clone(&shared), 1, stream);
            return Ok(Client::new(shared, handshake, rx, task));
        }

        let mut post_headers = header_refs.clone();
        post_headers.push(("content-type", "text/plain;charset=UTF-8"));
        let path = format!("{prefix}/open");
        let resp = http_request_with(
            &*dialer,
            timeout,
            Method::POST,
            &path,
            &post_headers,
            to_text(&connect),
        )
        .await?;
        if resp.status != StatusCode::OK {
            return Err(ClientError::Http(Box::new(resp)));
        }
        let handshake = expect_open(Some(decode_text(&resp.body)?))?;
        let (shared, rx) = Shared::new(
            dialer,
            prefix.to_owned(),
            handshake.sid.clone(),
            headers,
            state,
            Uplink::Http,
        );
        let task = attach_http(&shared, 1, transport).await?;
        Ok(Client::new(shared, handshake, rx, task))
    }

    fn new(
        shared: Arc<Shared>,
        handshake: Handshake,
        rx: mpsc::UnboundedReceiver<Incoming>,
        task: JoinHandle<()>,
    ) -> Client {
        Client {
            shared,
            handshake,
            inbox: tokio::sync::Mutex::new(Inbox {
                rx,
                backlog: VecDeque::new(),
            }),
            tasks: Mutex::new(vec![task]),
            next_ack_id: AtomicU64::new(0),
        }
    }

    /// The session id.
    pub fn sid(&self) -> &str {
        &self.shared.sid
    }

    /// The open packet's handshake document.
    pub fn handshake(&self) -> &Handshake {
        &self.handshake
    }

    /// The transport currently attached (or last attached).
    pub fn transport(&self) -> TransportKind {
        self.shared.state.lock().transport
    }

    /// The highest `seq` received from the server without a gap.
    pub fn rx(&self) -> u64 {
        self.shared.state.lock().recv.rx()
    }

    /// The last `seq` the client used; 0 before the first sequenced packet.
    pub fn last_seq(&self) -> u64 {
        self.shared.state.lock().send.last_seq()
    }

    /// The highest `rx` the server has reported (piggybacked or in a POST answer).
    pub fn server_rx(&self) -> u64 {
        self.shared.state.lock().send.peer_rx()
    }

    /// How many sent sequenced packets the server has not acknowledged yet.
    pub fn unacked(&self) -> usize {
        self.shared.state.lock().send.unacked().len()
    }

    /// Whether the client answers the server's pings by itself (default on). Turn it off
    /// to let the heartbeat time out.
    pub fn set_auto_pong(&self, on: bool) {
        self.shared.state.lock().auto_pong = on;
    }

    /// Whether the client sends a `noop` with `rx` every `ACK_EVERY` packets received
    /// (default on). Turn it off to let the server's replay buffer fill.
    pub fn set_auto_report(&self, on: bool) {
        self.shared.state.lock().auto_report = on;
    }

    /// Stops (`false`) or resumes (`true`) reading the downlink: unread bytes stay in the
    /// connection, so the server's writes back up (slow-consumer tests). A read already in
    /// progress still completes (one more message or chunk). While paused, pings are not
    /// seen, so they are not answered either.
    pub fn set_reading(&self, on: bool) {
        self.shared.read_gate.send_replace(on);
    }

    /// Sets how long each wait may take from now on.
    pub fn set_timeout(&self, timeout: Duration) {
        self.shared.state.lock().timeout = timeout;
    }

    /// The current timeout of each wait.
    pub fn timeout(&self) -> Duration {
        self.shared.timeout()
    }

    pub(crate) fn add_task(&self, task: JoinHandle<()>) {
        let mut tasks = self.tasks.lock();
        tasks.retain(|t| !t.is_finished());
        tasks.push(task);
    }
}

fn expect_open(packet: Option<Packet>) -> Result<Handshake, ClientError> {
    match packet.map(|p| p.body) {
        Some(Body::Open(h)) => Ok(h),
        Some(Body::Close(c)) => Err(ClientError::Closed(c)),
        other => Err(ClientError::Protocol(format!(
            "expected an open packet, got {other:?}"
        ))),
    }
}
