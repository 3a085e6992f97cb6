//! Binary values inside event arguments.
//!
//! Applications put [`Binary`] anywhere in the values they emit or receive. On the wire each one
//! becomes a placeholder `{"$bin": i}` plus attachment `i`, sent as raw bytes in a WebSocket
//! binary frame or as base64 on text transports; the application sees the same bytes either way.
//! serde has no notion of side channels, so serialisation and deserialisation run inside a
//! scope that holds the packet's attachment list in a thread-local; outside such a scope a
//! `Binary` is an ordinary array of bytes. The scopes never await, so the thread-local cannot
//! leak across tasks.

use std::cell::RefCell;
use std::fmt;

use bytes::Bytes;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A binary value in event arguments. Derefs to its bytes.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Binary(pub Bytes);

impl Binary {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Bytes>) -> Binary {
        Binary(bytes.into())
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl std::ops::Deref for Binary {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Self {
        Binary(v.into())
    }
}

thread_local! {
    static OUT: RefCell<Option<Vec<Bytes>>> = const { RefCell::new(None) };
    static IN: RefCell<Option<Vec<Bytes>>> = const { RefCell::new(None) };
}

/// The key of a placeholder object.
pub(crate) const PLACEHOLDER_KEY: &str = "$bin";

/// Serialises `value` as a JSON array of one argument, collecting binary attachments.
pub(crate) fn to_args<T: Serialize + ?Sized>(
    value: &T,
) -> Result<(Vec<u8>, Vec<Bytes>), serde_json::Error> {
    let previous = OUT.with(|o| o.borrow_mut().replace(Vec::new()));
    let mut json = Vec::with_capacity(64);
    json.push(b'[');
    let result = serde_json::to_writer(&mut json, value);
    let bins = OUT.with(|o| std::mem::replace(&mut *o.borrow_mut(), previous));
    result?;
    json.push(b']');
    Ok((json, bins.unwrap_or_default()))
}

/// Deserialises `json` with `bins` available to [`Binary`] placeholders.
pub(crate) fn from_json<T: de::DeserializeOwned>(
    json: &str,
    bins: &[Bytes],
) -> Result<T, serde_json::Error> {
    let previous = IN.with(|i| i.borrow_mut().replace(bins.to_vec()));
    let result = serde_json::from_str(json);
    IN.with(|i| *i.borrow_mut() = previous);
    result
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let index = OUT.with(|o| {
            o.borrow_mut().as_mut().map(|bins| {
                bins.push(self.0.clone());
                bins.len() - 1
            })
        });
        match index {
            Some(i) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(PLACEHOLDER_KEY, &i)?;
                map.end()
            }
            None => serializer.collect_seq(self.0.iter()),
        }
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BinaryVisitor)
    }
}

struct BinaryVisitor;

impl<'de> Visitor<'de> for BinaryVisitor {
    type Value = Binary;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a binary placeholder {\"$bin\": index} or an array of bytes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Binary, A::Error> {
        let key: String = map
            .next_key()?
            .ok_or_else(|| de::Error::custom("empty object is not a binary placeholder"))?;
        if key != PLACEHOLDER_KEY {
            return Err(de::Error::custom(format!(
                "unexpected key {key:?} in binary"
            )));
        }
        let index: usize = map.next_value()?;
        IN.with(|i| {
            i.borrow()
                .as_ref()
                .and_then(|bins| bins.get(index).cloned())
                .map(Binary)
                .ok_or_else(|| de::Error::custom(format!("no binary attachment {index}")))
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Binary, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(b) = seq.next_element::<u8>()? {
            out.push(b);
        }
        Ok(Binary::from(out))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Binary, E> {
        Ok(Binary(Bytes::copy_from_slice(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct File {
        name: String,
        data: Binary,
    }

    #[test]
    fn binary_round_trips_through_placeholders() {
        let file = File {
            name: "a".into(),
            data: Binary::new(vec![0u8, 1, 255]),
        };
        let (json, bins) = to_args(&file).unwrap();
        assert_eq!(json, br#"[{"name":"a","data":{"$bin":0}}]"#);
        assert_eq!(bins, vec![Bytes::from_static(&[0, 1, 255])]);
        let back: (File,) = from_json(std::str::from_utf8(&json).unwrap(), &bins).unwrap();
        assert_eq!(back.0, file);
    }

    #[test]
    fn missing_attachment_is_an_error_not_a_panic() {
        let r: Result<(Binary,), _> = from_json(r#"[{"$bin":3}]"#, &[]);
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("no binary attachment 3"));
    }

    #[test]
    fn outside_a_scope_binary_is_a_byte_array() {
        assert_eq!(
            serde_json::to_string(&Binary::new(vec![1u8, 2])).unwrap(),
            "[1,2]"
        );
    }
}
