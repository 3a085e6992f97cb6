//! `sse`: a `text/event-stream` downlink; each packet is one SSE event whose `id:` is its
//! sequence number, so a browser's automatic reconnect resumes exactly via `Last-Event-ID`.
//! Uplink goes through the shared `POST /send`.

use std::sync::Arc;

use http::{Request, Response};
use switchyard_protocol::{encode_sse, sse_prelude, TransportKind};

use super::{attach_error_packet, client_rx, lookup, spawn_stream};
use crate::error::RequestError;
use crate::http::{respond, stream_headers, HttpResponse, ResponseBody};
use crate::server::ServerInner;

pub(super) fn handle<B>(
    server: &Arc<ServerInner>,
    req: Request<B>,
) -> Result<HttpResponse, RequestError> {
    let (parts, _body) = req.into_parts();
    let socket = lookup(server, &parts.uri)?;
    let rx = client_rx(&parts)?;
    let session = socket.session().clone();
    let id = match session.attach(TransportKind::Sse, rx) {
        Ok(id) => id,
        Err(e) => {
            let mut out = sse_prelude();
            encode_sse(&attach_error_packet(e)?, &mut out);
            return Ok(respond(http::StatusCode::OK, "text/event-stream", out));
        }
    };
    let body = spawn_stream(
        session,
        id,
        server.config.write_timeout,
        sse_prelude(),
        encode_sse,
    );
    let mut res = Response::new(ResponseBody::stream(body));
    stream_headers(res.headers_mut(), "text/event-stream");
    Ok(res)
}
