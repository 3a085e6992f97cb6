//! A multi-room chat on Tramline, as a library so that tests can start it in-process; the
//! binary (`main.rs`) only parses the command line and calls [`run`].
//!
//! [`chat_app`] registers the event handlers on a builder (the chat and its event contract are in
//! `chat.rs`); [`run`] serves the page at `/` and the Tramline endpoint at [`ENDPOINT_PATH`]
//! on one listener.
use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use serde_json::json;
use tokio::net::TcpListener;
use tower::Layer as _;
use tramline::{BoxError, RequestBody, ResponseBody, Tramline};

/// Where the Tramline endpoint is mounted.
pub const ENDPOINT_PATH: &str = "/realtime";

mod chat;

pub use chat::chat_app;

/// The page served at `/`.
pub const INDEX_HTML: &str = include_str!("../static/index.html");

/// The `tramline` IIFE build the page loads, served at `/tramline.iife.js`. It is a
/// committed copy of `client-js/dist/tramline.iife.js` (so that `cargo run` needs no
/// JavaScript toolchain); `npm run build` refreshes it and the client tests fail when it is
/// stale.
pub const CLIENT_JS: &str = include_str!("../static/tramline.iife.js");

/// How long a shutdown waits for sessions to deliver their close packet.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Server settings that the command line can change; `None` keeps Tramline's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Time between server pings.
    pub ping_interval: Option<Duration>,
    /// Time the server waits for a pong.
    pub ping_timeout: Option<Duration>,
    /// Origins allowed to use the endpoint; empty allows any.
    pub allowed_origins: Vec<String>,
}

/// The command line of the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cli {
    /// Address to listen on (`host:port`).
    pub listen: String,
    /// Server settings.
    pub options: Options,
}

impl Cli {
    /// Usage text.
    pub const USAGE: &'static str = "\
usage: example-chat [--listen ADDR] [--ping-interval-ms N] [--ping-timeout-ms N]
                    [--allowed-origin ORIGIN]...

  --listen ADDR            address to listen on (default 127.0.0.1:3000)
  --ping-interval-ms N     time between server pings (default 25000)
  --ping-timeout-ms N      time to wait for a pong (default 20000)
  --allowed-origin ORIGIN  allow this Origin (e.g. http://127.0.0.1:8080); repeat for more;
                           without it any origin is allowed

Logging follows RUST_LOG (default info).";

    /// Parses the arguments after the program name; `Ok(None)` when help was asked for.
    /// Both `--flag value` and `--flag=value` are accepted.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Cli>, String> {
        let mut cli = Cli {
            listen: "127.0.0.1:3000".to_owned(),
            options: Options::default(),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                return Ok(None);
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
                None => (arg, None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--listen" => cli.listen = value()?,
                "--ping-interval-ms" => cli.options.ping_interval = Some(millis(&flag, &value()?)?),
                "--ping-timeout-ms" => cli.options.ping_timeout = Some(millis(&flag, &value()?)?),
                "--allowed-origin" => cli.options.allowed_origins.push(value()?),
                _ => return Err(format!("unknown argument {flag:?}")),
            }
        }
        Ok(Some(cli))
    }
}

fn millis(flag: &str, value: &str) -> Result<Duration, String> {
    match value.parse::<u64>() {
        Ok(n) if n > 0 => Ok(Duration::from_millis(n)),
        _ => Err(format!(
            "{flag} needs a positive number of milliseconds, not {value:?}"
        )),
    }
}

/// Serves the page and the endpoint on `listener` until `shutdown` completes, then closes
/// every session (clients receive close 4503) and waits briefly for them to go.
pub async fn run(
    listener: TcpListener,
    options: Options,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), BoxError> {
    let mut builder = chat_app(Tramline::builder().path(ENDPOINT_PATH));
    if let Some(d) = options.ping_interval {
        builder = builder.ping_interval(d);
    }
    if let Some(d) = options.ping_timeout {
        builder = builder.ping_timeout(d);
    }
    if !options.allowed_origins.is_empty() {
        builder = builder.allowed_origins(options.allowed_origins);
    }
    let (layer, server) = builder.build_layer()?;
    let service = layer.layer(tower::service_fn(page));
    tokio::select! {
        served = tramline::serve(listener, service) => served?,
        () = shutdown => {
            tracing::info!("shutting down");
            let left = server.shutdown(SHUTDOWN_GRACE).await;
            if left > 0 {
                tracing::warn!(sessions = left, "sessions still open after the shutdown grace");
            }
        }
    }
    Ok(())
}

/// Everything that is not the endpoint: the page at `/`, a JSON 404 for anything else.
async fn page(req: Request<RequestBody>) -> Result<Response<ResponseBody>, Infallible> {
    let is_page = matches!(req.uri().path(), "/" | "/index.html");
    let is_get = matches!(*req.method(), Method::GET | Method::HEAD);
    if is_get && req.uri().path() == "/tramline.iife.js" {
        return Ok(respond(
            StatusCode::OK,
            "application/javascript; charset=utf-8",
            ResponseBody::full(CLIENT_JS),
        ));
    }
    Ok(match *req.method() {
        Method::GET | Method::HEAD if is_page => respond(
            StatusCode::OK,
            "text/html; charset=utf-8",
            ResponseBody::full(INDEX_HTML),
        ),
        _ if is_page => json_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "use GET",
        ),
        _ => json_error(
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("nothing at {}", req.uri().path()),
        ),
    })
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response<ResponseBody> {
    let body = json!({ "error": code, "message": message }).to_string();
    respond(status, "application/json", ResponseBody::full(body))
}

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: ResponseBody,
) -> Response<ResponseBody> {
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Cli>, String> {
        Cli::parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn command_line_defaults_flags_and_errors() {
        let cli = parse(&[]).unwrap().unwrap();
        assert_eq!(cli.listen, "127.0.0.1:3000");
        assert_eq!(cli.options, Options::default());
        let cli = parse(&[
            "--listen",
            "0.0.0.0:80",
            "--ping-interval-ms=100",
            "--ping-timeout-ms",
            "50",
            "--allowed-origin",
            "http://a",
            "--allowed-origin=http://b",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(cli.listen, "0.0.0.0:80");
        assert_eq!(cli.options.ping_interval, Some(Duration::from_millis(100)));
        assert_eq!(cli.options.ping_timeout, Some(Duration::from_millis(50)));
        assert_eq!(cli.options.allowed_origins, ["http://a", "http://b"]);
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--listen"]).is_err());
        assert!(parse(&["--ping-timeout-ms", "0"]).is_err());
        assert!(parse(&["--ping-timeout-ms", "x"]).is_err());
        assert!(parse(&["--port", "1"]).is_err());
    }
}
