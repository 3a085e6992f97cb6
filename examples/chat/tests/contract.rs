//! The chat's event contract, end to end: the app runs in-process on 127.0.0.1:0 and tiny
//! protocol clients talk to it over WebSocket, built on `tramline_protocol`'s codec.
//!
//! Nothing here sleeps. "X did not receive anything" is checked with
//! [`Client::sync_and_expect_nothing`]: a round trip whose ack the server queues after
//! everything already sent to that client.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use example_chat::{Options, INDEX_HTML};
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
const WAIT: Duration = Duration::from_secs(5);

async fn start(options: Options) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(example_chat::run(listener, options, std::future::pending()));
    addr
}

/// One session over WebSocket. A reader task answers pings (with `rx`) and drops duplicates,
/// so that a test only sees events, acks and close packets, in order.
struct Client {
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
    async fn connect(addr: SocketAddr) -> Client {
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
    fn anon_name(&self) -> String {
        format!("anon-{}", &self.sid[..6])
    }

    async fn recv(&mut self) -> Packet {
        timeout(WAIT, self.inbox.recv())
            .await
            .expect("timed out waiting for the server")
            .expect("the connection ended")
    }

    /// Sends event `name` with one argument, asking for an ack; returns the ack's first
    /// argument, or the error ack's code as `Err`.
    async fn request(&mut self, name: &str, data: Value) -> Result<Value, String> {
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
    async fn ok(&mut self, name: &str, data: Value) -> Value {
        let ack = self.request(name, data).await.expect("error ack");
        assert_eq!(ack["ok"], true, "ack of {name}: {ack}");
        ack
    }

    /// The next event, which must be `name`; returns its argument.
    async fn expect(&mut self, name: &str) -> Value {
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
    async fn sync_and_expect_nothing(&mut self) {
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
    async fn close(self) {
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
    fn drop_connection(self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn text(packet: &Packet) -> Message {
    Message::text(String::from_utf8(to_text(packet)).unwrap())
}

fn first_arg(args: &Args) -> Value {
    let list: Vec<Value> = serde_json::from_slice(&args.json).unwrap();
    list.into_iter().next().unwrap_or(Value::Null)
}

async fn named(addr: SocketAddr, name: &str) -> Client {
    let mut c = Client::connect(addr).await;
    c.ok("nick", json!({ "name": name })).await;
    c
}

#[tokio::test]
async fn nick_accepts_names_up_to_32_chars() {
    let addr = start(Options::default()).await;
    let mut c = Client::connect(addr).await;
    let bad = json!({ "ok": false, "error": "bad-name" });
    assert_eq!(
        c.request("nick", json!({ "name": "ada" })).await,
        Ok(json!({ "ok": true }))
    );
    assert_eq!(
        c.request("nick", json!({ "name": "" })).await,
        Ok(bad.clone())
    );
    assert_eq!(
        c.request("nick", json!({ "name": "x".repeat(33) })).await,
        Ok(bad)
    );
    c.ok("nick", json!({ "name": "é".repeat(32) })).await;
    // A payload that does not decode gets the server's automatic error ack.
    assert_eq!(
        c.request("nick", json!({ "nom": "ada" })).await,
        Err("invalid-args".into())
    );
}

#[tokio::test]
async fn join_lists_sorted_members_and_tells_the_others() {
    let addr = start(Options::default()).await;
    let mut zoe = named(addr, "zoe").await;
    let mut bob = named(addr, "bob").await;
    let mut anon = Client::connect(addr).await;

    let ack = zoe.ok("join", json!({ "room": "lobby" })).await;
    assert_eq!(
        ack,
        json!({ "ok": true, "room": "lobby", "members": ["zoe"] })
    );
    let ack = bob.ok("join", json!({ "room": "lobby" })).await;
    assert_eq!(ack["members"], json!(["bob", "zoe"]));
    assert_eq!(
        zoe.expect("joined").await,
        json!({ "room": "lobby", "who": "bob" })
    );

    let ack = anon.ok("join", json!({ "room": "lobby" })).await;
    let who = anon.anon_name();
    assert_eq!(ack["members"], json!([who.clone(), "bob", "zoe"]));
    for c in [&mut zoe, &mut bob] {
        assert_eq!(
            c.expect("joined").await,
            json!({ "room": "lobby", "who": who })
        );
    }

    // Joining again changes nothing and tells no one; no one hears of their own join.
    let ack = bob.ok("join", json!({ "room": "lobby" })).await;
    assert_eq!(ack["members"], json!([who, "bob", "zoe"]));
    for c in [&mut zoe, &mut bob, &mut anon] {
        c.sync_and_expect_nothing().await;
    }
    assert_eq!(
        bob.request("join", json!({ "room": "" })).await,
        Ok(json!({ "ok": false, "error": "bad-room" }))
    );
    assert_eq!(
        bob.request("join", json!({ "room": 5 })).await,
        Err("invalid-args".into())
    );
}

#[tokio::test]
async fn renaming_updates_member_lists_and_messages() {
    let addr = start(Options::default()).await;
    let mut a = Client::connect(addr).await;
    a.ok("join", json!({ "room": "r" })).await;
    a.ok("nick", json!({ "name": "ann" })).await;
    a.ok("say", json!({ "room": "r", "text": "hi" })).await;
    assert_eq!(a.expect("message").await["from"], "ann");
    let mut b = named(addr, "ben").await;
    assert_eq!(
        b.ok("join", json!({ "room": "r" })).await["members"],
        json!(["ann", "ben"])
    );
}

#[tokio::test]
async fn say_reaches_every_member_with_increasing_ids() {
    let addr = start(Options::default()).await;
    let mut ann = named(addr, "ann").await;
    let mut ben = named(addr, "ben").await;
    let mut cat = named(addr, "cat").await;
    ann.ok("join", json!({ "room": "r" })).await;
    ben.ok("join", json!({ "room": "r" })).await;
    ann.expect("joined").await;
    cat.ok("join", json!({ "room": "elsewhere" })).await;

    let ack = ann.ok("say", json!({ "room": "r", "text": "hello" })).await;
    let id1 = ack["id"].as_u64().expect("integer id");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    for c in [&mut ann, &mut ben] {
        let m = c.expect("message").await;
        let ts = m["ts"].as_u64().expect("integer ts");
        assert!(
            ts.abs_diff(now) < 60_000,
            "ts {ts} is not unix millis near {now}"
        );
        assert_eq!(
            m,
            json!({ "room": "r", "from": "ann", "text": "hello", "id": id1, "ts": ts })
        );
    }

    let id2 = ben
        .ok("say", json!({ "room": "r", "text": "hi ann" }))
        .await["id"]
        .as_u64()
        .unwrap();
    assert!(id2 > id1);
    for c in [&mut ben, &mut ann] {
        let m = c.expect("message").await;
        assert_eq!(
            (m["id"].as_u64(), m["from"].as_str()),
            (Some(id2), Some("ben"))
        );
    }
    // Ids are server-wide: a message in another room gets the next one.
    let id3 = cat
        .ok("say", json!({ "room": "elsewhere", "text": "alone" }))
        .await["id"]
        .as_u64()
        .unwrap();
    assert!(id3 > id2);
    assert_eq!(cat.expect("message").await["id"], id3);
    for c in [&mut ann, &mut ben, &mut cat] {
        c.sync_and_expect_nothing().await;
    }
}

#[tokio::test]
async fn say_without_join_is_refused() {
    let addr = start(Options::default()).await;
    let mut ann = named(addr, "ann").await;
    let mut ben = named(addr, "ben").await;
    ann.ok("join", json!({ "room": "r" })).await;
    let refused = Ok(json!({ "ok": false, "error": "not-in-room" }));
    assert_eq!(
        ben.request("say", json!({ "room": "r", "text": "psst" }))
            .await,
        refused
    );
    assert_eq!(
        ben.request("say", json!({ "room": "nowhere", "text": "?" }))
            .await,
        refused
    );
    ann.sync_and_expect_nothing().await;
    ben.sync_and_expect_nothing().await;
}

#[tokio::test]
async fn leave_tells_the_others() {
    let addr = start(Options::default()).await;
    let mut ann = named(addr, "ann").await;
    let mut ben = named(addr, "ben").await;
    ann.ok("join", json!({ "room": "r" })).await;
    ben.ok("join", json!({ "room": "r" })).await;
    ann.expect("joined").await;

    assert_eq!(
        ben.request("leave", json!({ "room": "r" })).await,
        Ok(json!({ "ok": true }))
    );
    assert_eq!(
        ann.expect("left").await,
        json!({ "room": "r", "who": "ben" })
    );
    let refused = Ok(json!({ "ok": false, "error": "not-in-room" }));
    assert_eq!(
        ben.request("say", json!({ "room": "r", "text": "?" }))
            .await,
        refused
    );
    ann.ok("say", json!({ "room": "r", "text": "gone?" })).await;
    ann.expect("message").await;
    // Leaving a room one is not in is acked and tells no one.
    assert_eq!(
        ben.request("leave", json!({ "room": "r" })).await,
        Ok(json!({ "ok": true }))
    );
    ann.sync_and_expect_nothing().await;
    ben.sync_and_expect_nothing().await;
    assert_eq!(
        ann.ok("join", json!({ "room": "r" })).await["members"],
        json!(["ann"])
    );
}

#[tokio::test]
async fn closing_tells_the_others_in_every_room() {
    let addr = start(Options::default()).await;
    let mut ann = named(addr, "ann").await;
    let mut ben = named(addr, "ben").await;
    for room in ["r1", "r2"] {
        ann.ok("join", json!({ "room": room })).await;
        ben.ok("join", json!({ "room": room })).await;
        ann.expect("joined").await;
    }
    ben.close().await;
    let mut rooms = vec![];
    for _ in 0..2 {
        let left = ann.expect("left").await;
        assert_eq!(left["who"], "ben");
        rooms.push(left["room"].as_str().unwrap().to_owned());
    }
    rooms.sort();
    assert_eq!(rooms, ["r1", "r2"]);
    assert_eq!(
        ann.ok("join", json!({ "room": "r1" })).await["members"],
        json!(["ann"])
    );
}

#[tokio::test]
async fn dropped_connection_tells_the_others_after_the_grace_period() {
    // Short pings so that the abandoned session is reaped quickly (grace = interval + timeout).
    let addr = start(Options {
        ping_interval: Some(Duration::from_millis(200)),
        ping_timeout: Some(Duration::from_millis(1000)),
        ..Options::default()
    })
    .await;
    let mut ann = named(addr, "ann").await;
    let mut ben = Client::connect(addr).await;
    ann.ok("join", json!({ "room": "r" })).await;
    ben.ok("join", json!({ "room": "r" })).await;
    let who = ben.anon_name();
    assert_eq!(ann.expect("joined").await["who"], who);
    ben.drop_connection();
    assert_eq!(ann.expect("left").await, json!({ "room": "r", "who": who }));
}

/// A plain HTTP/1.1 GET; returns the status line, the lowercased header block and the body.
async fn http_get(addr: SocketAddr, path: &str) -> (String, String, String) {
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

#[tokio::test]
async fn the_page_is_served_at_the_root_and_anything_else_is_a_json_404() {
    let addr = start(Options::default()).await;
    let (status, headers, body) = http_get(addr, "/").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        headers.contains("content-type: text/html; charset=utf-8"),
        "{headers}"
    );
    assert_eq!(body, INDEX_HTML);

    let (status, headers, body) = http_get(addr, "/nope").await;
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"], "not-found");
}
