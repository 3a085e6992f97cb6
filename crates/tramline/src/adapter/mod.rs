//! Room membership behind a trait, so that a later Redis adapter can share rooms across nodes
//! without any public type growing a type parameter: the server holds an `Arc<dyn Adapter>`.
//!
//! An adapter only answers "who is in these rooms"; delivering to a session stays with the
//! server. Implementations must not call back into the server while holding their own locks.

mod local;

pub use local::LocalAdapter;

/// Which sockets a broadcast reaches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// Rooms to reach; empty means every socket.
    pub rooms: Vec<String>,
    /// Sockets in any of these rooms are skipped.
    pub except_rooms: Vec<String>,
    /// These socket ids are skipped.
    pub except_sockets: Vec<std::sync::Arc<str>>,
}

/// Room membership for the sockets of this node.
pub trait Adapter: Send + Sync + 'static {
    /// Adds socket `sid` to `room`.
    fn join(&self, sid: &std::sync::Arc<str>, room: &str);
    /// Removes socket `sid` from `room`.
    fn leave(&self, sid: &str, room: &str);
    /// Removes socket `sid` from every room (called when its session ends).
    fn leave_all(&self, sid: &str);
    /// The rooms of socket `sid`.
    fn rooms_of(&self, sid: &str) -> Vec<String>;
    /// Ids of this node's sockets in `target.rooms` minus the exceptions. With no rooms, the
    /// adapter returns every socket it knows in some room, and the server adds the rest.
    fn members(&self, target: &Target) -> Vec<std::sync::Arc<str>>;
    /// Calls `f` with each id [`members`](Self::members) would return. A broadcast uses this:
    /// an adapter that can walk its members in place saves a copy of the list per broadcast.
    /// `f` only looks the id up; it never calls back into the adapter.
    fn for_each_member(&self, target: &Target, f: &mut dyn FnMut(&std::sync::Arc<str>)) {
        for sid in self.members(target) {
            f(&sid);
        }
    }
    /// Whether socket `sid` is in any of `rooms`.
    fn in_any(&self, sid: &str, rooms: &[String]) -> bool;
}
