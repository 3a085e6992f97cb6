//! The Tramline protocol (docs/protocol.md) as a lean client: a fast scanner for the two
//! packets a benchmark receives by the million (`event` and `ack`, in the key order the server
//! writes), the full `tramline-protocol` decoder for everything else, sequence bookkeeping
//! shared by all transports ([`Seq`]), and the websocket session ([`SyWs`]).

use std::fmt::Write as _;
use std::sync::Arc;

use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::{decode_binary_frame, decode_text, Body, Packet, ACK_EVERY};

use super::{first_u64, leading_u64, ws_close, ws_feed, ws_next, Item, Opts, Out};
use crate::error::{bail, timed, Result};
use crate::net::{ws_connect, Target, Watchdog, Ws, IO_TIMEOUT};

/// What one line (one packet) says, as far as the benchmark cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line {
    Event {
        seq: u64,
        m: bool,
    },
    Ack {
        seq: u64,
        id: u64,
        ts: Option<u64>,
        ok: bool,
    },
    /// Another sequenced packet (`error`).
    Sequenced(u64),
    Ping,
    Close(String),
    Other,
}

/// Classifies one packet. Packets in the server's usual layout (`type`, `seq`, `rx`, then the
/// body fields) are scanned without decoding; anything else goes through the real decoder.
pub(crate) fn scan(line: &[u8]) -> Result<Line> {
    if let Some(line) = scan_fast(line) {
        return Ok(line);
    }
    let packet: Packet = decode_text(line)?;
    Ok(classify(packet))
}

fn classify(packet: Packet) -> Line {
    let seq = packet.seq.unwrap_or(0);
    match packet.body {
        Body::Event(e) => Line::Event {
            seq,
            m: e.name == "m",
        },
        Body::Ack(a) => Line::Ack {
            seq,
            id: a.id,
            ts: a
                .result
                .as_ref()
                .ok()
                .and_then(|args| first_u64(&args.json)),
            ok: a.result.is_ok(),
        },
        Body::Error(_) => Line::Sequenced(seq),
        Body::Ping { .. } => Line::Ping,
        Body::Close(c) => Line::Close(format!("{} {}", c.code, c.reason)),
        _ => Line::Other,
    }
}

fn scan_fast(line: &[u8]) -> Option<Line> {
    fn after_seq(rest: &[u8]) -> Option<(u64, &[u8])> {
        let (seq, rest) = leading_u64(rest)?;
        match rest.strip_prefix(b",\"rx\":") {
            Some(rx) => Some((seq, leading_u64(rx)?.1)),
            None => Some((seq, rest)),
        }
    }
    if let Some(rest) = line.strip_prefix(br#"{"type":"event","seq":"#) {
        let (seq, rest) = after_seq(rest)?;
        let name = rest.strip_prefix(br#","name":""#)?;
        let end = name.iter().position(|&b| b == b'"' || b == b'\\')?;
        return (name[end] == b'"').then_some(Line::Event {
            seq,
            m: &name[..end] == b"m",
        });
    }
    let rest = line.strip_prefix(br#"{"type":"ack","seq":"#)?;
    let (seq, rest) = after_seq(rest)?;
    let (id, rest) = leading_u64(rest.strip_prefix(br#","id":"#)?)?;
    if let Some(args) = rest.strip_prefix(br#","args":"#) {
        return Some(Line::Ack {
            seq,
            id,
            ts: first_u64(args),
            ok: true,
        });
    }
    rest.starts_with(br#","error":"#).then_some(Line::Ack {
        seq,
        id,
        ts: None,
        ok: false,
    })
}

/// Sequence numbers in both directions and what is owed to the server.
#[derive(Debug, Default)]
pub(crate) struct Seq {
    /// The last `seq` this client sent.
    sent: u64,
    /// The highest `seq` received without a gap.
    pub(crate) rx: u64,
    /// The last `rx` reported to the server.
    reported: u64,
    pong_due: bool,
}

impl Seq {
    /// Handles one received packet line.
    pub(crate) fn on_line(&mut self, line: &[u8], sink: &mut impl FnMut(Item)) -> Result<()> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        self.on(scan(line)?, sink)
    }

    pub(crate) fn on(&mut self, line: Line, sink: &mut impl FnMut(Item)) -> Result<()> {
        match line {
            Line::Event { seq, m } => {
                if self.accept(seq)? && m {
                    sink(Item::Message);
                }
            }
            Line::Ack { seq, id, ts, ok } => {
                if self.accept(seq)? {
                    sink(Item::Ack { id, ts, ok });
                }
            }
            Line::Sequenced(seq) => {
                self.accept(seq)?;
            }
            Line::Ping => self.pong_due = true,
            Line::Close(why) => bail!("the server closed the session: {why}"),
            Line::Other => {}
        }
        Ok(())
    }

    fn accept(&mut self, seq: u64) -> Result<bool> {
        if seq <= self.rx {
            return Ok(false); // a replayed duplicate
        }
        if seq != self.rx + 1 {
            bail!("sequence gap: received seq {seq} after {}", self.rx);
        }
        self.rx = seq;
        Ok(true)
    }

    /// The control packet owed, if any: a pong, or a noop carrying `rx` once `ACK_EVERY`
    /// sequenced packets went unreported (`report_rx` false when the transport reports `rx`
    /// by itself, as polling does in every GET).
    pub(crate) fn control(&mut self, report_rx: bool) -> Option<String> {
        let kind = if self.pong_due {
            "pong"
        } else if report_rx && self.rx - self.reported >= ACK_EVERY {
            "noop"
        } else {
            return None;
        };
        self.pong_due = false;
        self.reported = self.rx;
        Some(format!(r#"{{"type":"{kind}","rx":{}}}"#, self.rx))
    }

    /// Notes that `rx` went to the server by other means (a polling GET).
    pub(crate) fn reported(&mut self) {
        self.reported = self.rx;
    }

    /// Encodes the next event, with `rx` piggybacked.
    pub(crate) fn event(&mut self, out: Out<'_>) -> String {
        self.sent += 1;
        self.reported = self.rx;
        let mut s = String::with_capacity(96);
        let (seq, rx) = (self.sent, self.rx);
        let _ = match out {
            Out::Publish { payload, ack } => write!(
                s,
                r#"{{"type":"event","seq":{seq},"rx":{rx},"name":"publish","args":["{payload}"],"ack":{ack}}}"#
            ),
            Out::Echo { ts, ack } => write!(
                s,
                r#"{{"type":"event","seq":{seq},"rx":{rx},"name":"echo","args":[{ts}],"ack":{ack}}}"#
            ),
        };
        s
    }
}

/// The client's `close` packet.
pub(crate) const CLOSE: &str = r#"{"type":"close","code":4000,"reason":"benchmark over"}"#;

/// A session on a websocket opened with `connect` (protocol section 5B).
#[derive(Debug)]
pub(crate) struct SyWs {
    ws: Ws,
    seq: Seq,
    dog: Watchdog,
}

impl SyWs {
    pub(crate) async fn open(target: &Arc<Target>, opts: &Opts) -> Result<SyWs> {
        let path = format!("{}/websocket", target.prefix.trim_end_matches('/'));
        let mut ws = ws_connect(target, &path, opts.read.clone()).await?;
        ws_feed(&mut ws, r#"{"type":"connect"}"#.to_owned()).await?;
        super::ws_flush(&mut ws).await?;
        let mut conn = SyWs {
            ws,
            seq: Seq::default(),
            dog: Watchdog::default(),
        };
        let mut opened = false;
        timed(IO_TIMEOUT, "the open packet", async {
            while !opened {
                match ws_next(&mut conn.ws, &mut conn.dog).await? {
                    Message::Text(t) => {
                        for line in t.as_bytes().split(|&b| b == b'\n') {
                            if line.starts_with(br#"{"type":"open""#) {
                                opened = true;
                            } else {
                                conn.seq.on_line(line, &mut |_| {})?;
                            }
                        }
                    }
                    other => bail!("expected the open packet, got {other:?}"),
                }
            }
            Ok(())
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
                for line in t.as_bytes().split(|&b| b == b'\n') {
                    self.seq.on_line(line, sink)?;
                }
            }
            Message::Binary(frame) => self.seq.on(classify(decode_binary_frame(&frame)?), sink)?,
            _ => {}
        }
        Ok(())
    }

    pub(crate) async fn flush_control(&mut self) -> Result<()> {
        if let Some(packet) = self.seq.control(true) {
            ws_feed(&mut self.ws, packet).await?;
            super::ws_flush(&mut self.ws).await?;
        }
        Ok(())
    }

    pub(crate) async fn feed(&mut self, out: Out<'_>) -> Result<()> {
        let text = self.seq.event(out);
        ws_feed(&mut self.ws, text).await
    }

    pub(crate) async fn close(mut self) -> Result<()> {
        let _ = ws_feed(&mut self.ws, CLOSE.to_owned()).await;
        ws_close(&mut self.ws).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tramline_protocol::{to_text, Ack, Args, ErrorBody, Event};

    fn event(seq: u64, rx: Option<u64>, name: &str, args: &str, ack: Option<u64>) -> Packet {
        let p = Packet::sequenced(
            seq,
            Body::Event(Event {
                name: name.into(),
                args: Args::new(args.to_owned(), vec![]).unwrap(),
                ack,
            }),
        );
        match rx {
            Some(rx) => p.with_rx(rx),
            None => p,
        }
    }

    #[test]
    fn fast_scan_agrees_with_the_decoder() {
        let ack = |seq, result| Packet::sequenced(seq, Body::Ack(Ack { id: 9, result }));
        let err = ErrorBody {
            code: "x".into(),
            message: "y".into(),
        };
        let cases = [
            event(1, None, "m", r#"["xx"]"#, None),
            event(2, Some(5), "m", r#"["xx"]"#, None),
            event(3, None, "mm", "[]", Some(4)),
            event(4, None, "a\"m", "[]", None),
            ack(5, Ok(Args::new("[123]", vec![]).unwrap())),
            ack(6, Ok(Args::empty())).with_rx(2),
            ack(7, Err(err)),
        ];
        for p in cases {
            let bytes = to_text(&p);
            let slow = classify(decode_text(&bytes).unwrap());
            assert_eq!(
                scan(&bytes).unwrap(),
                slow,
                "{}",
                String::from_utf8_lossy(&bytes)
            );
            if let Some(fast) = scan_fast(&bytes) {
                assert_eq!(fast, slow);
            }
        }
        assert!(scan_fast(&to_text(&event(1, None, "m", "[]", None))).is_some());
        assert_eq!(scan(br#"{"type":"ping"}"#).unwrap(), Line::Ping);
        assert!(scan(b"{").is_err());
    }

    #[test]
    fn events_we_encode_decode_as_intended() {
        let mut seq = Seq {
            rx: 3,
            ..Seq::default()
        };
        let text = seq.event(Out::Publish {
            payload: "xyz",
            ack: 7,
        });
        assert_eq!(
            decode_text(text.as_bytes()).unwrap(),
            event(1, Some(3), "publish", r#"["xyz"]"#, Some(7))
        );
        let text = seq.event(Out::Echo { ts: 42, ack: 8 });
        assert_eq!(
            decode_text(text.as_bytes()).unwrap(),
            event(2, Some(3), "echo", "[42]", Some(8))
        );
    }

    #[test]
    fn sequence_rules_and_owed_control_packets() {
        let mut seq = Seq::default();
        let mut got = Vec::new();
        let mut sink = |i| got.push(i);
        for n in 1..=ACK_EVERY {
            let line = to_text(&event(n, None, "m", "[]", None));
            seq.on_line(&line, &mut sink).unwrap();
        }
        // A duplicate is dropped; a gap is an error.
        seq.on_line(&to_text(&event(2, None, "m", "[]", None)), &mut sink)
            .unwrap();
        assert!(seq
            .on_line(
                &to_text(&event(ACK_EVERY + 2, None, "m", "[]", None)),
                &mut sink
            )
            .is_err());
        assert_eq!(got.len() as u64, ACK_EVERY);
        assert_eq!(seq.control(false), None);
        assert_eq!(
            seq.control(true).as_deref(),
            Some(r#"{"type":"noop","rx":64}"#)
        );
        assert_eq!(seq.control(true), None);
        seq.on_line(br#"{"type":"ping"}"#, &mut |_| {}).unwrap();
        assert_eq!(
            seq.control(false).as_deref(),
            Some(r#"{"type":"pong","rx":64}"#)
        );
        let close = br#"{"type":"close","code":4429,"reason":"slow"}"#;
        assert!(seq.on_line(close, &mut |_| {}).is_err());
    }
}
