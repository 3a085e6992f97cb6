//! Raw HTTP and WebSocket requests over a [`Dialer`], one connection per request.
//!
//! The client builds its transports on these, and error-case tests use them directly to send
//! what a well-behaved client never would (bad methods, unknown sids, foreign origins) and to
//! look at the exact status, headers and body. Nothing here knows the protocol's packets.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, HOST};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::WebSocketStream;

use crate::dial::{BoxedIo, Dialer};
use crate::error::ClientError;
use crate::DEFAULT_TIMEOUT;

/// A complete HTTP response.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl HttpResponse {
    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The `error` field of a JSON error body `{"error": "<code>", "message": "..."}`.
    pub fn error_code(&self) -> Option<String> {
        let v = self.json().ok()?;
        v.get("error")?.as_str().map(str::to_owned)
    }

    /// A header's value as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

/// Awaits `fut` for at most `after`, turning expiry into [`ClientError::Timeout`].
pub(crate) async fn timed<T, E>(
    after: Duration,
    what: &'static str,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, ClientError>
where
    ClientError: From<E>,
{
    match tokio::time::timeout(after, fut).await {
        Ok(r) => r.map_err(ClientError::from),
        Err(_) => Err(ClientError::Timeout { what, after }),
    }
}

/// Sends one request on a new connection and returns the whole response, within
/// [`DEFAULT_TIMEOUT`]. A `Host` header is added unless `headers` has one. Any status is
/// returned as `Ok`: judging it is the test's job.
pub async fn http_request<D: Dialer + ?Sized>(
    dialer: &D,
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<HttpResponse, ClientError> {
    http_request_with(
        dialer,
        DEFAULT_TIMEOUT,
        method,
        path_and_query,
        headers,
        body,
    )
    .await
}

/// [`http_request`] with a timeout of your choice (e.g. for a long poll).
pub async fn http_request_with<D: Dialer + ?Sized>(
    dialer: &D,
    timeout: Duration,
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<HttpResponse, ClientError> {
    let body = body.into();
    timed(timeout, "an HTTP response", async {
        let resp = open_stream(dialer, method, path_and_query, headers, body).await?;
        resp.collect_unbounded().await
    })
    .await
}

/// A response whose body is read as it arrives (a downlink). Dropping it closes the
/// connection, which the server sees as the client going away.
pub struct StreamingResponse {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    body: Incoming,
    timeout: Duration,
    _conn: ConnGuard,
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl StreamingResponse {
    /// Sets how long [`next_chunk`](Self::next_chunk) waits (default [`DEFAULT_TIMEOUT`]).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The next chunk of the body, `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, ClientError> {
        timed(self.timeout, "a body chunk", self.next_chunk_unbounded()).await
    }

    /// Reads the rest of the body.
    pub async fn collect(self) -> Result<HttpResponse, ClientError> {
        timed(self.timeout, "the end of a body", self.collect_unbounded()).await
    }

    /// The next chunk, waiting as long as it takes (for background readers, which are
    /// bounded by the consumer's own timeout instead).
    pub(crate) async fn next_chunk_unbounded(&mut self) -> Result<Option<Bytes>, ClientError> {
        loop {
            match self.body.frame().await {
                None => return Ok(None),
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }

    pub(crate) async fn collect_unbounded(mut self) -> Result<HttpResponse, ClientError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.next_chunk_unbounded().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status: self.status,
            headers: self.headers,
            body: body.into(),
        })
    }
}

/// Sends one request on a new connection and returns as soon as the response head arrives;
/// the body is then read with [`StreamingResponse::next_chunk`]. Waits for the head without
/// a timeout: wrap it when the server may not answer.
pub async fn open_stream<D: Dialer + ?Sized>(
    dialer: &D,
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<StreamingResponse, ClientError> {
    let mut req = Request::builder()
        .method(method)
        .uri(path_and_query)
        .body(Full::new(body.into()))
        .map_err(|e| ClientError::Usage(format!("bad request line: {e}")))?;
    add_headers(req.headers_mut(), headers)?;
    if !req.headers().contains_key(HOST) {
        let host = HeaderValue::try_from(dialer.authority())
            .map_err(|e| ClientError::Usage(format!("bad authority: {e}")))?;
        req.headers_mut().insert(HOST, host);
    }
    let io = dialer.dial().await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await?;
    let task = tokio::spawn(async move {
        // Errors surface through `send_request` or the body.
        let _ = conn.await;
    });
    let conn = ConnGuard(task);
    let resp: Response<Incoming> = sender.send_request(req).await?;
    let (parts, body) = resp.into_parts();
    Ok(StreamingResponse {
        status: parts.status,
        headers: parts.headers,
        body,
        timeout: DEFAULT_TIMEOUT,
        _conn: conn,
    })
}

/// Owns the task driving an HTTP connection; dropping it closes the connection.
struct ConnGuard(JoinHandle<()>);

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn add_headers(map: &mut HeaderMap, headers: &[(&str, &str)]) -> Result<(), ClientError> {
    for (name, value) in headers {
        let name = HeaderName::try_from(*name)
            .map_err(|e| ClientError::Usage(format!("bad header name {name:?}: {e}")))?;
        let value = HeaderValue::try_from(*value)
            .map_err(|e| ClientError::Usage(format!("bad header value {value:?}: {e}")))?;
        map.append(name, value);
    }
    Ok(())
}

/// A WebSocket over a dialed connection.
pub type WsStream = WebSocketStream<BoxedIo>;

/// The outcome of a WebSocket handshake.
pub enum WsConnect {
    /// The server switched protocols.
    Upgraded {
        /// The WebSocket.
        ws: Box<WsStream>,
        /// The server's `101` response head.
        response: Response<Option<Vec<u8>>>,
    },
    /// The server refused the upgrade with an ordinary HTTP response.
    Rejected(HttpResponse),
}

impl fmt::Debug for WsConnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WsConnect::Upgraded { response, .. } => f
                .debug_struct("Upgraded")
                .field("response", response)
                .finish_non_exhaustive(),
            WsConnect::Rejected(r) => f.debug_tuple("Rejected").field(r).finish(),
        }
    }
}

impl WsConnect {
    /// The WebSocket, or [`ClientError::Http`] with the rejection.
    pub fn into_ws(self) -> Result<WsStream, ClientError> {
        match self {
            WsConnect::Upgraded { ws, .. } => Ok(*ws),
            WsConnect::Rejected(r) => Err(ClientError::Http(Box::new(r))),
        }
    }
}

/// Performs a WebSocket handshake for `path_and_query` on a new connection, within
/// [`DEFAULT_TIMEOUT`]. A refusal is `Ok(WsConnect::Rejected)`, with its status and body.
pub async fn ws_connect_raw<D: Dialer + ?Sized>(
    dialer: &D,
    path_and_query: &str,
    headers: &[(&str, &str)],
) -> Result<WsConnect, ClientError> {
    ws_connect_with(dialer, DEFAULT_TIMEOUT, path_and_query, headers).await
}

/// [`ws_connect_raw`] with a timeout of your choice.
pub async fn ws_connect_with<D: Dialer + ?Sized>(
    dialer: &D,
    timeout: Duration,
    path_and_query: &str,
    headers: &[(&str, &str)],
) -> Result<WsConnect, ClientError> {
    let url = format!("ws://{}{}", dialer.authority(), path_and_query);
    let mut req = url.into_client_request()?;
    add_headers(req.headers_mut(), headers)?;
    timed(timeout, "a websocket handshake", async {
        let io = dialer.dial().await?;
        match tokio_tungstenite::client_async(req, io).await {
            Ok((ws, response)) => Ok(WsConnect::Upgraded {
                ws: Box::new(ws),
                response,
            }),
            Err(WsError::Http(resp)) => {
                let (parts, body) = resp.into_parts();
                Ok(WsConnect::Rejected(HttpResponse {
                    status: parts.status,
                    headers: parts.headers,
                    body: body.map(Bytes::from).unwrap_or_default(),
                }))
            }
            Err(e) => Err(ClientError::from(e)),
        }
    })
    .await
}
