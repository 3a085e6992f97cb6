//! Event handlers with typed arguments, erased so that one map holds handlers of any type.
//!
//! A handler is `Fn(Socket, T) -> impl Future<Output = R>` where `T` is decoded with serde from
//! the event's arguments (see [`super::args`] for how its shape sets the arity) and
//! `R: IntoAck` is sent back when the client asked for an ack. Decoding happens before user code
//! runs; a failure is reported, never dropped silently.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use tramline_protocol::Args;

use super::ack::{AckValue, IntoAck};
use super::args::decode_args;
use super::Socket;

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

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
        let value: T = decode_args(args)?;
        let fut = (self.f)(socket, value);
        Ok(Box::pin(async move { fut.await.into_ack() }))
    }
}
