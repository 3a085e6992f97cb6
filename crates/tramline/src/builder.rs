//! The builder: defaults that work with no ceremony, one place that validates them.

use std::any::TypeId;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tramline_protocol::TransportKind;

use crate::adapter::{Adapter, LocalAdapter};
use crate::config::{AllowedOrigins, Config, ConfigError};
use crate::handshake::{ConnectInfo, Rejection};
use crate::server::{ConnectionHandler, InvalidPayloadHook, Middleware, Server, ServerInner};
use crate::service::{TramlineLayer, TramlineService};
use crate::socket::{DataSlot, Socket};

/// Entry point: `Tramline::builder()`.
#[derive(Debug, Clone, Copy)]
pub struct Tramline;

impl Tramline {
    /// A builder with the documented defaults (see [`Config`]).
    pub fn builder() -> Builder {
        Builder::default()
    }
}

/// Configures and builds the endpoint. See [`Config`] for every default.
#[derive(Default)]
pub struct Builder {
    config: Config,
    adapter: Option<Arc<dyn Adapter>>,
    on_connection: Option<ConnectionHandler>,
    middleware: Option<Middleware>,
    on_invalid_payload: Option<InvalidPayloadHook>,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// Mount path. Default `/realtime`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.config.path = path.into();
        self
    }
    /// Time between pings. Default 25 s. Keep it below your proxies' idle timeouts.
    pub fn ping_interval(mut self, d: Duration) -> Self {
        self.config.ping_interval = d;
        self
    }
    /// Time to wait for a pong. Default 20 s.
    pub fn ping_timeout(mut self, d: Duration) -> Self {
        self.config.ping_timeout = d;
        self
    }
    /// Time a session may have no transport before it is reaped. Default: ping interval + ping
    /// timeout.
    pub fn grace_period(mut self, d: Duration) -> Self {
        self.config.grace_period = Some(d);
        self
    }
    /// Largest message or HTTP body accepted. Default 1 MiB.
    pub fn max_payload_bytes(mut self, n: usize) -> Self {
        self.config.max_payload_bytes = n;
        self
    }
    /// Allowed transports. Default: all four.
    pub fn transports(mut self, t: impl IntoIterator<Item = TransportKind>) -> Self {
        self.config.transports = t.into_iter().collect();
        self
    }
    /// Allowed origins (exact `scheme://host[:port]`). Default: any.
    pub fn allowed_origins<S: Into<String>>(mut self, o: impl IntoIterator<Item = S>) -> Self {
        self.config.allowed_origins = AllowedOrigins::List(o.into_iter().map(Into::into).collect());
        self
    }
    /// Bound of each session's outbound queue in packets. Default 1024.
    pub fn max_queued_packets(mut self, n: usize) -> Self {
        self.config.max_queued_packets = n;
        self
    }
    /// Bound of each session's queue of received events waiting for their handler. Default 256.
    pub fn max_inbound_events(mut self, n: usize) -> Self {
        self.config.max_inbound_events = n;
        self
    }
    /// How long one write to a client may take before the transport is dropped. Default 10 s.
    pub fn write_timeout(mut self, d: Duration) -> Self {
        self.config.write_timeout = d;
        self
    }
    /// Bytes after which a `streaming` response ends and the client opens a new one, so that
    /// old browsers can free the response text. Default 256 KiB.
    pub fn streaming_response_limit_bytes(mut self, n: usize) -> Self {
        self.config.streaming_response_limit_bytes = n;
        self
    }
    /// The room adapter. Default: [`LocalAdapter`].
    pub fn adapter(mut self, adapter: Arc<dyn Adapter>) -> Self {
        self.adapter = Some(adapter);
        self
    }

    /// Runs for every new socket, before any of its events is handled: register handlers here.
    pub fn on_connection<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Socket) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_connection = Some(Arc::new(move |s| Box::pin(f(s))));
        self
    }

    /// Connection middleware: runs before a session opens, sees headers, query, cookies,
    /// address and auth, and either refuses the client with a message it receives (HTTP 403
    /// `rejected`, or close 4403 on a websocket) or admits it. What it returns on success
    /// goes into the new socket's data slot, so `on_connection` and every handler read the
    /// authenticated user with [`Socket::data`] instead of decoding `auth` again. Return
    /// `Ok(())` to store nothing.
    ///
    /// ```
    /// use serde::Deserialize;
    /// use tramline::{Rejection, Tramline};
    ///
    /// #[derive(Deserialize)]
    /// struct Auth { token: String }
    ///
    /// #[derive(Clone, Debug)]
    /// struct User { name: String }
    ///
    /// let builder = Tramline::builder()
    ///     .middleware(|info| async move {
    ///         let auth: Auth = info.auth().ok_or_else(|| Rejection::new("log in first"))?;
    ///         match auth.token.strip_prefix("token-of-") {
    ///             Some(name) => Ok(User { name: name.to_owned() }),
    ///             None => Err(Rejection::new("unknown token")),
    ///         }
    ///     })
    ///     .on_connection(|socket| async move {
    ///         let user = socket.data::<User>().expect("the middleware admitted a user");
    ///         socket.join(format!("user:{}", user.name));
    ///         socket.on("whoami", |socket, _: ()| async move {
    ///             socket.data::<User>().map(|u| u.name)
    ///         });
    ///     });
    /// # let _ = builder;
    /// ```
    pub fn middleware<F, Fut, T>(mut self, f: F) -> Self
    where
        F: Fn(ConnectInfo) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, Rejection>> + Send + 'static,
        T: Send + Sync + 'static,
    {
        self.middleware = Some(Arc::new(move |i| {
            let fut = f(i);
            Box::pin(async move {
                let data = fut.await?;
                if TypeId::of::<T>() == TypeId::of::<()>() {
                    return Ok(None);
                }
                let slot: DataSlot = (TypeId::of::<T>(), Box::new(data));
                Ok(Some(slot))
            })
        }));
        self
    }

    /// Called when an event's arguments fail to decode into the handler's type, with the
    /// socket, the event name and the error (the client also gets an `invalid-args` error).
    pub fn on_invalid_payload<F>(mut self, f: F) -> Self
    where
        F: Fn(&Socket, &str, &str) + Send + Sync + 'static,
    {
        self.on_invalid_payload = Some(Arc::new(f));
        self
    }

    fn inner(self) -> Result<Arc<ServerInner>, ConfigError> {
        self.config.validate()?;
        let adapter = self
            .adapter
            .unwrap_or_else(|| Arc::new(LocalAdapter::default()));
        Ok(Arc::new(ServerInner::new(
            self.config,
            adapter,
            self.on_connection,
            self.middleware,
            self.on_invalid_payload,
        )))
    }

    /// Builds the endpoint as a tower `Service` (mount it with axum's `nest_service`) and the
    /// server handle.
    pub fn build(self) -> Result<(TramlineService, Server), ConfigError> {
        let inner = self.inner()?;
        Ok((TramlineService::new(inner.clone()), Server(inner)))
    }

    /// Builds the endpoint as a tower `Layer` that serves requests under the path and passes
    /// every other request to the inner service, and the server handle.
    pub fn build_layer(self) -> Result<(TramlineLayer, Server), ConfigError> {
        let inner = self.inner()?;
        Ok((TramlineLayer::new(inner.clone()), Server(inner)))
    }
}
