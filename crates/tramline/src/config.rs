//! Server configuration: every knob with its documented default, validated once in
//! [`crate::Builder::build`] so that transports never see an impossible value.

use std::collections::BTreeSet;
use std::time::Duration;

use tramline_protocol::TransportKind;

/// Which `Origin` headers may use the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedOrigins {
    /// Any origin (the default, as in Socket.IO). CORS answers reflect the request's origin.
    Any,
    /// Only these exact origins, e.g. `https://app.example.com`. Requests without an `Origin`
    /// header (non-browser clients) are always allowed.
    List(BTreeSet<String>),
}

impl AllowedOrigins {
    /// Whether a request with this `Origin` header (or none) may proceed.
    pub fn allows(&self, origin: Option<&str>) -> bool {
        match (self, origin) {
            (_, None) | (AllowedOrigins::Any, Some(_)) => true,
            (AllowedOrigins::List(list), Some(o)) => list.contains(o),
        }
    }
}

/// The server's settings. Built with [`crate::Tramline::builder`]; read-only afterwards.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) ping_interval: Duration,
    pub(crate) ping_timeout: Duration,
    pub(crate) grace_period: Option<Duration>,
    pub(crate) max_payload_bytes: usize,
    pub(crate) transports: BTreeSet<TransportKind>,
    pub(crate) allowed_origins: AllowedOrigins,
    pub(crate) max_queued_packets: usize,
    pub(crate) max_inbound_events: usize,
    pub(crate) write_timeout: Duration,
    pub(crate) streaming_response_limit_bytes: usize,
    pub(crate) path: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            grace_period: None,
            max_payload_bytes: 1024 * 1024,
            transports: TransportKind::ALL.into_iter().collect(),
            allowed_origins: AllowedOrigins::Any,
            max_queued_packets: 1024,
            max_inbound_events: 256,
            write_timeout: Duration::from_secs(10),
            streaming_response_limit_bytes: 256 * 1024,
            path: "/realtime".to_owned(),
        }
    }
}

impl Config {
    /// Time between server pings. Default 25 s.
    pub fn ping_interval(&self) -> Duration {
        self.ping_interval
    }
    /// How long the server waits for a pong. Default 20 s.
    pub fn ping_timeout(&self) -> Duration {
        self.ping_timeout
    }
    /// How long a session may have no transport attached before it is reaped.
    /// Default: ping interval + ping timeout.
    pub fn grace_period(&self) -> Duration {
        self.grace_period
            .unwrap_or(self.ping_interval + self.ping_timeout)
    }
    /// Largest WebSocket message or HTTP body accepted. Default 1 MiB.
    pub fn max_payload_bytes(&self) -> usize {
        self.max_payload_bytes
    }
    /// Allowed transports. Default: all four.
    pub fn transports(&self) -> &BTreeSet<TransportKind> {
        &self.transports
    }
    /// Allowed origins. Default: any.
    pub fn allowed_origins(&self) -> &AllowedOrigins {
        &self.allowed_origins
    }
    /// Bound of each session's outbound queue, in packets not yet written to a transport (and,
    /// separately, of packets written but not yet acknowledged, kept for replay). Default 1024.
    pub fn max_queued_packets(&self) -> usize {
        self.max_queued_packets
    }
    /// Bytes after which a `streaming` response is ended so the client starts a new one (an
    /// old browser keeps the whole response text in memory). Default 256 KiB.
    pub fn streaming_response_limit_bytes(&self) -> usize {
        self.streaming_response_limit_bytes
    }
    /// Mount path, e.g. `/realtime`. Default `/realtime`.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// Transports offered as upgrades in the handshake.
    pub(crate) fn upgrades(&self) -> Vec<TransportKind> {
        self.transports
            .iter()
            .copied()
            .filter(|t| *t == TransportKind::Websocket)
            .collect()
    }
}

/// Why a configuration was refused by [`crate::Builder::build`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A duration that must be positive is zero.
    #[error("{0} must be greater than zero")]
    ZeroDuration(&'static str),
    /// A size that must be positive is zero.
    #[error("{0} must be greater than zero")]
    ZeroSize(&'static str),
    /// No transport is allowed.
    #[error("at least one transport must be allowed")]
    NoTransport,
    /// The path does not start with `/`, or ends with one.
    #[error("path must start with '/' and not end with '/': {0:?}")]
    BadPath(String),
}

impl Config {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        for (name, d) in [
            ("ping_interval", self.ping_interval),
            ("ping_timeout", self.ping_timeout),
            ("grace_period", self.grace_period()),
            ("write_timeout", self.write_timeout),
        ] {
            if d.is_zero() {
                return Err(ConfigError::ZeroDuration(name));
            }
        }
        for (name, n) in [
            ("max_payload_bytes", self.max_payload_bytes),
            ("max_queued_packets", self.max_queued_packets),
            ("max_inbound_events", self.max_inbound_events),
            (
                "streaming_response_limit_bytes",
                self.streaming_response_limit_bytes,
            ),
        ] {
            if n == 0 {
                return Err(ConfigError::ZeroSize(name));
            }
        }
        if self.transports.is_empty() {
            return Err(ConfigError::NoTransport);
        }
        if !self.path.starts_with('/') || (self.path.len() > 1 && self.path.ends_with('/')) {
            return Err(ConfigError::BadPath(self.path.clone()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let c = Config::default();
        c.validate().unwrap();
        assert_eq!(c.ping_interval(), Duration::from_secs(25));
        assert_eq!(c.ping_timeout(), Duration::from_secs(20));
        assert_eq!(c.grace_period(), Duration::from_secs(45));
        assert_eq!(c.max_payload_bytes(), 1 << 20);
        assert_eq!(c.transports().len(), 4);
    }

    #[test]
    fn invalid_values_are_refused() {
        let c = Config {
            ping_interval: Duration::ZERO,
            ..Config::default()
        };
        assert_eq!(
            c.validate(),
            Err(ConfigError::ZeroDuration("ping_interval"))
        );
        let c = Config {
            path: "realtime/".into(),
            ..Config::default()
        };
        assert!(matches!(c.validate(), Err(ConfigError::BadPath(_))));
        let c = Config {
            transports: BTreeSet::new(),
            ..Config::default()
        };
        assert_eq!(c.validate(), Err(ConfigError::NoTransport));
    }

    #[test]
    fn origin_list_allows_only_listed_and_originless() {
        let o = AllowedOrigins::List(["http://a".to_owned()].into());
        assert!(o.allows(None));
        assert!(o.allows(Some("http://a")));
        assert!(!o.allows(Some("http://b")));
        assert!(AllowedOrigins::Any.allows(Some("http://b")));
    }
}
