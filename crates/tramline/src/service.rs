//! The endpoint as tower types: [`TramlineService`] (mount with axum's `nest_service`, or
//! call directly) and [`TramlineLayer`] (serve the endpoint under its path and everything
//! else with the inner service, for plain hyper). Routing itself is in `transport/mod.rs`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::http::{BoxError, ResponseBody};
use crate::server::ServerInner;

type BoxFut<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

/// The Tramline endpoint. It serves requests whose path is `{path}/{endpoint}` or, when a
/// router already stripped the mount path, `/{endpoint}`.
#[derive(Clone, Debug)]
pub struct TramlineService {
    inner: Arc<ServerInner>,
}

impl TramlineService {
    pub(crate) fn new(inner: Arc<ServerInner>) -> Self {
        TramlineService { inner }
    }
}

impl<B> Service<Request<B>> for TramlineService
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = BoxFut<Self::Response, Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let inner = self.inner.clone();
        Box::pin(async move { Ok(crate::transport::route(inner, req).await) })
    }
}

/// Serves the endpoint under its path and passes other requests to the inner service.
#[derive(Clone, Debug)]
pub struct TramlineLayer {
    inner: Arc<ServerInner>,
}

impl TramlineLayer {
    pub(crate) fn new(inner: Arc<ServerInner>) -> Self {
        TramlineLayer { inner }
    }
}

impl<S> Layer<S> for TramlineLayer {
    type Service = TramlineMiddleware<S>;

    fn layer(&self, service: S) -> Self::Service {
        TramlineMiddleware {
            endpoint: TramlineService::new(self.inner.clone()),
            service,
        }
    }
}

/// The service made by [`TramlineLayer`].
#[derive(Clone, Debug)]
pub struct TramlineMiddleware<S> {
    endpoint: TramlineService,
    service: S,
}

impl<S, B, RB> Service<Request<B>> for TramlineMiddleware<S>
where
    S: Service<Request<B>, Response = Response<RB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
    RB: http_body::Body<Data = Bytes> + Send + 'static,
    RB::Error: Into<BoxError>,
{
    type Response = Response<ResponseBody>;
    type Error = S::Error;
    type Future = BoxFut<Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        if crate::transport::is_under(&self.endpoint.inner.config.path, req.uri().path()) {
            let inner = self.endpoint.inner.clone();
            return Box::pin(async move { Ok(crate::transport::route(inner, req).await) });
        }
        // Take the service that was driven to readiness, leave a clone in its place.
        let clone = self.service.clone();
        let mut service = std::mem::replace(&mut self.service, clone);
        Box::pin(async move {
            let res = service.call(req).await?;
            Ok(res.map(ResponseBody::new))
        })
    }
}
