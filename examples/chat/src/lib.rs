//! A multi-room chat on Switchyard, as a library so that tests can start it in-process; the
//! binary (`main.rs`) only parses the command line and calls [`run`].
//!
//! [`chat_app`] registers the event handlers on a builder; [`run`] serves the page at `/` and
//! the Switchyard endpoint at [`ENDPOINT_PATH`] on one listener.
//!
//! Event contract; every client event asks for an ack:
//!
//! - `nick {name}` → `{ok:true}`, or `{ok:false,error:"bad-name"}` for an empty (or blank)
//!   name or one over 32 characters. Until then a socket is `anon-` + the first 6 characters
//!   of its id.
//! - `join {room}` → `{ok:true,room,members}` (names, sorted, the joiner included), or
//!   `{ok:false,error:"bad-room"}` for an empty room or one over 64 characters; the room's other
//!   members receive `joined {room,who}`.
//! - `leave {room}` → `{ok:true}`; the other members receive `left {room,who}`.
//! - `say {room,text}` → `{ok:true,id}` (ids increase server-wide), or
//!   `{ok:false,error:"not-in-room"}`; every member, the sender included, receives
//!   `message {room,from,text,id,ts}` (`ts` in unix milliseconds).
//!
//! A socket that ends leaves every room: the remaining members receive `left`.
//!
//! Membership is kept here, under one lock, rather than read back from the adapter: member
//! names must be listed in `join`'s ack and after a socket is gone (the server has already
//! removed it from its rooms when disconnect handlers run). Each handler updates the lists and
//! emits under that lock, so every member sees joins, leaves and messages in one order, the
//! order of the message ids. Emitting only queues packets and never calls back into this
//! code, so holding the lock there cannot deadlock; nothing here awaits while holding it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::convert::Infallible;
use std::future::{ready, Future};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::{json, Value};
use switchyard::{BoxError, Builder, RequestBody, ResponseBody, Socket, Switchyard};
use tokio::net::TcpListener;
use tower::Layer as _;

/// Where the Switchyard endpoint is mounted.
pub const ENDPOINT_PATH: &str = "/realtime";

/// The page served at `/`.
pub const INDEX_HTML: &str = include_str!("../static/index.html");

const MAX_NAME_CHARS: usize = 32;
const MAX_ROOM_CHARS: usize = 64;
/// How long a shutdown waits for sessions to deliver their close packet.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Server settings that the command line can change; `None` keeps Switchyard's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Time between server pings.
    pub ping_interval: Option<Duration>,
    /// Time the server waits for a pong.
    pub ping_timeout: Option<Duration>,
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

  --listen ADDR          address to listen on (default 127.0.0.1:3000)
  --ping-interval-ms N   time between server pings (default 25000)
  --ping-timeout-ms N    time to wait for a pong (default 20000)

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
    let mut builder = chat_app(Switchyard::builder().path(ENDPOINT_PATH));
    if let Some(d) = options.ping_interval {
        builder = builder.ping_interval(d);
    }
    if let Some(d) = options.ping_timeout {
        builder = builder.ping_timeout(d);
    }
    let (layer, server) = builder.build_layer()?;
    let service = layer.layer(tower::service_fn(page));
    tokio::select! {
        served = switchyard::serve(listener, service) => served?,
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

/// Registers the chat on `builder`: one `on_connection` that installs every event handler and
/// the disconnect handler.
pub fn chat_app(builder: Builder) -> Builder {
    let chat = Arc::new(Chat::default());
    builder.on_connection(move |socket| {
        chat.register(&socket);
        ready(())
    })
}

#[derive(Deserialize)]
struct NickArgs {
    name: String,
}

#[derive(Deserialize)]
struct RoomArgs {
    room: String,
}

#[derive(Deserialize)]
struct SayArgs {
    room: String,
    text: String,
}

/// The nick chosen by a socket, kept in its data slot.
#[derive(Debug, Clone)]
struct Nick(String);

#[derive(Debug, Default)]
struct Chat {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// room -> socket id -> display name. Empty rooms are removed.
    rooms: HashMap<String, BTreeMap<String, String>>,
    /// socket id -> its rooms (the reverse index, for renames and disconnects).
    joined: HashMap<String, BTreeSet<String>>,
    /// The id of the last message; ids increase server-wide.
    last_id: u64,
}

impl State {
    /// Adds `sid` to `room` as `name`; false when it was already there.
    fn add(&mut self, room: &str, sid: &str, name: &str) -> bool {
        let members = self.rooms.entry(room.to_owned()).or_default();
        if members.contains_key(sid) {
            return false;
        }
        members.insert(sid.to_owned(), name.to_owned());
        self.joined
            .entry(sid.to_owned())
            .or_default()
            .insert(room.to_owned());
        true
    }

    /// Removes `sid` from `room`; its display name when it was there.
    fn remove(&mut self, room: &str, sid: &str) -> Option<String> {
        let members = self.rooms.get_mut(room)?;
        let name = members.remove(sid)?;
        if members.is_empty() {
            self.rooms.remove(room);
        }
        if let Some(rooms) = self.joined.get_mut(sid) {
            rooms.remove(room);
            if rooms.is_empty() {
                self.joined.remove(sid);
            }
        }
        Some(name)
    }

    fn member_names(&self, room: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .rooms
            .get(room)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }
}

impl Chat {
    fn register(self: &Arc<Self>, socket: &Socket) {
        tracing::info!(sid = socket.id(), transport = %socket.transport(), "connected");
        let chat = self.clone();
        socket.on("nick", move |s, a: NickArgs| ready(chat.nick(&s, a.name)));
        let chat = self.clone();
        socket.on("join", move |s, a: RoomArgs| ready(chat.join(&s, a.room)));
        let chat = self.clone();
        socket.on("leave", move |s, a: RoomArgs| {
            ready(chat.leave(&s, &a.room))
        });
        let chat = self.clone();
        socket.on("say", move |s, a: SayArgs| ready(chat.say(&s, a)));
        let chat = self.clone();
        socket.on_disconnect(move |s, reason| {
            tracing::info!(sid = s.id(), %reason, "disconnected");
            chat.disconnected(&s);
            ready(())
        });
    }

    fn nick(&self, socket: &Socket, name: String) -> Value {
        if name.trim().is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return json!({ "ok": false, "error": "bad-name" });
        }
        let mut st = self.state.lock();
        let State { rooms, joined, .. } = &mut *st;
        for room in joined.get(socket.id()).into_iter().flatten() {
            if let Some(entry) = rooms.get_mut(room).and_then(|m| m.get_mut(socket.id())) {
                entry.clone_from(&name);
            }
        }
        socket.set_data(Nick(name));
        json!({ "ok": true })
    }

    fn join(&self, socket: &Socket, room: String) -> Value {
        if room.is_empty() || room.chars().count() > MAX_ROOM_CHARS {
            return json!({ "ok": false, "error": "bad-room" });
        }
        let who = display_name(socket);
        let mut st = self.state.lock();
        // A handler may still run after its session ended; joining then would leave a member
        // that no disconnect handler removes.
        if !socket.connected() {
            return json!({ "ok": false, "error": "disconnected" });
        }
        if st.add(&room, socket.id(), &who) {
            socket.join(room.clone());
            emit_logged(
                socket.to(room.clone()),
                "joined",
                &json!({ "room": room, "who": who }),
            );
        }
        json!({ "ok": true, "room": room, "members": st.member_names(&room) })
    }

    fn leave(&self, socket: &Socket, room: &str) -> Value {
        let mut st = self.state.lock();
        if let Some(who) = st.remove(room, socket.id()) {
            socket.leave(room);
            emit_logged(
                socket.to(room),
                "left",
                &json!({ "room": room, "who": who }),
            );
        }
        json!({ "ok": true })
    }

    fn say(&self, socket: &Socket, SayArgs { room, text }: SayArgs) -> Value {
        let mut st = self.state.lock();
        let Some(from) = st
            .rooms
            .get(&room)
            .and_then(|m| m.get(socket.id()))
            .cloned()
        else {
            return json!({ "ok": false, "error": "not-in-room" });
        };
        st.last_id += 1;
        let id = st.last_id;
        let message =
            json!({ "room": room, "from": from, "text": text, "id": id, "ts": unix_millis() });
        if let Err(e) = socket.emit("message", &message) {
            tracing::debug!(sid = socket.id(), error = %e, "message not queued for its sender");
        }
        emit_logged(socket.to(room), "message", &message);
        json!({ "ok": true, "id": id })
    }

    fn disconnected(&self, socket: &Socket) {
        let mut st = self.state.lock();
        let rooms = st.joined.get(socket.id()).cloned().unwrap_or_default();
        for room in rooms {
            if let Some(who) = st.remove(&room, socket.id()) {
                emit_logged(
                    socket.to(room.clone()),
                    "left",
                    &json!({ "room": room, "who": who }),
                );
            }
        }
    }
}

/// The nick, or `anon-` and the first 6 characters of the socket id.
fn display_name(socket: &Socket) -> String {
    match socket.data::<Nick>() {
        Some(Nick(name)) => name,
        None => format!("anon-{}", socket.id().chars().take(6).collect::<String>()),
    }
}

fn emit_logged(to: switchyard::BroadcastOperator, event: &str, data: &Value) {
    if let Err(e) = to.emit(event, data) {
        tracing::warn!(event, error = %e, "broadcast failed");
    }
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
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
        ])
        .unwrap()
        .unwrap();
        assert_eq!(cli.listen, "0.0.0.0:80");
        assert_eq!(cli.options.ping_interval, Some(Duration::from_millis(100)));
        assert_eq!(cli.options.ping_timeout, Some(Duration::from_millis(50)));
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--listen"]).is_err());
        assert!(parse(&["--ping-timeout-ms", "0"]).is_err());
        assert!(parse(&["--ping-timeout-ms", "x"]).is_err());
        assert!(parse(&["--port", "1"]).is_err());
    }

    #[test]
    fn membership_keeps_both_indexes_in_step() {
        let mut st = State::default();
        assert!(st.add("a", "s1", "zed"));
        assert!(!st.add("a", "s1", "zed"));
        assert!(st.add("a", "s2", "amy"));
        assert!(st.add("b", "s1", "zed"));
        assert_eq!(st.member_names("a"), ["amy", "zed"]);
        assert_eq!(st.remove("a", "s1").as_deref(), Some("zed"));
        assert_eq!(st.remove("a", "s1"), None);
        assert_eq!(st.remove("b", "s1").as_deref(), Some("zed"));
        assert!(!st.rooms.contains_key("b"));
        assert!(!st.joined.contains_key("s1"));
    }
}
