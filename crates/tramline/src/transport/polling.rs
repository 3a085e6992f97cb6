//! `polling`: each GET attaches as the downlink, waits until something is queued (a ping comes
//! every ping interval, so a poll never outlives it by much), answers with everything queued
//! as `\n`-separated packets, and detaches. The next GET's `rx` acknowledges what arrived, so a
//! response lost on the way is simply sent again. Uplink goes through the shared `POST /send`.

use std::sync::Arc;

use http::{Request, StatusCode};
use tramline_protocol::{encode_batch, Body, SharedPacket, TransportKind};

use super::{attach_downlink, replaced_packet, Attached, BATCH};
use crate::error::RequestError;
use crate::http::{respond, HttpResponse, TEXT};
use crate::server::ServerInner;
use crate::session::{Batch, Session};

/// Detaches the poll when its request ends, however it ends (including the client going away
/// while the poll is held).
struct DetachOnDrop<'a>(&'a Session, u64);

impl Drop for DetachOnDrop<'_> {
    fn drop(&mut self) {
        self.0.detach(self.1);
    }
}

pub(super) async fn handle<B>(
    server: &Arc<ServerInner>,
    req: Request<B>,
) -> Result<HttpResponse, RequestError> {
    let (socket, id) = match attach_downlink(server, req, TransportKind::Polling)? {
        Attached::Downlink(socket, id) => (socket, id),
        Attached::Refused(packet) => {
            return Ok(respond(StatusCode::OK, TEXT, encode_batch([&packet])))
        }
    };
    let session = socket.session();
    let _attached = DetachOnDrop(session, id);
    // Bounded by the heartbeat: a ping is queued at least every ping interval.
    let hold = server.config.ping_interval + server.config.ping_timeout;
    let packets = match tokio::time::timeout(hold, session.next_batch(id, BATCH)).await {
        Ok(Batch::Packets { packets, .. }) => packets,
        Ok(Batch::Replaced) => vec![replaced_packet()],
        Err(_) => vec![SharedPacket::control(Body::Noop)],
        Ok(Batch::Ended) => {
            return Err(RequestError::new(
                tramline_protocol::ErrorCode::UnknownSession,
                "unknown or expired session",
            ))
        }
    };
    Ok(respond(StatusCode::OK, TEXT, encode_batch(&packets)))
}
