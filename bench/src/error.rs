//! One error type for the whole generator: a message that says what failed. Every failure ends
//! up as one line on stderr and a non-zero exit, so a string with context is all it needs.

use std::fmt;
use std::future::Future;
use std::time::Duration;

/// What went wrong, in words.
#[derive(Debug)]
pub(crate) struct Error(pub(crate) String);

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// `Error` does not implement `std::error::Error`, so this blanket conversion does not overlap
// with `From<T> for T` (the trick anyhow uses).
impl<E: std::error::Error> From<E> for Error {
    fn from(e: E) -> Self {
        Error(e.to_string())
    }
}

impl Error {
    /// Prefixes the message with what was being done.
    pub(crate) fn context(self, what: &str) -> Error {
        Error(format!("{what}: {}", self.0))
    }
}

/// Returns early with a formatted [`Error`].
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error(format!($($arg)*)))
    };
}
pub(crate) use bail;

/// Awaits `fut` for at most `after`; expiry is an error naming `what`.
pub(crate) async fn timed<T, E>(
    after: Duration,
    what: &str,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T>
where
    Error: From<E>,
{
    match tokio::time::timeout(after, fut).await {
        Ok(r) => r.map_err(Error::from),
        Err(_) => Err(Error(format!(
            "timed out after {after:?} waiting for {what}"
        ))),
    }
}
