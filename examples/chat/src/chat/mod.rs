//! The chat itself: rooms, nicks and messages over Tramline events.
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
//! - `lag` → the server emits `lag?` to the client asking for an ack, and answers `{ok:true,ms}`
//!   with the round trip in milliseconds (`{ok:false,error:"no-answer"}` after 5 s): a
//!   server-to-client ack the page shows as the connection's latency.
//! - `share {room,name,data}` with `data` binary (at most 256 KiB) → `{ok:true,id}`, or
//!   `{ok:false,error}` (`not-in-room`, `too-large`); every member, the sender included,
//!   receives `shared {room,from,name,data,id}` with the same bytes.
//!
//! A socket that ends leaves every room: the remaining members receive `left`.
//!
//! Membership is kept here, under one lock, rather than read back from the adapter: member
//! names must be listed in `join`'s ack and after a socket is gone (the server has already
//! removed it from its rooms when disconnect handlers run). Each handler updates the lists and
//! emits under that lock, so every member sees joins, leaves and messages in one order, the
//! order of the message ids. Emitting only queues packets and never calls back into this
//! code, so holding the lock there cannot deadlock; nothing here awaits while holding it.

use std::future::ready;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tramline::{Binary, Builder, Socket};

use state::State;

mod state;

const MAX_NAME_CHARS: usize = 32;
const MAX_ROOM_CHARS: usize = 64;
const MAX_SHARE_BYTES: usize = 256 * 1024;
/// How long `lag` waits for the client's answer.
const LAG_TIMEOUT: Duration = Duration::from_secs(5);

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
struct ShareArgs {
    room: String,
    name: String,
    data: Binary,
}

/// A shared file as members receive it; `data` goes out as a binary attachment.
#[derive(Serialize)]
struct Shared<'a> {
    room: &'a str,
    from: &'a str,
    name: &'a str,
    data: &'a Binary,
    id: u64,
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
        socket.on("share", move |s, a: ShareArgs| ready(chat.share(&s, a)));
        socket.on("lag", |s, _: Value| async move { lag(&s).await });
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

    fn share(&self, socket: &Socket, ShareArgs { room, name, data }: ShareArgs) -> Value {
        if data.len() > MAX_SHARE_BYTES {
            return json!({ "ok": false, "error": "too-large" });
        }
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
        let shared = Shared {
            room: &room,
            from: &from,
            name: &name,
            data: &data,
            id,
        };
        if let Err(e) = socket.emit("shared", &shared) {
            tracing::debug!(sid = socket.id(), error = %e, "share not queued for its sender");
        }
        emit_logged(socket.to(room.as_str()), "shared", &shared);
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

/// Asks the client for an ack and reports the round trip.
async fn lag(socket: &Socket) -> Value {
    let start = Instant::now();
    match socket
        .emit_with_ack::<_, Value>("lag?", &json!({}), LAG_TIMEOUT)
        .await
    {
        Ok(_) => json!({ "ok": true, "ms": start.elapsed().as_millis() as u64 }),
        Err(e) => json!({ "ok": false, "error": "no-answer", "message": e.to_string() }),
    }
}

fn emit_logged<T: Serialize>(to: tramline::BroadcastOperator, event: &str, data: &T) {
    if let Err(e) = to.emit(event, data) {
        tracing::warn!(event, error = %e, "broadcast failed");
    }
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
