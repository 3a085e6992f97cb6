//! The registry of live sessions, by id, and session id generation.
//!
//! A session is in the registry from its handshake until its task removes it on close; the
//! registry's size is the "session count" that the reaping tests watch return to zero.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use parking_lot::RwLock;
use rand::RngCore as _;

use crate::socket::Socket;

/// A new session id: 128 bits from the OS-seeded CSPRNG, as 22 characters of URL-safe base64.
pub(crate) fn new_sid() -> Arc<str> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(bytes)
        .into()
}

#[derive(Debug, Default)]
pub(crate) struct Registry {
    sockets: RwLock<HashMap<Arc<str>, Socket>>,
}

impl Registry {
    pub(crate) fn insert(&self, socket: Socket) {
        self.sockets
            .write()
            .insert(socket.sid_arc().clone(), socket);
    }

    pub(crate) fn remove(&self, sid: &str) {
        self.sockets.write().remove(sid);
    }

    pub(crate) fn get(&self, sid: &str) -> Option<Socket> {
        self.sockets.read().get(sid).cloned()
    }

    pub(crate) fn len(&self) -> usize {
        self.sockets.read().len()
    }

    pub(crate) fn all(&self) -> Vec<Socket> {
        self.sockets.read().values().cloned().collect()
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
