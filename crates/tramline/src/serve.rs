//! A small accept loop for plain hyper: TCP_NODELAY on every accepted socket (realtime traffic
//! is small writes; Nagle's algorithm would add up to 40 ms), the peer address in the request
//! extensions as [`RemoteAddr`], and HTTP/1.1 with upgrades for WebSocket.

use std::convert::Infallible;

use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tower_service::Service;

use crate::handshake::RemoteAddr;
use crate::http::{RequestBody, ResponseBody};

/// Serves `service` on every connection accepted by `listener`, until the future is dropped.
pub async fn serve<S>(listener: TcpListener, service: S) -> std::io::Result<()>
where
    S: Service<
            http::Request<RequestBody>,
            Response = http::Response<ResponseBody>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    loop {
        let (stream, addr) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                // Out of file descriptors and similar: log, back off briefly, keep serving.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(
            stream,
            service.clone(),
            Some(RemoteAddr(addr)),
        ));
    }
}

/// Serves one connection (any byte stream, e.g. an in-memory duplex in tests).
pub async fn serve_connection<I, S>(io: I, service: S, remote: Option<RemoteAddr>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Service<
            http::Request<RequestBody>,
            Response = http::Response<ResponseBody>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let svc = service_fn(move |req: http::Request<hyper::body::Incoming>| {
        let mut service = service.clone();
        let mut req = req.map(RequestBody);
        if let Some(r) = remote {
            req.extensions_mut().insert(r);
        }
        async move {
            std::future::poll_fn(|cx| service.poll_ready(cx)).await?;
            service.call(req).await
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(io), svc)
        .with_upgrades();
    if let Err(e) = conn.await {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}
