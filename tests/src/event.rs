//! Application-level views of received packets (events, acks, errors) and the conversion of
//! test-supplied JSON into protocol [`Args`]. Tests compare `serde_json::Value`s; the wire's
//! `{"$bin": i}` placeholders are left as they are, with the attachments beside them.

use bytes::Bytes;
use serde_json::Value;
use tramline_protocol::{Ack, Args, Body, ErrorBody, Event, Packet};

use crate::error::ClientError;

/// An `event` packet from the server.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedEvent {
    /// Its sequence number.
    pub seq: u64,
    /// Event name.
    pub name: String,
    /// The argument array (binary values appear as `{"$bin": i}`).
    pub args: Value,
    /// Attachments referred to by the placeholders.
    pub bins: Vec<Bytes>,
    /// The ack id, when the server wants an answer ([`Client::ack`](crate::Client::ack)).
    pub ack: Option<u64>,
}

/// An `ack` packet from the server: the answer to an event the client emitted.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedAck {
    /// Its sequence number.
    pub seq: u64,
    /// The ack id it answers.
    pub id: u64,
    /// The handler's values, or its error.
    pub result: Result<Value, ErrorBody>,
    /// Attachments of a successful result.
    pub bins: Vec<Bytes>,
}

impl ReceivedAck {
    /// The values of a successful ack; a failed one is turned into a readable error.
    pub fn ok(self) -> Result<Value, ClientError> {
        self.result.map_err(|e| {
            ClientError::Protocol(format!("ack {} failed: {}: {}", self.id, e.code, e.message))
        })
    }
}

/// Builds [`Args`] from a JSON array and attachments.
pub fn to_args(args: &Value, bins: Vec<Bytes>) -> Result<Args, ClientError> {
    if !args.is_array() {
        return Err(ClientError::Usage(format!(
            "args must be an array, got {args}"
        )));
    }
    let json = serde_json::to_vec(args).map_err(|e| ClientError::Usage(e.to_string()))?;
    Args::new(json, bins).ok_or_else(|| ClientError::Usage("args must be an array".into()))
}

/// Parses received [`Args`] into a JSON value.
pub fn from_args(args: &Args) -> Result<Value, ClientError> {
    serde_json::from_slice(&args.json)
        .map_err(|e| ClientError::Protocol(format!("args are not JSON: {e}")))
}

/// The event in `packet`, if it is one.
pub(crate) fn as_event(packet: &Packet) -> Option<Result<ReceivedEvent, ClientError>> {
    let Body::Event(Event { name, args, ack }) = &packet.body else {
        return None;
    };
    Some(from_args(args).map(|value| ReceivedEvent {
        seq: packet.seq.unwrap_or_default(),
        name: name.clone(),
        args: value,
        bins: args.bins.clone(),
        ack: *ack,
    }))
}

/// The ack in `packet`, if it is one.
pub(crate) fn as_ack(packet: &Packet) -> Option<Result<ReceivedAck, ClientError>> {
    let Body::Ack(Ack { id, result }) = &packet.body else {
        return None;
    };
    let seq = packet.seq.unwrap_or_default();
    Some(match result {
        Ok(args) => from_args(args).map(|value| ReceivedAck {
            seq,
            id: *id,
            result: Ok(value),
            bins: args.bins.clone(),
        }),
        Err(e) => Ok(ReceivedAck {
            seq,
            id: *id,
            result: Err(e.clone()),
            bins: Vec::new(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn args_round_trip_and_must_be_arrays() {
        let bins = vec![Bytes::from_static(b"\x00\x01")];
        let args = to_args(&json!([{"$bin": 0}, "x"]), bins.clone()).unwrap();
        assert_eq!(args.json_str(), r#"[{"$bin":0},"x"]"#);
        assert_eq!(args.bins, bins);
        assert_eq!(from_args(&args).unwrap(), json!([{"$bin": 0}, "x"]));
        assert!(matches!(
            to_args(&json!({"a": 1}), vec![]),
            Err(ClientError::Usage(_))
        ));
    }

    #[test]
    fn views_of_events_and_acks() {
        let p = Packet::sequenced(
            2,
            Body::Event(Event {
                name: "say".into(),
                args: to_args(&json!(["hi"]), vec![]).unwrap(),
                ack: Some(9),
            }),
        );
        let ev = as_event(&p).unwrap().unwrap();
        assert_eq!((ev.seq, ev.name.as_str(), ev.ack), (2, "say", Some(9)));
        assert_eq!(ev.args, json!(["hi"]));
        assert!(as_ack(&p).is_none());

        let failed = Packet::sequenced(
            3,
            Body::Ack(Ack {
                id: 9,
                result: Err(ErrorBody {
                    code: "invalid-args".into(),
                    message: "no".into(),
                }),
            }),
        );
        let ack = as_ack(&failed).unwrap().unwrap();
        assert_eq!((ack.seq, ack.id), (3, 9));
        assert!(ack.ok().is_err());
    }
}
