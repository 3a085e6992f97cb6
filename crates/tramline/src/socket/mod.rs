//! The application's view of one channel: a cheap-clone [`Socket`] over a session.
//!
//! Everything here is transport-agnostic: a socket does not know, and never needs to know,
//! which transport is attached, apart from reporting it in [`Socket::transport`].

mod ack;
mod args;
mod handler;
pub(crate) mod task;

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tramline_protocol::{Body, Event, SharedBody, TransportKind};

pub use ack::{AckValue, IntoAck};
pub(crate) use handler::{BoxFuture, ErasedHandler};

use crate::binary;
use crate::error::{AckError, DisconnectReason, EmitError};
use crate::handshake::ConnectInfo;
use crate::server::{BroadcastOperator, Server, ServerInner};
use crate::session::{Phase, Session};

/// A typed value for a socket's data slot, as the connection middleware hands it over.
pub(crate) type DataSlot = (TypeId, Box<dyn Any + Send + Sync>);

type DisconnectHandler = Arc<dyn Fn(Socket, DisconnectReason) -> BoxFuture<()> + Send + Sync>;

/// One client's channel. Clone it freely: clones share the session.
#[derive(Clone)]
pub struct Socket(Arc<SocketInner>);

struct SocketInner {
    session: Arc<Session>,
    server: Arc<ServerInner>,
    handlers: RwLock<HashMap<String, Arc<dyn ErasedHandler>>>,
    disconnect: Mutex<Vec<DisconnectHandler>>,
    data: Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
    info: ConnectInfo,
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Socket")
            .field("id", &self.id())
            .field("transport", &self.transport())
            .finish()
    }
}

impl Socket {
    pub(crate) fn new(
        session: Arc<Session>,
        server: Arc<ServerInner>,
        info: ConnectInfo,
        data: Option<DataSlot>,
    ) -> Self {
        Socket(Arc::new(SocketInner {
            session,
            server,
            handlers: RwLock::default(),
            disconnect: Mutex::default(),
            data: Mutex::new(data.into_iter().collect()),
            info,
        }))
    }

    pub(crate) fn session(&self) -> &Arc<Session> {
        &self.0.session
    }

    pub(crate) fn sid_arc(&self) -> &Arc<str> {
        self.0.session.sid()
    }

    /// The server this socket belongs to: a cheap-clone handle, so that a handler can broadcast
    /// to a room *including* the sender, or reach any other socket.
    ///
    /// ```
    /// use tramline::Tramline;
    ///
    /// let builder = Tramline::builder().on_connection(|socket| async move {
    ///     socket.on("say", |socket, text: String| async move {
    ///         // Everyone in "lobby", the sender too (`socket.to` would skip the sender).
    ///         socket.server().to("lobby").emit("message", &text).map_err(|e| e.to_string())
    ///     });
    /// });
    /// # let _ = builder;
    /// ```
    pub fn server(&self) -> Server {
        Server(self.0.server.clone())
    }

    /// The session id (22 URL-safe characters, 128 random bits).
    pub fn id(&self) -> &str {
        self.0.session.sid()
    }

    /// The transport attached now (or last attached).
    pub fn transport(&self) -> TransportKind {
        self.0.session.transport()
    }

    /// Whether the session is still open.
    pub fn connected(&self) -> bool {
        self.0.session.phase() == Phase::Open
    }

    /// What the client sent when it connected: headers, query, cookies, address, auth.
    pub fn connect_info(&self) -> &ConnectInfo {
        &self.0.info
    }

    /// Registers the handler of event `name`, replacing any previous one. `T` is decoded from
    /// the event's first argument (`null` when it has none); the handler's return value is the
    /// ack when the client asked for one. Handlers of one socket run one at a time, in the order
    /// the events were sent. A handler that awaits [`Socket::emit_with_ack`] on its own socket
    /// holds back that socket's later events until the ack arrives or times out: keep such
    /// waits short, or spawn them.
    pub fn on<T, F, Fut, R>(&self, name: impl Into<String>, handler: F)
    where
        F: Fn(Socket, T) -> Fut + Send + Sync + 'static,
        T: DeserializeOwned + Send + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoAck + 'static,
    {
        let handler: Arc<dyn ErasedHandler> = Arc::new(handler::Typed::new(handler));
        self.0.handlers.write().insert(name.into(), handler);
    }

    /// Registers a handler run once when the session ends, with the reason.
    pub fn on_disconnect<F, Fut>(&self, handler: F)
    where
        F: Fn(Socket, DisconnectReason) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: DisconnectHandler = Arc::new(move |s, r| Box::pin(handler(s, r)));
        self.0.disconnect.lock().push(handler);
    }

    pub(crate) fn handler(&self, name: &str) -> Option<Arc<dyn ErasedHandler>> {
        self.0.handlers.read().get(name).cloned()
    }

    pub(crate) fn take_disconnect_handlers(&self) -> Vec<DisconnectHandler> {
        std::mem::take(&mut *self.0.disconnect.lock())
    }

    /// Sends event `name` with one argument to this client.
    pub fn emit<T: Serialize + ?Sized>(&self, name: &str, data: &T) -> Result<(), EmitError> {
        let event = build_event(name, data)?;
        self.0
            .session
            .enqueue(SharedBody::new(Body::Event(event)))
            .map_err(|()| EmitError::Closed)
    }

    /// Sends event `name` and waits up to `timeout` for the client's ack, decoded as `R` from
    /// the ack's first argument.
    pub async fn emit_with_ack<T, R>(
        &self,
        name: &str,
        data: &T,
        timeout: Duration,
    ) -> Result<R, AckError>
    where
        T: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let event = build_event(name, data)?;
        let (id, rx) = self
            .0
            .session
            .enqueue_with_ack(event)
            .map_err(|()| EmitError::Closed)?;
        let answer = match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => return Err(AckError::Closed),
            Err(_) => {
                self.0.session.cancel_ack(id);
                return Err(AckError::Timeout);
            }
        };
        match answer {
            Ok(args) => {
                args::decode_args(&args).map_err(|e| AckError::Decode(serde::de::Error::custom(e)))
            }
            Err(e) => Err(AckError::Remote {
                code: e.code,
                message: e.message,
            }),
        }
    }

    /// Joins `room`.
    pub fn join(&self, room: impl Into<String>) {
        self.0.server.adapter.join(self.sid_arc(), &room.into());
    }

    /// Leaves `room`.
    pub fn leave(&self, room: &str) {
        self.0.server.adapter.leave(self.sid_arc(), room);
    }

    /// The rooms this socket is in.
    pub fn rooms(&self) -> Vec<String> {
        self.0.server.adapter.rooms_of(self.sid_arc())
    }

    /// Broadcast to everyone in `room` except this socket.
    pub fn to(&self, room: impl Into<String>) -> BroadcastOperator {
        self.broadcast().to(room)
    }

    /// Broadcast to every socket except this one.
    pub fn broadcast(&self) -> BroadcastOperator {
        BroadcastOperator::new(self.0.server.clone()).except_socket(self.sid_arc().clone())
    }

    /// Closes the session; the client receives close 4000.
    pub fn disconnect(&self) {
        self.0.session.close(DisconnectReason::ServerDisconnect);
    }

    /// Stores a value of type `T` in this socket's data slot, replacing any previous `T`. The
    /// slot holds one value per type; the value the connection middleware returned is already
    /// there (see [`crate::Builder::middleware`]).
    ///
    /// ```
    /// use tramline::Tramline;
    ///
    /// #[derive(Clone)]
    /// struct Nick(String);
    ///
    /// let builder = Tramline::builder().on_connection(|socket| async move {
    ///     socket.on("nick", |socket, nick: String| async move { socket.set_data(Nick(nick)) });
    ///     socket.on("whoami", |socket, _: ()| async move {
    ///         socket.data::<Nick>().map(|n| n.0)
    ///     });
    /// });
    /// # let _ = builder;
    /// ```
    pub fn set_data<T: Send + Sync + 'static>(&self, value: T) {
        self.0
            .data
            .lock()
            .insert(TypeId::of::<T>(), Box::new(value));
    }

    /// A clone of the `T` in this socket's data slot, or `None` when none was stored. Store an
    /// `Arc<T>` when `T` is large or not `Clone`.
    pub fn data<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.0
            .data
            .lock()
            .get(&TypeId::of::<T>())
            .and_then(|b| b.downcast_ref::<T>())
            .cloned()
    }
}

/// Builds an event body with one argument.
pub(crate) fn build_event<T: Serialize + ?Sized>(name: &str, data: &T) -> Result<Event, EmitError> {
    if name.is_empty() {
        return Err(EmitError::EmptyName);
    }
    let (json, bins) = binary::to_args(data)?;
    let args = tramline_protocol::Args::new(json, bins).ok_or(EmitError::EmptyName)?;
    Ok(Event {
        name: name.to_owned(),
        args,
        ack: None,
    })
}
