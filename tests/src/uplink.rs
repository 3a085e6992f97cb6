//! The sending half of [`Client`]: application packets (numbered, kept for replay, carrying
//! `rx`), control packets, and raw bytes for malformed-input tests.
//!
//! Everything goes through the session's one uplink lock, so a send waits for the POST in
//! flight and packets leave in `seq` order. Raw sends bypass numbering and the replay buffer
//! on purpose: they are how a test breaks the protocol.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use serde_json::Value;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::{Ack, Body, Close, CloseCode, ErrorBody, Event, Packet};

use crate::client::Client;
use crate::error::ClientError;
use crate::event::{to_args, ReceivedAck};
use crate::http::HttpResponse;
use crate::session::Uplink;

impl Client {
    /// Emits event `name` with `args` (a JSON array) and attachments (referred to in `args`
    /// as `{"$bin": i}`); returns once the uplink took it (a POST answered 200, or a
    /// WebSocket message written).
    pub async fn emit(&self, name: &str, args: Value, bins: Vec<Bytes>) -> Result<(), ClientError> {
        self.emit_inner(name, &args, bins, None).await
    }

    /// Like [`emit`](Self::emit), asking for an ack; returns the ack id to pass to
    /// [`wait_ack`](Self::wait_ack).
    pub async fn emit_with_ack(
        &self,
        name: &str,
        args: Value,
        bins: Vec<Bytes>,
    ) -> Result<u64, ClientError> {
        let id = self.next_ack_id.fetch_add(1, Ordering::Relaxed) + 1;
        self.emit_inner(name, &args, bins, Some(id)).await?;
        Ok(id)
    }

    /// Emits with an ack request and waits for the ack.
    pub async fn request(
        &self,
        name: &str,
        args: Value,
        bins: Vec<Bytes>,
    ) -> Result<ReceivedAck, ClientError> {
        let id = self.emit_with_ack(name, args, bins).await?;
        self.wait_ack(id).await
    }

    async fn emit_inner(
        &self,
        name: &str,
        args: &Value,
        bins: Vec<Bytes>,
        ack: Option<u64>,
    ) -> Result<(), ClientError> {
        let args = to_args(args, bins)?;
        let body = Body::Event(Event {
            name: name.to_owned(),
            args,
            ack,
        });
        self.shared.send_sequenced(body).await.map(drop)
    }

    /// Answers the server's event that asked for ack `id`.
    pub async fn ack(&self, id: u64, args: Value) -> Result<(), ClientError> {
        let result = Ok(to_args(&args, Vec::new())?);
        let body = Body::Ack(Ack { id, result });
        self.shared.send_sequenced(body).await.map(drop)
    }

    /// Answers the server's event with an error ack.
    pub async fn ack_error(&self, id: u64, code: &str, message: &str) -> Result<(), ClientError> {
        let result = Err(ErrorBody {
            code: code.to_owned(),
            message: message.to_owned(),
        });
        self.shared
            .send_sequenced(Body::Ack(Ack { id, result }))
            .await
            .map(drop)
    }

    /// Sends a pong with `rx` now (for tests that turned auto-pong off).
    pub async fn pong(&self) -> Result<(), ClientError> {
        self.shared.send_control(Body::Pong { probe: false }).await
    }

    /// Sends a `noop` carrying `rx` now.
    pub async fn report_rx(&self) -> Result<(), ClientError> {
        self.shared.send_control(Body::Noop).await
    }

    /// Sends `packet` exactly as given (no numbering, no `rx`, not kept for replay).
    pub async fn send_packet(&self, packet: Packet) -> Result<(), ClientError> {
        self.send_packets(&[packet]).await
    }

    /// Sends packets exactly as given: one POST body for HTTP transports, one WebSocket
    /// message each on a websocket.
    pub async fn send_packets(&self, packets: &[Packet]) -> Result<(), ClientError> {
        let mut up = self.shared.lock_uplink().await?;
        self.shared.send_on(&mut up, packets).await
    }

    /// Sends arbitrary bytes on the uplink: as a POST body (its response is returned,
    /// whatever the status), or on a websocket as a text message if they are UTF-8 and a
    /// binary one otherwise (`None` is returned).
    pub async fn send_raw(
        &self,
        bytes: impl Into<Bytes>,
    ) -> Result<Option<HttpResponse>, ClientError> {
        let bytes = bytes.into();
        let msg = match std::str::from_utf8(&bytes) {
            Ok(text) => Message::Text(text.into()),
            Err(_) => Message::Binary(bytes.clone()),
        };
        let mut up = self.shared.lock_uplink().await?;
        match &mut *up {
            Uplink::Http => Ok(Some(self.shared.post_send(bytes).await?)),
            Uplink::Ws(_) => self.send_ws_locked(&mut up, msg).await.map(|()| None),
            Uplink::Closed(why) => Err(ClientError::NotConnected(why)),
        }
    }

    /// Sends one WebSocket message as given (a websocket uplink only).
    pub async fn send_ws_message(&self, msg: Message) -> Result<(), ClientError> {
        let mut up = self.shared.lock_uplink().await?;
        self.send_ws_locked(&mut up, msg).await
    }

    async fn send_ws_locked(&self, up: &mut Uplink, msg: Message) -> Result<(), ClientError> {
        match up {
            Uplink::Ws(sink) => self.shared.ws_send(sink, msg).await,
            Uplink::Closed(why) => Err(ClientError::NotConnected(why)),
            Uplink::Http => Err(ClientError::Usage("the uplink is not a websocket".into())),
        }
    }

    /// Closes the session: a close packet with code 4000 (and, on a websocket, a close
    /// frame 4000). Afterwards nothing can be sent; what the server still sends can be read.
    pub async fn close(&self) -> Result<(), ClientError> {
        let reason = "client closed";
        let mut up = self.shared.lock_uplink().await?;
        let close = Body::Close(Close {
            code: CloseCode::NORMAL,
            reason: reason.to_owned(),
        });
        let packet = Packet::control(close).with_rx(self.rx());
        self.shared.send_on(&mut up, &[packet]).await?;
        if let Uplink::Ws(sink) = &mut *up {
            let frame = CloseFrame {
                code: CloseCode::NORMAL.0.into(),
                reason: reason.into(),
            };
            self.shared
                .ws_send(sink, Message::Close(Some(frame)))
                .await?;
        }
        *up = Uplink::Closed("closed by the client");
        Ok(())
    }
}
