//! The protocol test client the contract tests share: one WebSocket session built on
//! `tramline_protocol`'s codec, the in-process server, and a plain HTTP GET.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use example_chat::Options;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::{
    decode_batch, decode_binary_frame, decode_text, to_text, Args, Body, Close, CloseCode, Connect,
    Event, Packet,
};

/// The bound of every wait on the server.
pub(crate) const WAIT: Duration = Duration::from_secs(5);

pub(crate) async fn start(options: Options) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(example_chat::run(listener, options, std::future::pending()));
    addr
}

/// One session over WebSocket. A reader task answers pings (with `rx`) and drops duplicates,
/// so that a test only sees events, acks and close packets, in order.
pub(crate) struct Client {
    sid: String,
    out: mpsc::UnboundedSender<Message>,
    inbox: mpsc::UnboundedReceiver<Packet>,
    /// Events that arrived while waiting for an ack.
    pending: VecDeque<(String, Value)>,
    rx: Arc<AtomicU64>,
    seq: u64,
    next_ack: u64,
    tasks: Vec<JoinHandle<()>>,
}

impl Client {
    pub(crate) async fn connect(addr: SocketAddr) -> Client {
        let url = format!("ws://{addr}/realtime/websocket");
        let (mut ws, _) = timeout(WAIT, tokio_tungstenite::connect_async(url))
            .await
            .expect("websocket connect timed out")
            .expect("websocket connect failed");
        let connect = Packet::control(Body::Connect(Connect::default()));
        timeout(WAIT, ws.send(text(&connect)))
            .await
            .unwrap()
            .unwrap();
        let first = timeout(WAIT, ws.next())
            .await
            .expect("no open packet")
            .unwrap()
            .unwrap();
        let Body::Open(handshake) = decode_text(first.to_text().unwrap().as_bytes())
            .unwrap()
            .body
        else {
            panic!("expected an open packet, got {first:?}");
        };
        let (mut sink, mut stream) = ws.split();
        let (out, mut out_rx) = mpsc::unbounded_channel::<Message>();
        let (in_tx, inbox) = mpsc::unbounded_channel();
        let rx = Arc::new(AtomicU64::new(0));
        let writer = tokio::spawn(async move {
            while let Some(m) = out_rx.recv().await {
                if sink.send(m).await.is_err() {
                    break;
                }
            }
        });
        let (pong_out, reader_rx) = (out.clone(), rx.clone());
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                let packets = match &message {
                    Message::Text(t) => decode_batch(t.as_bytes()).expect("bad text frame"),
                    Message::Binary(b) => vec![decode_binary_frame(b).expect("bad binary frame")],
                    _ => continue,
                };
                for packet in packets {
                    if let Some(seq) = packet.seq {
                        let seen = reader_rx.load(Ordering::SeqCst);
                        if seq <= seen {
                            continue;
                        }
                        assert_eq!(seq, seen + 1, "sequence gap");
                        reader_rx.store(seq, Ordering::SeqCst);
                    }
                    match packet.body {
                        Body::Ping { probe: false } => {
                            let pong = Packet::control(Body::Pong { probe: false });
                            let _ = pong_out
                                .send(text(&pong.with_rx(reader_rx.load(Ordering::SeqCst))));
                        }
                        Body::Event(_) | Body::Ack(_) | Body::Error(_) | Body::Close(_) => {
                            let _ = in_tx.send(packet);
                        }
                        _ => {}
                    }
                }
            }
        });
        Client {
            sid: handshake.sid,
            out,
            inbox,
            pending: VecDeque::new(),
            rx,
            seq: 0,
            next_ack: 0,
            tasks: vec![writer, reader],
        }
    }

    /// The name the server gives this client before it picks a nick.
    pub(crate) fn anon_name(&self) -> String {
        format!("anon-{}", &self.sid[..6])
    }

    pub(crate) async fn recv(&mut self) -> Packet {
        timeout(WAIT, self.inbox.recv())
            .await
            .expect("timed out waiting for the server")
            .expect("the connection ended")
    }

    /// Sends event `name` with one argument, asking for an ack; returns the ack's first
    /// argument, or the error ack's code as `Err`.
    pub(crate) async fn request(&mut self, name: &str, data: Value) -> Result<Value, String> {
        self.seq += 1;
        self.next_ack += 1;
        let id = self.next_ack;
        let args = Args::new(serde_json::to_vec(&json!([data])).unwrap(), vec![]).unwrap();
        let event = Event {
            name: name.to_owned(),
            args,
            ack: Some(id),
        };
        let packet =
            Packet::sequenced(self.seq, Body::Event(event)).with_rx(self.rx.load(Ordering::SeqCst));
        self.out.send(text(&packet)).unwrap();
        loop {
            match self.recv().await.body {
                Body::Event(e) => self.pending.push_back((e.name, first_arg(&e.args))),
                Body::Ack(ack) if ack.id == id => {
                    return ack.result.map(|a| first_arg(&a)).map_err(|e| e.code)
                }
                other => panic!("expected the ack of {name:?}, got {other:?}"),
            }
        }
    }

    /// A request that must succeed with `{"ok": true, ...}`; returns the ack.
    pub(crate) async fn ok(&mut self, name: &str, data: Value) -> Value {
        let ack = self.request(name, data).await.expect("error ack");
        assert_eq!(ack["ok"], true, "ack of {name}: {ack}");
        ack
    }

    /// The next event, which must be `name`; returns its argument.
    pub(crate) async fn expect(&mut self, name: &str) -> Value {
        let (got, data) = match self.pending.pop_front() {
            Some(e) => e,
            None => match self.recv().await.body {
                Body::Event(e) => (e.name, first_arg(&e.args)),
                other => panic!("expected event {name:?}, got {other:?}"),
            },
        };
        assert_eq!(got, name, "unexpected event {got:?}: {data}");
        data
    }

    /// A round trip; afterwards, everything the server sent this client before handling it
    /// has arrived. Fails when any event is left unexpected.
    pub(crate) async fn sync_and_expect_nothing(&mut self) {
        assert_eq!(
            self.request("sync", Value::Null).await,
            Err("no-handler".to_owned())
        );
        assert!(
            self.pending.is_empty(),
            "unexpected events: {:?}",
            self.pending
        );
    }

    /// Ends the session cleanly with a close packet.
    pub(crate) async fn close(self) {
        let close = Packet::control(Body::Close(Close {
            code: CloseCode::NORMAL,
            reason: "bye".into(),
        }));
        self.out.send(text(&close)).unwrap();
        // The server ends the connection once it has the close packet.
        let [writer, reader]: [JoinHandle<()>; 2] = self.tasks.try_into().unwrap();
        timeout(WAIT, reader)
            .await
            .expect("the server kept the connection")
            .unwrap();
        writer.abort();
    }

    /// Drops the TCP connection without a goodbye.
    pub(crate) fn drop_connection(self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

pub(crate) fn text(packet: &Packet) -> Message {
    Message::text(String::from_utf8(to_text(packet)).unwrap())
}

pub(crate) fn first_arg(args: &Args) -> Value {
    let list: Vec<Value> = serde_json::from_slice(&args.json).unwrap();
    list.into_iter().next().unwrap_or(Value::Null)
}

pub(crate) async fn named(addr: SocketAddr, name: &str) -> Client {
    let mut c = Client::connect(addr).await;
    c.ok("nick", json!({ "name": name })).await;
    c
}

/// A plain HTTP/1.1 GET; returns the status line, the lowercased header block and the body.
pub(crate) async fn http_get(addr: SocketAddr, path: &str) -> (String, String, String) {
    let mut tcp = timeout(WAIT, TcpStream::connect(addr))
        .await
        .unwrap()
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    timeout(WAIT, tcp.write_all(request.as_bytes()))
        .await
        .unwrap()
        .unwrap();
    let mut raw = Vec::new();
    timeout(WAIT, tcp.read_to_end(&mut raw))
        .await
        .unwrap()
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("no header end");
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (
        status.to_owned(),
        headers.to_ascii_lowercase(),
        body.to_owned(),
    )
}
