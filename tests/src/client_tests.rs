//! Tests of [`Client`] against the scripted fake server in `fake.rs`, over in-memory
//! connections with paused time: every transport, receiver rules, automatic answers, and
//! the switches (upgrade, cut, fallback).

use std::time::Duration;

use bytes::Bytes;
use serde_json::json;
use tramline_protocol::{Body, Event, Packet, TransportKind, ACK_EVERY};

use crate::fake::{Fake, SID};
use crate::{Client, ClientError, OpenOpts};

const HTTP: [TransportKind; 3] = [
    TransportKind::Sse,
    TransportKind::Streaming,
    TransportKind::Polling,
];

async fn open(fake: &std::sync::Arc<Fake>, t: TransportKind) -> Client {
    Client::open(&fake.dialer(), "/rt", t, OpenOpts::default())
        .await
        .unwrap_or_else(|e| panic!("open on {t}: {e}"))
}

fn names(fake: &Fake) -> Vec<String> {
    fake.seen(|s| {
        s.received
            .iter()
            .map(|p| match &p.body {
                Body::Event(Event { name, .. }) => name.clone(),
                other => other.type_name().to_owned(),
            })
            .collect()
    })
}

#[tokio::test(start_paused = true)]
async fn every_transport_opens_emits_acks_and_receives() {
    for t in TransportKind::ALL {
        let fake = Fake::new();
        let client = open(&fake, t).await;
        assert_eq!((client.sid(), client.transport()), (SID, t));
        assert_eq!(client.handshake().ping_interval, 25_000);

        let ack = client
            .request("echo", json!(["hi", 1]), vec![])
            .await
            .unwrap();
        assert_eq!((ack.id, ack.seq), (1, 1), "{t}");
        assert_eq!(ack.ok().unwrap(), json!(["hi", 1]));

        fake.emit("news", r#"[{"n":1}]"#);
        let ev = client.wait_event("news").await.unwrap();
        assert_eq!((ev.seq, ev.args), (2, json!([{"n": 1}])));
        assert_eq!(client.rx(), 2);
        assert_eq!(names(&fake), ["echo"]);
        assert_eq!(client.unacked(), 0, "{t}: the server's rx trims the buffer");

        // Attachments: inline base64 on text transports, a binary frame on a websocket.
        let bins = vec![Bytes::from_static(b"\x00\xff"), Bytes::new()];
        let args = json!([{"$bin": 0}, {"$bin": 1}]);
        let ack = client
            .request("echo", args.clone(), bins.clone())
            .await
            .unwrap();
        assert_eq!((ack.bins, ack.result), (bins, Ok(args)), "{t}");
    }
}

#[tokio::test(start_paused = true)]
async fn duplicates_are_dropped_and_gaps_are_errors() {
    for t in TransportKind::ALL {
        let fake = Fake::new();
        let client = open(&fake, t).await;
        fake.emit("a", "[]");
        fake.emit("b", "[]");
        assert_eq!(client.next_event().await.unwrap().name, "a");
        // A late copy of packet 1 (as from a retired downlink) is dropped silently.
        fake.send_raw(fake.sent()[0].clone());
        fake.emit("c", "[]");
        assert_eq!(client.next_event().await.unwrap().name, "b");
        assert_eq!(client.next_event().await.unwrap().name, "c");

        let skipped = Packet::sequenced(9, fake.sent()[0].body.clone());
        fake.send_raw(skipped);
        let err = client.next_packet().await.unwrap_err();
        assert!(
            matches!(
                err,
                ClientError::SeqGap {
                    expected: 4,
                    got: 9
                }
            ),
            "{t}: {err}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn pings_are_answered_unless_auto_pong_is_off() {
    for t in TransportKind::ALL {
        let fake = Fake::new();
        let client = open(&fake, t).await;
        fake.emit("a", "[]");
        fake.send_raw(Packet::control(Body::Ping { probe: false }));
        assert_eq!(client.next_event().await.unwrap().name, "a");
        let p = client.next_packet().await;
        assert_eq!(
            p.unwrap_or_else(|e| panic!("{t}: {e}")).body,
            Body::Ping { probe: false }
        );
        fake.wait_until(|s| s.pongs == 1 && s.client_rx == 1).await;

        client.set_auto_pong(false);
        fake.send_raw(Packet::control(Body::Ping { probe: false }));
        let p = client.next_packet().await.unwrap();
        assert_eq!(p.body, Body::Ping { probe: false });
        // Give the client every chance to answer (paused time: the runtime goes idle).
        assert!(client
            .next_packet_within(Duration::from_secs(1))
            .await
            .unwrap()
            .is_none());
        assert_eq!(fake.seen(|s| s.pongs), 1, "{t}");
        client.pong().await.unwrap();
        fake.wait_until(|s| s.pongs == 2).await;
    }
}

#[tokio::test(start_paused = true)]
async fn rx_is_reported_every_ack_every_packets() {
    let fake = Fake::new();
    let client = open(&fake, TransportKind::Websocket).await;
    for _ in 0..ACK_EVERY {
        fake.emit("tick", "[]");
    }
    fake.wait_until(|s| s.noops == 1 && s.client_rx == ACK_EVERY)
        .await;
    assert_eq!(client.rx(), ACK_EVERY);
}

#[tokio::test(start_paused = true)]
async fn upgrade_from_each_http_transport_is_exact() {
    for t in HTTP {
        let fake = Fake::new();
        let client = open(&fake, t).await;
        client.emit("before", json!([]), vec![]).await.unwrap();
        fake.emit("a", "[]");
        assert_eq!(client.next_event().await.unwrap().name, "a");
        fake.emit("b", "[]");

        client.upgrade_to_websocket().await.unwrap();
        assert_eq!(client.transport(), TransportKind::Websocket);
        client.emit("after", json!([]), vec![]).await.unwrap();
        fake.emit("c", "[]");
        assert_eq!(client.next_event().await.unwrap().name, "b", "{t}");
        assert_eq!(client.next_event().await.unwrap().name, "c", "{t}");
        // Nothing else: no duplicate, and the old downlink's 4409 is not surfaced (the noop
        // ending the last poll may show).
        let more = loop {
            match client.next_packet_within(Duration::from_secs(1)).await {
                Ok(Some(p)) if p.body == tramline_protocol::Body::Noop => {}
                other => break other,
            }
        };
        assert!(matches!(more, Ok(None)), "{t}: {more:?}");
        fake.wait_until(|s| s.received.len() == 2).await;
        assert_eq!(names(&fake), ["before", "after"]);
        assert_eq!(fake.seen(|s| s.duplicates), 0);
        if t != TransportKind::Polling {
            assert_eq!(fake.seen(|s| s.downlinks), 2, "{t}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_cut_websocket_falls_back_without_loss_or_duplicates() {
    for t in TransportKind::ALL {
        let fake = Fake::new();
        let client = open(&fake, TransportKind::Websocket).await;
        fake.emit("a", "[]");
        assert_eq!(client.next_event().await.unwrap().name, "a");

        client.cut_websocket().await.unwrap();
        assert!(matches!(
            client.next_packet().await,
            Err(ClientError::Disconnected(_))
        ));
        // Sent while cut: kept for the replay.
        let err = client
            .emit("offline", json!([1]), vec![])
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::NotConnected(_)), "{err}");
        assert_eq!(client.unacked(), 1);
        fake.emit("missed", "[]");

        client.fall_back(t).await.unwrap();
        assert_eq!(client.transport(), t);
        assert_eq!(client.next_event().await.unwrap().name, "missed", "{t}");
        fake.wait_until(|s| s.received.len() == 1).await;
        // The server's rx comes back in a POST answer, or piggybacked on its next packet.
        fake.emit("carrier", "[]");
        assert_eq!(client.next_event().await.unwrap().name, "carrier");
        assert_eq!(client.unacked(), 0, "{t}");
        client.emit("online", json!([]), vec![]).await.unwrap();
        fake.wait_until(|s| s.received.len() == 2).await;
        assert_eq!(names(&fake), ["offline", "online"]);
        assert_eq!(fake.seen(|s| s.duplicates), 0, "{t}");

        // And back up again.
        client.upgrade_to_websocket().await.unwrap();
        fake.emit("z", "[]");
        assert_eq!(client.next_event().await.unwrap().name, "z");
    }
}

#[tokio::test(start_paused = true)]
async fn a_replaced_current_downlink_reports_4409() {
    let fake = Fake::new();
    let client = open(&fake, TransportKind::Sse).await;
    // Another downlink for the same session, as a second tab or a proxy retry would open.
    let path = format!("/rt/sse?sid={SID}&rx=0");
    let _other = crate::open_stream(&fake.dialer(), http::Method::GET, &path, &[], "")
        .await
        .unwrap();
    let close = client.wait_close().await.unwrap();
    assert_eq!(close.code.0, 4409);
    let end = client.next_packet().await.unwrap_err();
    assert!(matches!(end, ClientError::Disconnected(_)), "{end}");
}

#[tokio::test(start_paused = true)]
async fn filtered_waits_keep_what_they_skip() {
    let fake = Fake::new();
    let client = open(&fake, TransportKind::Streaming).await;
    fake.emit("first", "[]");
    let id = client
        .emit_with_ack("echo", json!([7]), vec![])
        .await
        .unwrap();
    fake.emit("second", "[]");
    assert_eq!(client.wait_event("second").await.unwrap().seq, 3);
    assert_eq!(client.wait_ack(id).await.unwrap().ok().unwrap(), json!([7]));
    assert_eq!(client.next_event().await.unwrap().name, "first");
    let quiet = client.next_packet_within(Duration::from_millis(100)).await;
    assert!(matches!(quiet, Ok(None)));
}

#[tokio::test(start_paused = true)]
async fn raw_sends_reach_the_server_as_is() {
    let fake = Fake::new();
    let client = open(&fake, TransportKind::Polling).await;
    let resp = client.send_raw("not json").await.unwrap().unwrap();
    assert_eq!(resp.status, 400);
    assert_eq!(resp.error_code().as_deref(), Some("malformed-packet"));
    client
        .send_packet(Packet::control(Body::Noop))
        .await
        .unwrap();
    fake.wait_until(|s| s.noops == 1).await;
}

#[tokio::test(start_paused = true)]
async fn after_close_nothing_can_be_sent() {
    for t in TransportKind::ALL {
        let fake = Fake::new();
        let client = open(&fake, t).await;
        client.close().await.unwrap();
        let err = client.emit("late", json!([]), vec![]).await.unwrap_err();
        assert!(matches!(err, ClientError::NotConnected(_)), "{t}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_over_tcp_on_loopback() {
    for t in TransportKind::ALL {
        // The fake serves one session: one fake (and listener) per client.
        let fake = Fake::new();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let dialer = crate::TcpDialer(listener.local_addr().unwrap());
        let server = fake.clone();
        let accept = tokio::spawn(async move {
            while let Ok((io, _)) = listener.accept().await {
                server.serve(io);
            }
        });
        let client = Client::open(&dialer, "/rt", t, OpenOpts::default())
            .await
            .unwrap();
        let ack = client
            .request("echo", json!([t.as_str()]), vec![])
            .await
            .unwrap();
        assert_eq!(ack.ok().unwrap(), json!([t.as_str()]));
        if t != TransportKind::Websocket {
            client.upgrade_to_websocket().await.unwrap();
        }
        fake.emit("bye", "[]");
        client.wait_event("bye").await.unwrap();
        let missing = crate::http_request(&dialer, http::Method::GET, "/nope", &[], "")
            .await
            .unwrap();
        assert_eq!(missing.status, 404);
        accept.abort();
    }
}

#[tokio::test(start_paused = true)]
async fn reading_can_be_paused_for_backpressure() {
    let fake = Fake::new();
    let client = open(&fake, TransportKind::Websocket).await;
    client.set_reading(false);
    fake.emit("a", "[]");
    fake.emit("b", "[]");
    // At most the read that was in progress completes; then nothing more is read.
    let mut names = Vec::new();
    while let Some(p) = client
        .next_packet_within(Duration::from_secs(5))
        .await
        .unwrap()
    {
        names.push(crate::event::as_event(&p).unwrap().unwrap().name);
    }
    assert!(names.len() <= 1, "{names:?}");
    client.set_reading(true);
    while names.len() < 2 {
        names.push(client.next_event().await.unwrap().name);
    }
    assert_eq!(names, ["a", "b"]);
}
