//! The registry of live sessions, by id, and session id generation.
//!
//! A session is in the registry from its handshake until its task removes it on close; the
//! registry's size is the "session count" that the reaping tests watch return to zero.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use parking_lot::RwLock;
use rand::RngCore as _;

use crate::session::Session;
use crate::socket::Socket;

/// A new session id: 128 bits from the OS-seeded CSPRNG, as 22 characters of URL-safe base64.
pub(crate) fn new_sid() -> Arc<str> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(bytes)
        .into()
}

/// Ids are random, and only the server's own ids are ever inserted, so a fast hasher with a
/// per-process seed is safe here; a broadcast probes the map once per recipient.
type Map = HashMap<Arc<str>, Entry, foldhash::fast::RandomState>;

/// A registered socket and its session, kept side by side so that a broadcast reaches the
/// session without going through the socket.
#[derive(Debug)]
struct Entry {
    socket: Socket,
    session: Arc<Session>,
}

#[derive(Debug, Default)]
pub(crate) struct Registry {
    sockets: RwLock<Map>,
}

impl Registry {
    pub(crate) fn insert(&self, socket: Socket) {
        let entry = Entry {
            session: socket.session().clone(),
            socket,
        };
        self.sockets
            .write()
            .insert(entry.socket.sid_arc().clone(), entry);
    }

    pub(crate) fn remove(&self, sid: &str) {
        self.sockets.write().remove(sid);
    }

    pub(crate) fn get(&self, sid: &str) -> Option<Socket> {
        self.sockets.read().get(sid).map(|e| e.socket.clone())
    }

    /// Calls `f` with the session of every id that `ids` yields and that is still registered,
    /// all under one read lock: a broadcast neither copies its member list nor clones a handle
    /// per recipient. `f` must not touch the registry (it queues a packet).
    pub(crate) fn for_each_session(
        &self,
        ids: impl FnOnce(&mut dyn FnMut(&Arc<str>)),
        mut f: impl FnMut(&Session),
    ) {
        let sockets = self.sockets.read();
        ids(&mut |sid| {
            if let Some(entry) = sockets.get(sid) {
                f(&entry.session);
            }
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.sockets.read().len()
    }

    pub(crate) fn all(&self) -> Vec<Socket> {
        self.sockets
            .read()
            .values()
            .map(|e| e.socket.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_are_128_bit_url_safe_and_distinct() {
        let a = new_sid();
        let b = new_sid();
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
