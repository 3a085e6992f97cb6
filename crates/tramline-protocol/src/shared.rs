//! Packets whose body is encoded once and shared: the form a server keeps in its outbound
//! queues.
//!
//! A broadcast to ten thousand sessions sends the same body in ten thousand packets that differ
//! only in their envelope (`seq`, `rx`). A [`SharedBody`] encodes the body's JSON once, when it
//! is created; cloning it is a reference count, and writing a [`SharedPacket`] writes the
//! envelope and copies the encoded body. The bytes are exactly those of [`crate::encode_text`]
//! for the equivalent [`Packet`] (the golden tests check it), so a client cannot tell them
//! apart.

use std::sync::Arc;

use crate::encode::{attachments, body_fields, encode_websocket, envelope};
use crate::packet::{Body, Packet};
use crate::WsMessage;

/// A packet that can be written as one line of JSON text: a [`Packet`] or a [`SharedPacket`].
/// The framing functions ([`crate::encode_sse`], [`crate::encode_streaming`],
/// [`crate::encode_batch`]) take either.
pub trait TextPacket {
    /// The packet's sequence number, if it is sequenced.
    fn seq(&self) -> Option<u64>;
    /// Appends the packet as JSON text (no trailing newline), attachments inline as base64.
    fn encode_text(&self, out: &mut Vec<u8>);
}

impl TextPacket for Packet {
    fn seq(&self) -> Option<u64> {
        self.seq
    }

    fn encode_text(&self, out: &mut Vec<u8>) {
        crate::encode::encode_text(self, out);
    }
}

/// A [`Body`] and its JSON text, encoded once. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SharedBody(Arc<Encoded>);

#[derive(Debug)]
struct Encoded {
    body: Body,
    /// The body's fields after the envelope, and the closing brace, attachments as base64.
    text: Box<[u8]>,
}

impl SharedBody {
    /// Encodes `body`.
    pub fn new(body: Body) -> SharedBody {
        let mut text = Vec::with_capacity(64);
        body_fields(&body, true, &mut text);
        SharedBody(Arc::new(Encoded {
            body,
            text: text.into_boxed_slice(),
        }))
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.0.body
    }

    /// Whether the body has binary attachments (sent as a binary frame on a WebSocket).
    pub fn has_attachments(&self) -> bool {
        !attachments(&self.0.body).is_empty()
    }

    /// Length of the encoded body text, for sizing buffers.
    pub fn text_len(&self) -> usize {
        self.0.text.len()
    }
}

impl From<Body> for SharedBody {
    fn from(body: Body) -> SharedBody {
        SharedBody::new(body)
    }
}

/// A packet whose body is a [`SharedBody`].
#[derive(Debug, Clone)]
pub struct SharedPacket {
    /// Sequence number; present exactly on sequenced bodies.
    pub seq: Option<u64>,
    /// Cumulative acknowledgement.
    pub rx: Option<u64>,
    /// The encoded body.
    pub body: SharedBody,
}

impl SharedPacket {
    /// An unsequenced packet with no `rx`.
    pub fn control(body: impl Into<SharedBody>) -> SharedPacket {
        SharedPacket {
            seq: None,
            rx: None,
            body: body.into(),
        }
    }

    /// A sequenced packet.
    pub fn sequenced(seq: u64, body: SharedBody) -> SharedPacket {
        SharedPacket {
            seq: Some(seq),
            rx: None,
            body,
        }
    }

    /// The equivalent [`Packet`] (clones the body).
    pub fn to_packet(&self) -> Packet {
        Packet {
            seq: self.seq,
            rx: self.rx,
            body: self.body.body().clone(),
        }
    }

    /// The packet as a WebSocket message, as [`crate::encode_websocket`] would encode it.
    /// Text packets are better written with [`TextPacket::encode_text`] into a shared frame.
    pub fn encode_websocket(&self) -> WsMessage {
        if self.body.has_attachments() {
            encode_websocket(&self.to_packet())
        } else {
            let mut out = Vec::with_capacity(24 + self.body.text_len());
            self.encode_text(&mut out);
            WsMessage::Text(out)
        }
    }
}

impl TextPacket for SharedPacket {
    fn seq(&self) -> Option<u64> {
        self.seq
    }

    fn encode_text(&self, out: &mut Vec<u8>) {
        envelope(self.body.body().type_name(), self.seq, self.rx, out);
        out.extend_from_slice(&self.body.0.text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{Args, Event};
    use crate::to_text;

    #[test]
    fn a_shared_packet_encodes_exactly_like_the_packet() {
        let body = Body::Event(Event {
            name: "m\n\"x\"".into(),
            args: Args::new(
                "[1,\n{\"a\":\"b\"}]",
                vec![bytes::Bytes::from_static(b"\x00\xff")],
            )
            .unwrap(),
            ack: Some(9),
        });
        let shared = SharedBody::new(body.clone());
        for (seq, rx) in [(None, None), (Some(1), None), (Some(u64::MAX), Some(7))] {
            let packet = Packet {
                seq,
                rx,
                body: body.clone(),
            };
            let sp = SharedPacket {
                seq,
                rx,
                body: shared.clone(),
            };
            let mut text = Vec::new();
            sp.encode_text(&mut text);
            assert_eq!(text, to_text(&packet));
            assert_eq!(sp.encode_websocket(), encode_websocket(&packet));
            assert_eq!(sp.to_packet(), packet);
        }
    }
}
