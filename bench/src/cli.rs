//! Command line: `tramline-bench <scenario> --server <kind> --url <url> [options]`, as fixed by
//! the benchmark contract (scripts/bench relies on these exact names). Hand-parsed: a dozen
//! flags do not need a parser crate.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use tramline_protocol::TransportKind;

pub(crate) const USAGE: &str = "\
usage: tramline-bench <scenario> --server <tramline|socketio|socketioxide|bare> --url http://HOST:PORT
                        [--transport websocket|sse|streaming|polling] [--clients N] [--duration SECS]
                        [--payload BYTES] [--rate PER_CLIENT_PER_SEC] [--json PATH]
                        [--window N] [--hold SECS] [--server-pid PID]

scenarios:
  fanout         N websocket clients in a room, 1 publisher; deliveries/s       (N=1000)
  idle           N open idle sessions; prints `ready N`, waits for a stdin line  (N=10000)
                 or --hold SECS; with --server-pid, the server's RSS per session
  latency        N clients each emit `echo` --rate times/s; ack p50/p99/p99.9    (N=1000)
  http-fallback  fanout to N polling/sse/streaming clients; wire bytes per event (N=1000)
  connect        N concurrent workers open and close websocket sessions; /s      (N=64)

--url is the server's origin; its path, if any, replaces the endpoint prefix (/realtime for
tramline, /socket.io/ for socketio and socketioxide). --window bounds unanswered publishes
and undelivered events in fanout and http-fallback (default 64). Defaults: --duration 10,
--payload 100, --rate 10, --transport websocket (polling for http-fallback).";

/// A benchmark scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    Fanout,
    Idle,
    Latency,
    HttpFallback,
    Connect,
}

impl Scenario {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Scenario::Fanout => "fanout",
            Scenario::Idle => "idle",
            Scenario::Latency => "latency",
            Scenario::HttpFallback => "http-fallback",
            Scenario::Connect => "connect",
        }
    }

    fn default_clients(self) -> usize {
        match self {
            Scenario::Idle => 10_000,
            Scenario::Connect => 64,
            _ => 1000,
        }
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            Scenario::Fanout,
            Scenario::Idle,
            Scenario::Latency,
            Scenario::HttpFallback,
            Scenario::Connect,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| format!("unknown scenario {s:?}"))
    }
}

/// The server under test, which decides the protocol spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServerKind {
    Tramline,
    Socketio,
    Socketioxide,
    Bare,
}

impl ServerKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ServerKind::Tramline => "tramline",
            ServerKind::Socketio => "socketio",
            ServerKind::Socketioxide => "socketioxide",
            ServerKind::Bare => "bare",
        }
    }

    pub(crate) fn default_prefix(self) -> &'static str {
        match self {
            ServerKind::Tramline => "/realtime",
            ServerKind::Socketio | ServerKind::Socketioxide => "/socket.io/",
            ServerKind::Bare => "/",
        }
    }

    /// Transports this protocol has.
    pub(crate) fn transports(self) -> &'static [TransportKind] {
        match self {
            ServerKind::Tramline => &TransportKind::ALL,
            ServerKind::Socketio | ServerKind::Socketioxide => {
                &[TransportKind::Websocket, TransportKind::Polling]
            }
            ServerKind::Bare => &[TransportKind::Websocket],
        }
    }
}

impl FromStr for ServerKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            ServerKind::Tramline,
            ServerKind::Socketio,
            ServerKind::Socketioxide,
            ServerKind::Bare,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| format!("unknown server {s:?}"))
    }
}

/// The parsed command line.
#[derive(Debug, Clone)]
pub(crate) struct Cli {
    pub(crate) scenario: Scenario,
    pub(crate) server: ServerKind,
    pub(crate) url: String,
    pub(crate) transport: TransportKind,
    pub(crate) clients: usize,
    pub(crate) duration: Duration,
    pub(crate) payload: usize,
    pub(crate) rate: f64,
    pub(crate) json: Option<PathBuf>,
    pub(crate) window: u64,
    pub(crate) hold: Option<Duration>,
    pub(crate) server_pid: Option<u32>,
}

fn secs(flag: &str, v: &str) -> Result<Duration, String> {
    match v.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e6 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "{flag}: expected a positive number of seconds, got {v:?}"
        )),
    }
}

fn number<T: FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag}: expected a number, got {v:?}"))
}

impl Cli {
    /// Parses the arguments after the program name; `Ok(None)` for `--help`.
    pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Cli>, String> {
        let mut args = args.into_iter();
        let (mut scenario, mut server, mut url, mut transport) = (None, None, None, None);
        let (mut clients, mut duration, mut payload, mut rate) = (None, None, 100, 10.0);
        let (mut json, mut window, mut hold, mut server_pid) = (None, 64, None, None);
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                return Ok(None);
            }
            if !arg.starts_with("--") {
                if scenario.is_some() {
                    return Err(format!("unexpected argument {arg:?}"));
                }
                scenario = Some(arg.parse::<Scenario>()?);
                continue;
            }
            let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
            let v = value.as_str();
            match arg.as_str() {
                "--server" => server = Some(v.parse::<ServerKind>()?),
                "--url" => url = Some(value.clone()),
                "--transport" => {
                    transport = Some(v.parse::<TransportKind>().map_err(|e| e.to_string())?)
                }
                "--clients" => clients = Some(number::<usize>(&arg, v)?),
                "--duration" => duration = Some(secs(&arg, v)?),
                "--payload" => payload = number(&arg, v)?,
                "--rate" => rate = number(&arg, v)?,
                "--json" => json = Some(PathBuf::from(v)),
                "--window" => window = number(&arg, v)?,
                "--hold" => hold = Some(secs(&arg, v)?),
                "--server-pid" => server_pid = Some(number(&arg, v)?),
                _ => return Err(format!("unknown option {arg}")),
            }
        }
        let scenario = scenario.ok_or("missing <scenario>")?;
        let server = server.ok_or("missing --server")?;
        let url = url.ok_or("missing --url")?;
        let transport = transport.unwrap_or(match scenario {
            Scenario::HttpFallback => TransportKind::Polling,
            _ => TransportKind::Websocket,
        });
        let cli = Cli {
            scenario,
            server,
            url,
            transport,
            clients: clients.unwrap_or(scenario.default_clients()),
            duration: duration.unwrap_or(Duration::from_secs(10)),
            payload,
            rate,
            json,
            window,
            hold,
            server_pid,
        };
        cli.check()?;
        Ok(Some(cli))
    }

    fn check(&self) -> Result<(), String> {
        let t = self.transport;
        if !self.server.transports().contains(&t) {
            return Err(format!("{} has no {t} transport", self.server.as_str()));
        }
        match self.scenario {
            Scenario::Fanout | Scenario::Connect if t != TransportKind::Websocket => {
                return Err(format!("{} runs on websocket only", self.scenario.as_str()));
            }
            Scenario::HttpFallback if t == TransportKind::Websocket => {
                return Err("http-fallback needs --transport polling, sse or streaming".into());
            }
            _ => {}
        }
        if self.clients == 0 || self.clients > 10_000 {
            return Err("--clients must be between 1 and 10000 (open files)".into());
        }
        if !(self.rate > 0.0 && self.rate <= 10_000.0) {
            return Err("--rate must be in (0, 10000]".into());
        }
        if self.window == 0 {
            return Err("--window must be at least 1".into());
        }
        if self.payload > 512 * 1024 {
            return Err("--payload must be at most 524288 bytes".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<Cli>, String> {
        Cli::parse(s.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn defaults_follow_the_scenario() {
        let cli = parse("http-fallback --server tramline --url http://127.0.0.1:1")
            .unwrap()
            .unwrap();
        assert_eq!(cli.transport, TransportKind::Polling);
        assert_eq!(cli.clients, 1000);
        assert_eq!(cli.duration, Duration::from_secs(10));
        let cli = parse("idle --server bare --url http://x:1 --hold 2.5")
            .unwrap()
            .unwrap();
        assert_eq!(
            (cli.clients, cli.hold),
            (10_000, Some(Duration::from_millis(2500)))
        );
    }

    #[test]
    fn rejects_transports_a_server_or_scenario_lacks() {
        assert!(parse("idle --server socketio --url http://x:1 --transport sse").is_err());
        assert!(parse("fanout --server tramline --url http://x:1 --transport sse").is_err());
        assert!(parse("http-fallback --server bare --url http://x:1").is_err());
        assert!(parse("latency --server tramline --url http://x:1 --bogus 1").is_err());
        assert!(parse("--help").unwrap().is_none());
    }
}
