//! `streaming`: one long chunked response, for browsers and proxies without SSE. It starts with
//! a 2 KiB whitespace prelude (old browsers fire no progress event before that, and some
//! proxies start forwarding only then); then one packet per line. Uplink goes through the
//! shared `POST /send`.

use std::sync::Arc;

use http::{Request, Response};
use switchyard_protocol::{encode_streaming, streaming_prelude, TransportKind};

use super::{attach_error_packet, client_rx, lookup, spawn_stream};
use crate::error::RequestError;
use crate::http::{respond, stream_headers, HttpResponse, ResponseBody, TEXT};
use crate::server::ServerInner;

pub(super) fn handle<B>(
    server: &Arc<ServerInner>,
    req: Request<B>,
) -> Result<HttpResponse, RequestError> {
    let (parts, _body) = req.into_parts();
    let socket = lookup(server, &parts.uri)?;
    let rx = client_rx(&parts)?;
    let session = socket.session().clone();
    let id = match session.attach(TransportKind::Streaming, rx) {
        Ok(id) => id,
        Err(e) => {
            let mut out = streaming_prelude();
            encode_streaming(&attach_error_packet(e)?, &mut out);
            return Ok(respond(http::StatusCode::OK, TEXT, out));
        }
    };
    let body = spawn_stream(
        session,
        id,
        server.config.write_timeout,
        streaming_prelude(),
        encode_streaming,
    );
    let mut res = Response::new(ResponseBody::stream(body));
    stream_headers(res.headers_mut(), TEXT);
    Ok(res)
}
