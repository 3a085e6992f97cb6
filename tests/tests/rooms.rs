//! Rooms across transports: one room holding a websocket, an sse, a streaming and a polling
//! client (and an outsider on websocket), over real TCP.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};
use tramline::{Adapter, Builder, LocalAdapter, Target, Tramline};
use tramline_tests::{wait_until, Client, MemoryDialer, OpenOpts, TestServer, TransportKind};

const P: &str = "/realtime";
const ROOM: &str = "r";

#[derive(Deserialize)]
struct Shout {
    room: String,
    text: String,
}

fn app() -> Builder {
    Tramline::builder().on_connection(|socket| async move {
        socket.on("join", |s, room: String| async move { s.join(room) });
        socket.on("shout", |s, m: Shout| async move {
            s.to(m.room)
                .emit("shout", &m.text)
                .map_err(|e| e.to_string())
        });
        socket.on("announce", |s, m: Shout| async move {
            s.server()
                .to(m.room)
                .emit("announce", &m.text)
                .map_err(|e| e.to_string())
        });
    })
}

/// The four transports, each joined to the room; and an outsider.
async fn clients<D: tramline_tests::Dialer + Clone>(dialer: &D) -> (Vec<Client>, Client) {
    let mut members = Vec::new();
    for t in TransportKind::ALL {
        let c = Client::open(dialer, P, t, OpenOpts::default())
            .await
            .unwrap_or_else(|e| panic!("open {t}: {e}"));
        let ack = c.request("join", json!([ROOM]), vec![]).await.unwrap();
        ack.ok().unwrap();
        members.push(c);
    }
    let outsider = Client::open(dialer, P, TransportKind::Websocket, OpenOpts::default())
        .await
        .unwrap();
    (members, outsider)
}

async fn next_name(c: &Client) -> (String, Value) {
    let ev = c
        .next_event()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", c.transport()));
    (ev.name, ev.args)
}

#[tokio::test]
async fn a_room_broadcast_reaches_every_transport_and_only_the_room() {
    let ts = TestServer::tcp(app()).await;
    let (members, outsider) = clients(&ts.dialer).await;
    ts.server.to(ROOM).emit("news", &1).unwrap();
    ts.server.emit("all", &2).unwrap();
    for c in &members {
        assert_eq!(
            next_name(c).await,
            ("news".into(), json!([1])),
            "{}",
            c.transport()
        );
        assert_eq!(next_name(c).await.0, "all", "{}", c.transport());
    }
    // The outsider's first event is the one to everybody: the room's never reached it.
    assert_eq!(next_name(&outsider).await, ("all".into(), json!([2])));
}

#[tokio::test]
async fn socket_to_room_skips_the_sender() {
    let ts = TestServer::tcp(app()).await;
    let (members, outsider) = clients(&ts.dialer).await;
    for (i, sender) in members.iter().enumerate() {
        let text = format!("from {}", sender.transport());
        let ack = sender
            .request("shout", json!([{"room": ROOM, "text": text}]), vec![])
            .await
            .unwrap();
        ack.ok().unwrap();
        ts.server.to(ROOM).emit("marker", &i).unwrap();
        for c in &members {
            if std::ptr::eq(c, sender) {
                assert_eq!(next_name(c).await.0, "marker", "sender {}", c.transport());
            } else {
                assert_eq!(next_name(c).await, ("shout".into(), json!([text])));
                assert_eq!(next_name(c).await.0, "marker");
            }
        }
    }
    ts.server.emit("all", &0).unwrap();
    assert_eq!(next_name(&outsider).await.0, "all");
}

#[tokio::test]
async fn except_room_skips_its_members() {
    let ts = TestServer::tcp(app()).await;
    let (members, outsider) = clients(&ts.dialer).await;
    ts.server.except(ROOM).emit("outside", &1).unwrap();
    ts.server.emit("all", &2).unwrap();
    for c in &members {
        assert_eq!(next_name(c).await.0, "all", "{}", c.transport());
    }
    assert_eq!(next_name(&outsider).await.0, "outside");
    assert_eq!(next_name(&outsider).await.0, "all");
}

/// Paused time over in-memory connections: the count is checked in small virtual steps.
#[tokio::test(start_paused = true)]
async fn rooms_are_left_when_a_session_ends() {
    let adapter = Arc::new(LocalAdapter::default());
    let ts = TestServer::memory(app().adapter(adapter.clone()));
    let dialer: MemoryDialer = ts.dialer.clone();
    let (members, outsider) = clients(&dialer).await;
    let target = Target {
        rooms: vec![ROOM.to_owned()],
        ..Target::default()
    };
    assert_eq!(adapter.members(&target).len(), 4);
    let step = Duration::from_millis(10);
    let max = Duration::from_secs(120);
    for (i, c) in members.iter().enumerate() {
        let sid = c.sid().to_owned();
        let t = c.transport();
        if i % 2 == 0 {
            c.close().await.unwrap();
        } else {
            // Abandoned: the session ends with its grace period.
            c.cut_downlink().await.unwrap();
        }
        let left = wait_until(step, max, || adapter.rooms_of(&sid).is_empty()).await;
        assert!(left, "{t}: still in {:?}", adapter.rooms_of(&sid));
        assert_eq!(adapter.members(&target).len(), 3 - i, "{t}");
    }
    drop(members);
    assert!(wait_until(step, max, || ts.server.session_count() == 1).await);
    drop(outsider);
}

#[tokio::test]
async fn socket_server_to_room_includes_the_sender() {
    let ts = TestServer::tcp(app()).await;
    let (members, outsider) = clients(&ts.dialer).await;
    for (i, sender) in members.iter().enumerate() {
        let text = format!("from {}", sender.transport());
        let ack = sender
            .request("announce", json!([{ "room": ROOM, "text": text }]), vec![])
            .await
            .unwrap();
        ack.ok().unwrap();
        // Every member, the sender included, gets it.
        for c in &members {
            assert_eq!(
                next_name(c).await,
                ("announce".into(), json!([text])),
                "sender {i}, receiver {}",
                c.transport()
            );
        }
    }
    // The outsider got none of them: its first event is this one.
    ts.server.emit("all", &0).unwrap();
    assert_eq!(next_name(&outsider).await, ("all".into(), json!([0])));
}
