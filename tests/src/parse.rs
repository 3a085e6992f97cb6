//! Incremental parsers for the two streamed downlinks: Server-Sent Events (`sse`) and
//! newline-delimited JSON (`streaming`).
//!
//! Bytes arrive in arbitrary chunks (a packet may be split anywhere, even inside a UTF-8
//! sequence or between `\r` and `\n`), so both parsers buffer until a line is complete. They
//! only split; decoding packets is left to `tramline_protocol`, the one codec.

/// One dispatched SSE event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `id:` field of this event, if it had one.
    pub id: Option<String>,
    /// The `event:` field, if any (the protocol uses none).
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// An incremental `text/event-stream` parser following the HTML living standard's
/// interpretation rules: lines end with `\n`, `\r\n` or `\r`; lines starting with `:` are
/// comments; one optional space after the colon is dropped; an empty line dispatches the
/// event (events without data are not dispatched). One deliberate difference: `id` belongs to
/// the one event it precedes instead of persisting as the browser's last-event-ID, because the
/// client checks that each sequenced packet carries its own `id:` and unsequenced ones none.
#[derive(Debug, Default)]
pub struct SseParser {
    lines: LineBuffer,
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
    retry: Option<u64>,
    comments: usize,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Feeds a chunk and returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        for line in self.lines.feed(chunk) {
            self.line(&String::from_utf8_lossy(&line), &mut out);
        }
        out
    }

    /// The last `retry:` value seen, in milliseconds.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// How many comment lines (`:` ...) were seen, e.g. the padding prelude.
    pub fn comments(&self) -> usize {
        self.comments
    }

    fn line(&mut self, line: &str, out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            if let Some(data) = self.data.take() {
                out.push(SseEvent {
                    id: self.id.take(),
                    event: self.event.take(),
                    data,
                });
            }
            self.id = None;
            self.event = None;
            return;
        }
        if line.starts_with(':') {
            self.comments += 1;
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            "event" => self.event = Some(value.to_owned()),
            "retry" => {
                if let Ok(ms) = value.parse() {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
    }
}

/// Splits a `streaming` downlink into packet lines: `\n`-terminated, whitespace-only lines
/// (the 2 KiB prelude, keep-alive padding) skipped, a trailing `\r` removed.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
}

impl LineSplitter {
    /// A splitter at the start of a stream.
    pub fn new() -> LineSplitter {
        LineSplitter::default()
    }

    /// Feeds a chunk and returns the complete non-blank lines in it, without terminator.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for &b in chunk {
            if b == b'\n' {
                let mut line = std::mem::take(&mut self.partial);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if !line.iter().all(u8::is_ascii_whitespace) {
                    out.push(line);
                }
            } else {
                self.partial.push(b);
            }
        }
        out
    }

    /// Bytes received after the last `\n`: a stream that ends with a non-blank rest was cut
    /// in the middle of a packet.
    pub fn rest(&self) -> &[u8] {
        &self.partial
    }
}

/// Splits bytes into lines ending in `\n`, `\r\n` or `\r`, across chunk boundaries.
#[derive(Debug, Default)]
struct LineBuffer {
    partial: Vec<u8>,
    /// The previous chunk ended with `\r`: a `\n` starting this one belongs to it.
    after_cr: bool,
}

impl LineBuffer {
    fn feed(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for &b in chunk {
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            match b {
                b'\n' if after_cr => {}
                b'\n' => out.push(std::mem::take(&mut self.partial)),
                b'\r' => {
                    out.push(std::mem::take(&mut self.partial));
                    self.after_cr = true;
                }
                _ => self.partial.push(b),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tramline_protocol::{encode_sse, sse_prelude, streaming_prelude, to_text};
    use tramline_protocol::{encode_streaming, Args, Body, Event, Packet};

    fn event(seq: u64) -> Packet {
        Packet::sequenced(
            seq,
            Body::Event(Event {
                name: "say".into(),
                args: Args::new(r#"["a\nb"]"#, vec![]).unwrap(),
                ack: None,
            }),
        )
    }

    /// Feeds `bytes` one byte at a time: the worst chunking there is.
    fn bytewise<T>(bytes: &[u8], mut f: impl FnMut(&[u8]) -> Vec<T>) -> Vec<T> {
        bytes
            .iter()
            .flat_map(|b| f(std::slice::from_ref(b)))
            .collect()
    }

    #[test]
    fn sse_parses_the_servers_framing_in_any_chunking() {
        let mut stream = sse_prelude();
        encode_sse(&event(1), &mut stream);
        encode_sse(&Packet::control(Body::Ping { probe: false }), &mut stream);
        encode_sse(&event(2), &mut stream);

        for chunked in [false, true] {
            let mut p = SseParser::new();
            let events = if chunked {
                bytewise(&stream, |c| p.feed(c))
            } else {
                p.feed(&stream)
            };
            assert_eq!(p.retry(), Some(2000));
            assert_eq!(p.comments(), 1);
            let got: Vec<_> = events.iter().map(|e| e.id.as_deref()).collect();
            assert_eq!(got, [Some("1"), None, Some("2")]);
            assert_eq!(events[0].data.as_bytes(), to_text(&event(1)));
            assert_eq!(events[1].data, r#"{"type":"ping"}"#);
        }
    }

    #[test]
    fn sse_follows_the_standard_for_crlf_multiline_data_and_odd_fields() {
        let mut p = SseParser::new();
        let input = b"data:a\r\ndata: b\r\rid\r\n: c\n\nevent: x\ndata\nretry: no\n\n";
        let events = bytewise(input, |c| p.feed(c));
        assert_eq!(
            events,
            [
                SseEvent {
                    id: None,
                    event: None,
                    data: "a\nb".into()
                },
                SseEvent {
                    id: None,
                    event: Some("x".into()),
                    data: String::new()
                },
            ]
        );
        assert_eq!(p.retry(), None);
        // "id" with no value and an event without data dispatch nothing.
        assert!(p.feed(b"id: 5\n\n").is_empty());
    }

    #[test]
    fn streaming_skips_blank_lines_and_keeps_partial_packets() {
        let mut stream = streaming_prelude();
        encode_streaming(&event(1), &mut stream);
        stream.extend_from_slice(b"   \n\t\r\n");
        encode_streaming(&event(2), &mut stream);
        stream.extend_from_slice(br#"{"type":"pi"#);

        let mut s = LineSplitter::new();
        let lines = bytewise(&stream, |c| s.feed(c));
        assert_eq!(lines, [to_text(&event(1)), to_text(&event(2))]);
        assert_eq!(s.rest(), br#"{"type":"pi"#);
        assert_eq!(s.feed(b"ng\"}\r\n"), [br#"{"type":"ping"}"#.to_vec()]);
    }
}
