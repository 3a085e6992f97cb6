//! A scripted stand-in for the server, for testing the client itself (test builds only).
//!
//! It serves exactly one session (sid [`SID`]) under `/rt` on every transport, keeps every
//! sequenced packet it sent so that any downlink can replay from the client's `rx`, applies
//! "newer wins" to downlinks, and records what the client sent. It is not the server and
//! must never become one: no heartbeat timer, no reaper, no limits. Events called `echo`
//! with an ack id are acked with their own arguments.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{combinators::BoxBody, BodyExt as _, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use tramline_protocol::{
    decode_batch, decode_binary_frame, encode_batch, encode_sse, encode_streaming,
    encode_websocket, sse_prelude, streaming_prelude, to_text, Ack, Args, Body, Close, CloseCode,
    Event, Handshake, Packet, TransportKind, WsMessage,
};

use crate::seq::{Accept, RecvWindow};
use crate::MemoryDialer;

pub(crate) const SID: &str = "AAAAAAAAAAAAAAAAAAAAAA";

type Out = BoxBody<Bytes, Infallible>;

/// What the fake saw; tests wait on changes with [`Fake::wait_until`].
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Sequenced client packets accepted, in order.
    pub(crate) received: Vec<Packet>,
    /// Highest `rx` the client reported.
    pub(crate) client_rx: u64,
    /// Pongs received (non-probe).
    pub(crate) pongs: usize,
    /// Noops received.
    pub(crate) noops: usize,
    /// Duplicate sequenced packets received (and dropped).
    pub(crate) duplicates: usize,
    /// Downlinks attached so far.
    pub(crate) downlinks: usize,
}

struct Session {
    out: Vec<Packet>,
    recv: RecvWindow,
    downlink: Option<mpsc::UnboundedSender<Packet>>,
    /// Generation of `downlink`.
    gen: u64,
    /// The queue of a polling downlink between two GETs: `(gen, queue)`.
    parked: Option<(u64, mpsc::UnboundedReceiver<Packet>)>,
}

pub(crate) struct Fake {
    session: Mutex<Session>,
    seen: watch::Sender<Seen>,
}

impl Fake {
    pub(crate) fn new() -> Arc<Fake> {
        // The session's queue exists from the start, as if parked between two polls, so that
        // what is sent before the first downlink attaches is not lost.
        let (tx, queue) = mpsc::unbounded_channel();
        Arc::new(Fake {
            session: Mutex::new(Session {
                out: Vec::new(),
                recv: RecvWindow::new(),
                downlink: Some(tx),
                gen: 0,
                parked: Some((0, queue)),
            }),
            seen: watch::Sender::new(Seen::default()),
        })
    }

    pub(crate) fn dialer(self: &Arc<Fake>) -> MemoryDialer {
        let fake = Arc::clone(self);
        MemoryDialer::new(move |io| fake.serve(io))
    }

    /// Serves HTTP/1.1 (with upgrades) on one connection, in a new task.
    pub(crate) fn serve(self: &Arc<Fake>, io: impl crate::Io) {
        let fake = Arc::clone(self);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let fake = Arc::clone(&fake);
                async move { Ok::<_, Infallible>(fake.route(req).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(io), service)
                .with_upgrades();
            let _ = conn.await;
        });
    }

    /// Sends a sequenced packet with `body` on the current downlink (kept for replay).
    pub(crate) fn send(&self, body: Body) {
        let mut s = self.session.lock();
        let packet = Packet::sequenced(s.out.len() as u64 + 1, body).with_rx(s.recv.rx());
        s.out.push(packet.clone());
        if let Some(d) = &s.downlink {
            let _ = d.send(packet);
        }
    }

    pub(crate) fn emit(&self, name: &str, json: &str) {
        let args = Args::new(json.to_owned(), vec![]).expect("array");
        let (name, ack) = (name.to_owned(), None);
        self.send(Body::Event(Event { name, args, ack }));
    }

    /// Sends any packet on the current downlink as is (not kept for replay).
    pub(crate) fn send_raw(&self, packet: Packet) {
        if let Some(d) = &self.session.lock().downlink {
            let _ = d.send(packet);
        }
    }

    /// Sequenced packets sent so far.
    pub(crate) fn sent(&self) -> Vec<Packet> {
        self.session.lock().out.clone()
    }

    pub(crate) async fn wait_until(&self, f: impl Fn(&Seen) -> bool) {
        let mut rx = self.seen.subscribe();
        let waited = tokio::time::timeout(crate::DEFAULT_TIMEOUT, rx.wait_for(|s| f(s))).await;
        let ok = waited.is_ok_and(|r| r.is_ok());
        assert!(ok, "fake server never saw it: {:?}", *self.seen.borrow());
    }

    pub(crate) fn seen<T>(&self, f: impl FnOnce(&Seen) -> T) -> T {
        f(&self.seen.borrow())
    }

    fn receive(&self, p: Packet) {
        let mut s = self.session.lock();
        let (rx, reply) = (p.rx, echo(&p));
        let accept = p.seq.map(|seq| s.recv.accept(seq));
        self.seen.send_modify(|seen| {
            seen.client_rx = seen.client_rx.max(rx.unwrap_or(0));
            match (&p.body, accept) {
                (_, Some(Accept::New)) => seen.received.push(p.clone()),
                (_, Some(Accept::Duplicate)) => seen.duplicates += 1,
                (_, Some(Accept::Gap { .. })) => panic!("client skipped a seq: {p:?}"),
                (Body::Pong { probe: false }, None) => seen.pongs += 1,
                (Body::Noop, None) => seen.noops += 1,
                _ => {}
            }
        });
        drop(s);
        if let (Some(body), Some(Accept::New)) = (reply, accept) {
            self.send(body);
        }
    }

    /// Makes a new downlink current, retiring the old one with 4409 (unless it is a polling
    /// downlink between two GETs, whose queued control packets carry over), and replays after
    /// `rx`. Returns the new downlink's generation and queue.
    fn attach(&self, rx: u64) -> (u64, mpsc::UnboundedReceiver<Packet>) {
        let (tx, out) = mpsc::unbounded_channel();
        let mut s = self.session.lock();
        for p in s.out.iter().skip(rx as usize) {
            let _ = tx.send(p.clone());
        }
        let old = s.downlink.take();
        match s.parked.take() {
            Some((gen, mut queue)) if gen == s.gen => {
                while let Ok(p) = queue.try_recv() {
                    if p.seq.is_none() {
                        let _ = tx.send(p);
                    }
                }
            }
            _ => {
                if let Some(old) = old {
                    let close = Close {
                        code: CloseCode::REPLACED,
                        reason: "replaced by a newer downlink".into(),
                    };
                    let _ = old.send(Packet::control(Body::Close(close)));
                }
            }
        }
        s.downlink = Some(tx);
        s.gen += 1;
        self.seen.send_modify(|seen| seen.downlinks += 1);
        (s.gen, out)
    }

    /// Keeps a polling downlink's queue between two GETs.
    fn park(&self, gen: u64, queue: mpsc::UnboundedReceiver<Packet>) {
        let mut s = self.session.lock();
        if s.gen == gen {
            s.parked = Some((gen, queue));
        }
    }

    async fn route(self: Arc<Fake>, req: Request<Incoming>) -> Response<Out> {
        let path = req.uri().path().to_owned();
        let rx = query(&req, "rx").and_then(|v| v.parse().ok()).unwrap_or(0);
        match (req.method().clone(), path.as_str()) {
            (Method::POST, "/rt/open") => respond(StatusCode::OK, to_text(&open_packet())),
            (Method::POST, "/rt/send") => {
                let body = req.into_body().collect().await.map(|b| b.to_bytes());
                let packets = body.ok().and_then(|b| decode_batch(&b).ok());
                let Some(packets) = packets else {
                    return respond(
                        StatusCode::BAD_REQUEST,
                        &b"{\"error\":\"malformed-packet\"}"[..],
                    );
                };
                for p in packets {
                    self.receive(p);
                }
                let rx = self.session.lock().recv.rx();
                respond(StatusCode::OK, format!("{{\"rx\":{rx}}}"))
            }
            (Method::GET, "/rt/sse") => stream(self.attach(rx).1, sse_prelude(), encode_sse),
            (Method::GET, "/rt/streaming") => {
                stream(self.attach(rx).1, streaming_prelude(), encode_streaming)
            }
            (Method::GET, "/rt/polling") => {
                let (gen, mut down) = self.attach(rx);
                let mut batch = down.recv().await.into_iter().collect::<Vec<_>>();
                while let Ok(p) = down.try_recv() {
                    batch.push(p);
                }
                self.park(gen, down);
                respond(StatusCode::OK, encode_batch(&batch))
            }
            (Method::GET, "/rt/websocket") => self.upgrade(req),
            _ => respond(StatusCode::NOT_FOUND, &b"{\"error\":\"not-found\"}"[..]),
        }
    }

    fn upgrade(self: Arc<Fake>, mut req: Request<Incoming>) -> Response<Out> {
        let key = req.headers().get("sec-websocket-key").cloned();
        let Some(key) = key else {
            return respond(StatusCode::BAD_REQUEST, &b"{\"error\":\"bad-request\"}"[..]);
        };
        let probing = query(&req, "sid").is_some();
        let on_upgrade = hyper::upgrade::on(&mut req);
        tokio::spawn(async move {
            let io = TokioIo::new(on_upgrade.await.expect("upgrade"));
            let ws = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
            self.serve_ws(ws, probing).await;
        });
        Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-accept", derive_accept_key(key.as_bytes()))
            .body(Full::default().boxed())
            .expect("response")
    }

    async fn serve_ws<S>(self: Arc<Fake>, ws: WebSocketStream<S>, probing: bool)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sink, mut stream) = ws.split();
        let first = next_packet(&mut stream).await;
        let mut down = if probing {
            assert_eq!(first.map(|p| p.body), Some(Body::Ping { probe: true }));
            // As the server does: a pending poll is ended at once (with a noop), so that the
            // client can send `upgrade` knowing no poll of its own is still outstanding.
            if let Some(down) = &self.session.lock().downlink {
                let _ = down.send(Packet::control(Body::Noop));
            }
            let pong = to_text(&Packet::control(Body::Pong { probe: true }));
            let _ = sink.send(Message::Text(text(pong).into())).await;
            let Some(upgrade) = next_packet(&mut stream).await else {
                return; // an abandoned probe
            };
            assert_eq!(upgrade.body, Body::Upgrade);
            self.attach(upgrade.rx.unwrap_or(0)).1
        } else {
            assert!(matches!(first.map(|p| p.body), Some(Body::Connect(_))));
            // Attached before the open packet goes out, as a real server does.
            let down = self.attach(0).1;
            let open = text(to_text(&open_packet()));
            let _ = sink.send(Message::Text(open.into())).await;
            down
        };
        tokio::spawn(async move {
            while let Some(p) = down.recv().await {
                let msg = match encode_websocket(&p) {
                    WsMessage::Text(t) => Message::Text(text(t).into()),
                    WsMessage::Binary(b) => Message::Binary(b.into()),
                };
                if sink.send(msg).await.is_err() || matches!(p.body, Body::Close(_)) {
                    break;
                }
            }
        });
        while let Some(p) = next_packet(&mut stream).await {
            self.receive(p);
        }
    }
}

fn echo(p: &Packet) -> Option<Body> {
    match &p.body {
        Body::Event(Event {
            name,
            args,
            ack: Some(id),
        }) if name == "echo" => Some(Body::Ack(Ack {
            id: *id,
            result: Ok(args.clone()),
        })),
        _ => None,
    }
}

async fn next_packet<S>(stream: &mut S) -> Option<Packet>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match stream.next().await?.ok()? {
            Message::Text(t) => return decode_batch(t.as_bytes()).ok()?.into_iter().next(),
            Message::Binary(b) => return decode_binary_frame(&b).ok(),
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

fn open_packet() -> Packet {
    Packet::control(Body::Open(Handshake {
        sid: SID.into(),
        version: 1,
        ping_interval: 25_000,
        ping_timeout: 20_000,
        max_payload: 1 << 20,
        transports: TransportKind::ALL.to_vec(),
        upgrades: vec![TransportKind::Websocket],
    }))
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("the codec writes UTF-8")
}

fn query<'a>(req: &'a Request<Incoming>, key: &str) -> Option<&'a str> {
    req.uri()
        .query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

fn respond(status: StatusCode, body: impl Into<Bytes>) -> Response<Out> {
    Response::builder()
        .status(status)
        .body(Full::new(body.into()).boxed())
        .expect("response")
}

/// A streamed downlink: the prelude, then each packet framed by `frame`, ending after a close.
fn stream(
    down: mpsc::UnboundedReceiver<Packet>,
    prelude: Vec<u8>,
    frame: fn(&Packet, &mut Vec<u8>),
) -> Response<Out> {
    let first = futures_util::stream::once(async move { Ok(Frame::data(Bytes::from(prelude))) });
    let rest = futures_util::stream::unfold((down, false), move |(mut down, done)| async move {
        if done {
            return None;
        }
        let p = down.recv().await?;
        let mut out = Vec::new();
        frame(&p, &mut out);
        let done = matches!(p.body, Body::Close(_));
        Some((Ok(Frame::data(Bytes::from(out))), (down, done)))
    });
    Response::builder()
        .status(StatusCode::OK)
        .body(http_body_util::BodyExt::boxed(StreamBody::new(
            first.chain(rest),
        )))
        .expect("response")
}
