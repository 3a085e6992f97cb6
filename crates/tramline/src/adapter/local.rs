//! The in-memory adapter: two maps (room → sockets, socket → rooms) under one lock, so that a
//! join or leave updates both atomically.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use parking_lot::RwLock;

use super::{Adapter, Target};

/// Rooms held in this process. The default adapter.
#[derive(Debug, Default)]
pub struct LocalAdapter {
    inner: RwLock<Maps>,
}

#[derive(Debug, Default)]
struct Maps {
    rooms: HashMap<String, HashSet<Arc<str>>>,
    sockets: HashMap<Arc<str>, HashSet<String>>,
}

impl Adapter for LocalAdapter {
    fn join(&self, sid: &Arc<str>, room: &str) {
        let mut m = self.inner.write();
        m.rooms
            .entry(room.to_owned())
            .or_default()
            .insert(sid.clone());
        m.sockets
            .entry(sid.clone())
            .or_default()
            .insert(room.to_owned());
    }

    fn leave(&self, sid: &str, room: &str) {
        let mut m = self.inner.write();
        if let Some(members) = m.rooms.get_mut(room) {
            members.remove(sid);
            if members.is_empty() {
                m.rooms.remove(room);
            }
        }
        if let Some(rooms) = m.sockets.get_mut(sid) {
            rooms.remove(room);
            if rooms.is_empty() {
                m.sockets.remove(sid);
            }
        }
    }

    fn leave_all(&self, sid: &str) {
        let mut m = self.inner.write();
        let Some(rooms) = m.sockets.remove(sid) else {
            return;
        };
        for room in rooms {
            if let Some(members) = m.rooms.get_mut(&room) {
                members.remove(sid);
                if members.is_empty() {
                    m.rooms.remove(&room);
                }
            }
        }
    }

    fn rooms_of(&self, sid: &str) -> Vec<String> {
        let m = self.inner.read();
        let mut rooms: Vec<String> = m
            .sockets
            .get(sid)
            .map(|r| r.iter().cloned().collect())
            .unwrap_or_default();
        rooms.sort_unstable();
        rooms
    }

    fn members(&self, target: &Target) -> Vec<Arc<str>> {
        let m = self.inner.read();
        let mut out: HashSet<Arc<str>> = HashSet::new();
        for room in &target.rooms {
            if let Some(members) = m.rooms.get(room) {
                out.extend(members.iter().cloned());
            }
        }
        for room in &target.except_rooms {
            if let Some(members) = m.rooms.get(room) {
                for sid in members {
                    out.remove(sid);
                }
            }
        }
        for sid in &target.except_sockets {
            out.remove(sid);
        }
        out.into_iter().collect()
    }

    fn for_each_member(&self, target: &Target, f: &mut dyn FnMut(&Arc<str>)) {
        if let ([room], []) = (&target.rooms[..], &target.except_rooms[..]) {
            let m = self.inner.read();
            let members = m.rooms.get(room).into_iter().flatten();
            for sid in members.filter(|sid| !target.except_sockets.contains(sid)) {
                f(sid);
            }
            return;
        }
        for sid in self.members(target) {
            f(&sid);
        }
    }

    fn in_any(&self, sid: &str, rooms: &[String]) -> bool {
        let m = self.inner.read();
        m.sockets
            .get(sid)
            .is_some_and(|mine| rooms.iter().any(|r| mine.contains(r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sid(s: &str) -> Arc<str> {
        Arc::from(s)
    }

    #[test]
    fn members_respect_rooms_and_exceptions() {
        let a = LocalAdapter::default();
        a.join(&sid("1"), "r");
        a.join(&sid("2"), "r");
        a.join(&sid("3"), "r");
        a.join(&sid("3"), "vip");
        let t = Target {
            rooms: vec!["r".into()],
            except_rooms: vec!["vip".into()],
            except_sockets: vec![sid("1")],
        };
        assert_eq!(a.members(&t), vec![sid("2")]);
        assert_eq!(a.rooms_of("3"), vec!["r".to_owned(), "vip".to_owned()]);
    }

    #[test]
    fn for_each_member_visits_what_members_returns() {
        let a = LocalAdapter::default();
        for (s, room) in [("1", "r"), ("2", "r"), ("3", "r"), ("3", "vip"), ("4", "s")] {
            a.join(&sid(s), room);
        }
        let targets = [
            // One room: walked in place.
            Target {
                rooms: vec!["r".into()],
                except_sockets: vec![sid("2")],
                ..Target::default()
            },
            // Several rooms and a room exception: through `members`.
            Target {
                rooms: vec!["r".into(), "s".into()],
                except_rooms: vec!["vip".into()],
                except_sockets: vec![],
            },
            Target {
                rooms: vec!["none".into()],
                ..Target::default()
            },
        ];
        for t in &targets {
            let mut walked = Vec::new();
            a.for_each_member(t, &mut |s| walked.push(s.clone()));
            let mut listed = a.members(t);
            walked.sort();
            listed.sort();
            assert_eq!(walked, listed, "{t:?}");
        }
        let mut one = Vec::new();
        a.for_each_member(&targets[0], &mut |s| one.push(s.clone()));
        one.sort();
        assert_eq!(one, vec![sid("1"), sid("3")]);
    }

    #[test]
    fn leave_all_empties_both_maps() {
        let a = LocalAdapter::default();
        a.join(&sid("1"), "r");
        a.join(&sid("1"), "s");
        a.leave_all("1");
        assert!(a.rooms_of("1").is_empty());
        assert!(a.inner.read().rooms.is_empty());
        a.join(&sid("2"), "r");
        a.leave("2", "r");
        assert!(a.inner.read().sockets.is_empty());
    }
}
