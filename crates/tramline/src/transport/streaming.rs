//! `streaming`: one long chunked response, for browsers and proxies without SSE. It starts with
//! a 2 KiB whitespace prelude (old browsers fire no progress event before that, and some
//! proxies start forwarding only then); then one packet per line. An old browser keeps the
//! whole response text in memory, so a response ends after `streaming_response_limit_bytes`
//! and the client opens the next one with its `rx`: nothing is lost, memory is freed. Uplink
//! goes through the shared `POST /send`.

use tramline_protocol::{encode_streaming, streaming_prelude, TransportKind};

use super::StreamFraming;
use crate::http::TEXT;

pub(super) const FRAMING: StreamFraming = StreamFraming {
    kind: TransportKind::Streaming,
    content_type: TEXT,
    prelude: streaming_prelude,
    frame: encode_streaming,
    recycles: true,
};
