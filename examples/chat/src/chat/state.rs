//! Chat state without any I/O: who is in which room under which name. Kept apart from the
//! handlers so that its bookkeeping can be tested without a server; it never emits.

use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Default)]
pub(super) struct State {
    /// room -> socket id -> display name. Empty rooms are removed.
    pub(super) rooms: HashMap<String, BTreeMap<String, String>>,
    /// socket id -> its rooms (the reverse index, for renames and disconnects).
    pub(super) joined: HashMap<String, BTreeSet<String>>,
    /// The id of the last message; ids increase server-wide.
    pub(super) last_id: u64,
}

impl State {
    /// Adds `sid` to `room` as `name`; false when it was already there.
    pub(super) fn add(&mut self, room: &str, sid: &str, name: &str) -> bool {
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
    pub(super) fn remove(&mut self, room: &str, sid: &str) -> Option<String> {
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

    pub(super) fn member_names(&self, room: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .rooms
            .get(room)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
