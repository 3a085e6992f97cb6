//! Background readers, one per attached downlink: they turn a WebSocket, an SSE stream, a
//! streaming response or a sequence of long polls into packets and hand each to
//! [`Shared::deliver`].
//!
//! Each reader is tagged with the generation of the attachment it serves. A reader never
//! decides what is current: it reports everything, and `Shared` ignores a retired reader's
//! replacement close and its end. A reader never retries on its own; reconnecting is the
//! test's decision (`Client::fall_back`), so every reconnection in a test is explicit.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::SplitStream;
use futures_util::StreamExt as _;
use http::{Method, StatusCode};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::{
    decode_batch, decode_binary_frame, decode_text, Body, Packet, TransportKind,
};

use crate::error::{ClientError, DownlinkEnd};
use crate::http::{open_stream, timed, StreamingResponse, WsStream};
use crate::parse::{LineSplitter, SseParser};
use crate::session::{Incoming, Shared};

/// Starts reading a WebSocket's downlink half.
pub(crate) fn spawn_ws(
    shared: Arc<Shared>,
    gen: u64,
    mut ws: SplitStream<WsStream>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut closed = false;
        let mut gate = shared.read_gate.subscribe();
        while shared.may_read(&mut gate).await {
            let Some(msg) = ws.next().await else { break };
            match msg {
                Ok(Message::Text(text)) => match decode_batch(text.as_bytes()) {
                    Ok(packets) => {
                        for p in packets {
                            shared.deliver(gen, p).await;
                        }
                    }
                    Err(e) => shared.push(Incoming::Error(e.into())),
                },
                Ok(Message::Binary(frame)) => match decode_binary_frame(&frame) {
                    Ok(p) => shared.deliver(gen, p).await,
                    Err(e) => shared.push(Incoming::Error(e.into())),
                },
                Ok(Message::Close(frame)) => {
                    // Keep polling afterwards so tungstenite completes the close handshake.
                    closed = true;
                    shared.end(gen, close_end(frame));
                }
                Ok(_) => {}
                Err(e) => {
                    if !closed {
                        shared.end(gen, DownlinkEnd::Error(format!("websocket: {e}")));
                    }
                    return;
                }
            }
        }
        if !closed {
            shared.end(gen, DownlinkEnd::Eof);
        }
    })
}

/// Reads a WebSocket until a message with packets arrives (during the handshake and the
/// upgrade probe, before a reader task owns the socket), within `timeout`.
pub(crate) async fn ws_read_packets(
    ws: &mut WsStream,
    timeout: Duration,
) -> Result<Vec<Packet>, ClientError> {
    timed(timeout, "a websocket message", async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => return Ok(decode_batch(text.as_bytes())?),
                Some(Ok(Message::Binary(frame))) => return Ok(vec![decode_binary_frame(&frame)?]),
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = match frame {
                        Some(f) => (Some(u16::from(f.code)), f.reason.to_string()),
                        None => (None, String::new()),
                    };
                    return Err(ClientError::Disconnected(DownlinkEnd::WsClose {
                        code,
                        reason,
                    }));
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Err(ClientError::Disconnected(DownlinkEnd::Eof)),
            }
        }
    })
    .await
}

fn close_end(frame: Option<CloseFrame>) -> DownlinkEnd {
    let (code, reason) = match frame {
        Some(f) => (Some(u16::from(f.code)), f.reason.to_string()),
        None => (None, String::new()),
    };
    DownlinkEnd::WsClose { code, reason }
}

/// Attaches an HTTP downlink (`GET {prefix}/{kind}?sid=..&rx=..`) and starts reading it.
/// For `sse` and `streaming` the response head is awaited, so a refusal is returned here; a
/// long poll answers only when there is something to say, so the poller reports its own.
pub(crate) async fn attach_http(
    shared: &Arc<Shared>,
    gen: u64,
    kind: TransportKind,
) -> Result<JoinHandle<()>, ClientError> {
    let shared = Arc::clone(shared);
    match kind {
        TransportKind::Polling => Ok(tokio::spawn(poll_loop(shared, gen))),
        TransportKind::Sse | TransportKind::Streaming => {
            let resp = timed(
                shared.timeout(),
                "the downlink response head",
                get(&shared, kind),
            )
            .await?;
            if resp.status != StatusCode::OK {
                return Err(ClientError::Http(Box::new(resp.collect().await?)));
            }
            Ok(tokio::spawn(read_stream(shared, gen, kind, resp)))
        }
        TransportKind::Websocket => Err(ClientError::Usage(
            "a websocket is not an HTTP downlink".into(),
        )),
    }
}

async fn get(shared: &Shared, kind: TransportKind) -> Result<StreamingResponse, ClientError> {
    let rx = shared.state.lock().recv.report();
    let path = format!("{}/{}?sid={}&rx={}", shared.prefix, kind, shared.sid, rx);
    open_stream(
        &*shared.dialer,
        Method::GET,
        &path,
        &shared.header_refs(),
        "",
    )
    .await
}

async fn read_stream(
    shared: Arc<Shared>,
    gen: u64,
    kind: TransportKind,
    mut resp: StreamingResponse,
) {
    let mut sse = SseParser::new();
    let mut lines = LineSplitter::new();
    let mut gate = shared.read_gate.subscribe();
    loop {
        if !shared.may_read(&mut gate).await {
            return;
        }
        let chunk = match resp.next_chunk_unbounded().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => return shared.end(gen, DownlinkEnd::Error(e.to_string())),
        };
        if kind == TransportKind::Sse {
            for event in sse.feed(&chunk) {
                match sse_packet(&event.data, event.id.as_deref()) {
                    Ok(p) => shared.deliver(gen, p).await,
                    Err(e) => shared.push(Incoming::Error(e)),
                }
            }
        } else {
            for line in lines.feed(&chunk) {
                match decode_text(&line) {
                    Ok(p) => shared.deliver(gen, p).await,
                    Err(e) => shared.push(Incoming::Error(e.into())),
                }
            }
        }
    }
    if !lines.rest().iter().all(u8::is_ascii_whitespace) {
        let rest = String::from_utf8_lossy(lines.rest()).into_owned();
        shared.push(Incoming::Error(ClientError::Protocol(format!(
            "streaming downlink ended inside a packet: {rest:?}"
        ))));
    }
    shared.end(gen, DownlinkEnd::Eof);
}

/// Decodes an SSE event's data and checks its `id:` against the packet's `seq`: sequenced
/// packets must carry their `seq` as id (it is what `Last-Event-ID` resumes from), others none.
pub(crate) fn sse_packet(data: &str, id: Option<&str>) -> Result<Packet, ClientError> {
    let packet = decode_text(data.as_bytes())?;
    let expected = packet.seq.map(|s| s.to_string());
    if expected.as_deref() != id {
        return Err(ClientError::Protocol(format!(
            "SSE event id {id:?} does not match seq {:?} of {data}",
            packet.seq
        )));
    }
    Ok(packet)
}

/// Long polls until the session closes, the poll is answered with a close (e.g. 4409 when
/// another downlink replaced it), or the attachment is retired.
async fn poll_loop(shared: Arc<Shared>, gen: u64) {
    /// Clears `poll_busy` however the loop ends (return or abort).
    struct Idle<'a>(&'a Shared);
    impl Drop for Idle<'_> {
        fn drop(&mut self) {
            self.0.poll_busy.send_replace(false);
        }
    }
    let _idle = Idle(&shared);
    let mut gate = shared.poll_gate.subscribe();
    let mut reading = shared.read_gate.subscribe();
    loop {
        let open = gate.wait_for(|open| *open).await.is_ok();
        if !open || !shared.may_read(&mut reading).await || shared.state.lock().gen != gen {
            return;
        }
        shared.poll_busy.send_replace(true);
        let resp = match get(&shared, TransportKind::Polling).await {
            Ok(resp) => resp.collect_unbounded().await,
            Err(e) => Err(e),
        };
        let resp = match resp {
            Ok(resp) => resp,
            Err(e) => return shared.end(gen, DownlinkEnd::Error(e.to_string())),
        };
        if resp.status != StatusCode::OK {
            let (status, body) = (resp.status.as_u16(), resp.text());
            return shared.end(gen, DownlinkEnd::Http { status, body });
        }
        let packets = match decode_batch(&resp.body) {
            Ok(packets) => packets,
            Err(e) => {
                shared.push(Incoming::Error(e.into()));
                continue;
            }
        };
        let mut closed = false;
        for p in packets {
            closed |= matches!(p.body, Body::Close(_));
            shared.deliver(gen, p).await;
        }
        if closed {
            return shared.end(gen, DownlinkEnd::Eof);
        }
        shared.poll_busy.send_replace(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tramline_protocol::{Args, Event};

    #[test]
    fn sse_ids_must_match_sequence_numbers() {
        let ev = r#"{"type":"event","seq":3,"name":"a","args":[]}"#;
        let p = sse_packet(ev, Some("3")).unwrap();
        assert_eq!(
            p,
            Packet::sequenced(
                3,
                Body::Event(Event {
                    name: "a".into(),
                    args: Args::empty(),
                    ack: None
                })
            )
        );
        assert!(sse_packet(ev, None).is_err());
        assert!(sse_packet(ev, Some("4")).is_err());
        assert!(sse_packet(r#"{"type":"ping"}"#, None).is_ok());
        assert!(sse_packet(r#"{"type":"ping"}"#, Some("1")).is_err());
        assert!(matches!(sse_packet("{", None), Err(ClientError::Decode(_))));
    }
}
