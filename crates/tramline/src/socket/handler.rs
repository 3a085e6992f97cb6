//! Event handlers with typed arguments, erased so that one map holds handlers of any type.
//!
//! A handler is `Fn(Socket, T) -> impl Future<Output = R>` where `T` is decoded with serde from
//! the event's first argument and `R: IntoAck` is sent back when the client asked for an ack.
//! Decoding happens before user code runs; a failure is reported, never dropped silently.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use tramline_protocol::{Args, ErrorBody};

use super::Socket;
use crate::binary;

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What a handler answers: ack arguments, or an error sent as an error ack.
#[derive(Debug)]
pub struct AckValue(pub(crate) Result<Args, ErrorBody>);

impl AckValue {
    /// An error answer with a machine-readable `code` and a `message`.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> AckValue {
        AckValue(Err(ErrorBody {
            code: code.into(),
            message: message.into(),
        }))
    }

    /// An answer of one value.
    pub fn value<T: Serialize + ?Sized>(value: &T) -> AckValue {
        match binary::to_args(value) {
            Ok((json, bins)) => AckValue(Ok(Args::new(json, bins).unwrap_or_else(Args::empty))),
            Err(e) => AckValue::error("handler-error", format!("could not serialise ack: {e}")),
        }
    }
}

/// Turns a handler's return value into its ack.
pub trait IntoAck {
    /// Converts.
    fn into_ack(self) -> AckValue;
}

impl IntoAck for () {
    fn into_ack(self) -> AckValue {
        AckValue(Ok(Args::empty()))
    }
}

impl IntoAck for AckValue {
    fn into_ack(self) -> AckValue {
        self
    }
}

impl IntoAck for serde_json::Value {
    fn into_ack(self) -> AckValue {
        AckValue::value(&self)
    }
}

impl<T: Serialize, E: fmt::Display> IntoAck for Result<T, E> {
    fn into_ack(self) -> AckValue {
        match self {
            Ok(v) => AckValue::value(&v),
            Err(e) => AckValue::error("handler-error", e.to_string()),
        }
    }
}

/// A handler with its argument type erased.
pub(crate) trait ErasedHandler: Send + Sync + 'static {
    /// Decodes the arguments and starts the handler, or says why the arguments are invalid.
    fn call(&self, socket: Socket, args: &Args) -> Result<BoxFuture<AckValue>, String>;
}

pub(crate) struct Typed<F, T> {
    f: F,
    _arg: PhantomData<fn(T)>,
}

impl<F, T> Typed<F, T> {
    pub(crate) fn new(f: F) -> Self {
        Typed {
            f,
            _arg: PhantomData,
        }
    }
}

impl<F, T, Fut, R> ErasedHandler for Typed<F, T>
where
    F: Fn(Socket, T) -> Fut + Send + Sync + 'static,
    T: DeserializeOwned + Send + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoAck + 'static,
{
    fn call(&self, socket: Socket, args: &Args) -> Result<BoxFuture<AckValue>, String> {
        let value: T = decode_first(args)?;
        let fut = (self.f)(socket, value);
        Ok(Box::pin(async move { fut.await.into_ack() }))
    }
}

/// Decodes the first argument (JSON `null` when there is none).
pub(crate) fn decode_first<T: DeserializeOwned>(args: &Args) -> Result<T, String> {
    let list: Vec<&RawValue> =
        serde_json::from_str(args.json_str()).map_err(|e| format!("args: {e}"))?;
    let first = list.first().map_or("null", |r| r.get());
    binary::from_json(first, &args.bins).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_argument_is_decoded_and_missing_is_null() {
        let args = Args::new(r#"[{"a":1},2]"#, vec![]).unwrap();
        let v: serde_json::Value = decode_first(&args).unwrap();
        assert_eq!(v, serde_json::json!({"a":1}));
        let none: Option<u8> = decode_first(&Args::empty()).unwrap();
        assert_eq!(none, None);
        assert!(decode_first::<String>(&args).is_err());
    }

    #[test]
    fn results_map_to_value_or_error_acks() {
        let ok: Result<u8, String> = Ok(5);
        assert_eq!(ok.into_ack().0.unwrap().json_str(), "[5]");
        let err: Result<u8, String> = Err("boom".into());
        assert_eq!(err.into_ack().0.unwrap_err().message, "boom");
        assert_eq!(().into_ack().0.unwrap().json_str(), "[]");
    }
}
