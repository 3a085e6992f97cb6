//! `sse`: a `text/event-stream` downlink; each packet is one SSE event whose `id:` is its
//! sequence number, so a browser's automatic reconnect resumes exactly via `Last-Event-ID`
//! (read in `client_rx`). The stream starts with a 2 KiB comment and a `retry:` field.
//! Uplink goes through the shared `POST /send`.

use tramline_protocol::{encode_sse, sse_prelude, TransportKind};

use super::StreamFraming;

pub(super) const FRAMING: StreamFraming = StreamFraming {
    kind: TransportKind::Sse,
    content_type: "text/event-stream",
    prelude: sse_prelude,
    frame: encode_sse,
    recycles: false,
};
