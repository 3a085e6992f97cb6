//! The server handle: a cheap-clone [`Server`] usable from any task to broadcast, find sockets
//! and shut down, and the shared state ([`ServerInner`]) that sessions and transports reach.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Notify;
use tramline_protocol::{Body, SharedBody};

use crate::adapter::{Adapter, Target};
use crate::config::Config;
use crate::error::{DisconnectReason, EmitError};
use crate::handshake::{ConnectInfo, Rejection};
use crate::registry::Registry;
use crate::socket::{build_event, BoxFuture, DataSlot, Socket};

pub(crate) type ConnectionHandler = Arc<dyn Fn(Socket) -> BoxFuture<()> + Send + Sync>;
pub(crate) type Middleware =
    Arc<dyn Fn(ConnectInfo) -> BoxFuture<Result<Option<DataSlot>, Rejection>> + Send + Sync>;
pub(crate) type InvalidPayloadHook = Arc<dyn Fn(&Socket, &str, &str) + Send + Sync>;

pub(crate) struct ServerInner {
    pub(crate) config: Arc<Config>,
    pub(crate) registry: Registry,
    pub(crate) adapter: Arc<dyn Adapter>,
    pub(crate) on_connection: Option<ConnectionHandler>,
    pub(crate) middleware: Option<Middleware>,
    pub(crate) on_invalid_payload: Option<InvalidPayloadHook>,
    pub(crate) shutting_down: AtomicBool,
    session_closed: Notify,
}

impl fmt::Debug for ServerInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerInner")
            .field("config", &self.config)
            .field("sessions", &self.registry.len())
            .finish_non_exhaustive()
    }
}

impl ServerInner {
    pub(crate) fn new(
        config: Config,
        adapter: Arc<dyn Adapter>,
        on_connection: Option<ConnectionHandler>,
        middleware: Option<Middleware>,
        on_invalid_payload: Option<InvalidPayloadHook>,
    ) -> Self {
        ServerInner {
            config: Arc::new(config),
            registry: Registry::default(),
            adapter,
            on_connection,
            middleware,
            on_invalid_payload,
            shutting_down: AtomicBool::new(false),
            session_closed: Notify::new(),
        }
    }

    pub(crate) fn notify_session_closed(&self) {
        self.session_closed.notify_waiters();
    }

    pub(crate) fn report_invalid_payload(&self, socket: &Socket, event: &str, message: &str) {
        if let Some(hook) = &self.on_invalid_payload {
            hook(socket, event, message);
        }
    }
}

/// A handle on the running server. Clone it freely and use it from any task.
#[derive(Clone, Debug)]
pub struct Server(pub(crate) Arc<ServerInner>);

impl Server {
    /// Broadcast to every socket.
    pub fn emit<T: Serialize + ?Sized>(&self, name: &str, data: &T) -> Result<(), EmitError> {
        BroadcastOperator::new(self.0.clone()).emit(name, data)
    }

    /// Broadcast to the sockets in `room`.
    pub fn to(&self, room: impl Into<String>) -> BroadcastOperator {
        BroadcastOperator::new(self.0.clone()).to(room)
    }

    /// Broadcast to every socket not in `room`.
    pub fn except(&self, room: impl Into<String>) -> BroadcastOperator {
        BroadcastOperator::new(self.0.clone()).except(room)
    }

    /// The socket with this id, if its session is open.
    pub fn socket(&self, id: &str) -> Option<Socket> {
        self.0.registry.get(id)
    }

    /// Every live socket.
    pub fn sockets(&self) -> Vec<Socket> {
        self.0.registry.all()
    }

    /// How many sessions are alive (including ones still delivering their close packet).
    pub fn session_count(&self) -> usize {
        self.0.registry.len()
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// Refuses new sessions, closes every session with 4503, and waits up to `timeout` for them
    /// to be reaped. Returns the number of sessions still alive after the wait.
    pub async fn shutdown(&self, timeout: Duration) -> usize {
        self.0.shutting_down.store(true, Ordering::SeqCst);
        for socket in self.0.registry.all() {
            socket.session().close(DisconnectReason::Shutdown);
        }
        let wait = async {
            loop {
                let notified = self.0.session_closed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.0.registry.len() == 0 {
                    return;
                }
                notified.await;
            }
        };
        let _ = tokio::time::timeout(timeout, wait).await;
        self.0.registry.len()
    }
}

/// A broadcast being built: `server.to("a").except("b").emit(...)`.
#[derive(Debug, Clone)]
pub struct BroadcastOperator {
    server: Arc<ServerInner>,
    target: Target,
}

impl BroadcastOperator {
    pub(crate) fn new(server: Arc<ServerInner>) -> Self {
        BroadcastOperator {
            server,
            target: Target::default(),
        }
    }

    /// Adds `room` to the rooms reached (sockets in several of them receive one copy).
    pub fn to(mut self, room: impl Into<String>) -> Self {
        self.target.rooms.push(room.into());
        self
    }

    /// Skips sockets in `room`.
    pub fn except(mut self, room: impl Into<String>) -> Self {
        self.target.except_rooms.push(room.into());
        self
    }

    pub(crate) fn except_socket(mut self, sid: Arc<str>) -> Self {
        self.target.except_sockets.push(sid);
        self
    }

    /// The sockets this broadcast reaches now.
    pub fn sockets(&self) -> Vec<Socket> {
        let t = &self.target;
        if t.rooms.is_empty() {
            return self
                .server
                .registry
                .all()
                .into_iter()
                .filter(|s| {
                    !t.except_sockets.iter().any(|e| **e == *s.id())
                        && !self.server.adapter.in_any(s.id(), &t.except_rooms)
                })
                .collect();
        }
        self.server
            .adapter
            .members(t)
            .iter()
            .filter_map(|sid| self.server.registry.get(sid))
            .collect()
    }

    /// Sends event `name` with one argument to every socket reached. The packet body is
    /// encoded once and shared by all recipients' queues.
    pub fn emit<T: Serialize + ?Sized>(&self, name: &str, data: &T) -> Result<(), EmitError> {
        let body = SharedBody::new(Body::Event(build_event(name, data)?));
        let (adapter, target) = (&self.server.adapter, &self.target);
        if target.rooms.is_empty() {
            for socket in self.sockets() {
                let _ = socket.session().enqueue(body.clone());
            }
        } else {
            self.server.registry.for_each_session(
                |each| adapter.for_each_member(target, each),
                |session| {
                    let _ = session.enqueue(body.clone());
                },
            );
        }
        Ok(())
    }
}
