//! How the test client reaches a server: a [`Dialer`] opens one fresh byte stream per call.
//!
//! The client never assumes TCP, so the same tests run over loopback sockets ([`TcpDialer`])
//! and over in-memory pipes ([`MemoryDialer`]). The latter keeps everything inside one tokio
//! runtime, which is what lets end-to-end tests use paused time (`start_paused`): no real IO,
//! no wall clock.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::io::{AsyncRead, AsyncWrite, DuplexStream};
use tokio::net::TcpStream;

/// A byte stream the client can speak HTTP/1.1 or WebSocket over.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// A dialed connection, type-erased.
pub type BoxedIo = Box<dyn Io>;

/// Opens connections to the server under test.
///
/// One HTTP request is sent per connection (except for the long-lived downlinks), so a
/// dialer is called often; it must be cheap. It is object safe (the client keeps an
/// `Arc<dyn Dialer>`); the provided dialers are also `Clone`.
pub trait Dialer: fmt::Debug + Send + Sync + 'static {
    /// Opens a new connection.
    fn dial(&self) -> BoxFuture<'static, io::Result<BoxedIo>>;

    /// The value of the `Host` header (and of the authority in WebSocket URLs).
    fn authority(&self) -> String {
        "localhost".to_owned()
    }
}

impl<D: Dialer + ?Sized> Dialer for Arc<D> {
    fn dial(&self) -> BoxFuture<'static, io::Result<BoxedIo>> {
        (**self).dial()
    }

    fn authority(&self) -> String {
        (**self).authority()
    }
}

/// Dials a TCP address, with `TCP_NODELAY` set (as the server sets it on accepted sockets),
/// so small packets are not held back by Nagle's algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpDialer(pub SocketAddr);

impl Dialer for TcpDialer {
    fn dial(&self) -> BoxFuture<'static, io::Result<BoxedIo>> {
        let addr = self.0;
        Box::pin(async move {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok(Box::new(stream) as BoxedIo)
        })
    }

    fn authority(&self) -> String {
        self.0.to_string()
    }
}

type Accept = dyn Fn(DuplexStream) + Send + Sync;

/// Dials in memory: each call creates a `tokio::io::duplex` pair, hands the server half to a
/// callback (which typically spawns the server's connection handler on it) and returns the
/// client half.
///
/// ```no_run
/// # use tramline_tests::MemoryDialer;
/// let dialer = MemoryDialer::new(|server_io| {
///     tokio::spawn(async move {
///         // e.g. tramline::serve_connection(server_io, service.clone()).await
///         drop(server_io);
///     });
/// });
/// ```
#[derive(Clone)]
pub struct MemoryDialer {
    accept: Arc<Accept>,
    buffer_bytes: usize,
}

impl MemoryDialer {
    /// Bytes buffered in each direction of a duplex pair unless set otherwise: enough for
    /// ordinary traffic, small enough that a consumer that stops reading exerts backpressure.
    pub const DEFAULT_BUFFER_BYTES: usize = 64 * 1024;

    /// A dialer that hands the server half of every new connection to `accept`. `accept` is
    /// called inside the runtime, so it may `tokio::spawn`.
    pub fn new(accept: impl Fn(DuplexStream) + Send + Sync + 'static) -> MemoryDialer {
        MemoryDialer {
            accept: Arc::new(accept),
            buffer_bytes: Self::DEFAULT_BUFFER_BYTES,
        }
    }

    /// Sets the bytes buffered in each direction of each new connection.
    pub fn with_buffer_bytes(mut self, buffer_bytes: usize) -> MemoryDialer {
        self.buffer_bytes = buffer_bytes;
        self
    }
}

impl fmt::Debug for MemoryDialer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDialer")
            .field("buffer_bytes", &self.buffer_bytes)
            .finish_non_exhaustive()
    }
}

impl Dialer for MemoryDialer {
    fn dial(&self) -> BoxFuture<'static, io::Result<BoxedIo>> {
        let accept = Arc::clone(&self.accept);
        let buffer = self.buffer_bytes;
        Box::pin(async move {
            let (client, server) = tokio::io::duplex(buffer);
            accept(server);
            Ok(Box::new(client) as BoxedIo)
        })
    }

    fn authority(&self) -> String {
        "tramline.test".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn memory_dialer_hands_each_server_half_to_the_callback() {
        let dialer = MemoryDialer::new(|mut server: DuplexStream| {
            tokio::spawn(async move {
                let mut buf = [0u8; 4];
                server.read_exact(&mut buf).await.unwrap();
                server.write_all(&buf).await.unwrap();
            });
        });
        for _ in 0..2 {
            let mut io = dialer.dial().await.unwrap();
            io.write_all(b"ping").await.unwrap();
            let mut buf = [0u8; 4];
            io.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"ping");
        }
    }
}
