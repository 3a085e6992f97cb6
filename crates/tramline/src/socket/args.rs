//! Decoding an event's argument list into a handler's argument type, with its arity checked.
//!
//! Clients send a list of arguments (`emit("move", x, y)`). A handler takes one Rust type `T`,
//! and its *shape* says how many arguments it expects: a tuple `(A, B)` takes one argument per
//! element, `()` takes none, and any other type takes exactly one (none counts as `null`, so
//! `Option<T>` accepts a missing argument). Extra or missing arguments are an `invalid-args`
//! error with the counts, never dropped silently. serde does not expose a type's shape, so a
//! probe deserializer asks: it records the first request the type makes and stops there.

use std::fmt;

use serde::de::{self, DeserializeOwned, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::value::RawValue;
use tramline_protocol::Args;

use crate::binary;

/// How a type wants to be read from an argument list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `()`: no arguments.
    Unit,
    /// A tuple of this many elements: one argument each.
    Tuple(usize),
    /// Anything else: one argument.
    One,
}

#[derive(Debug)]
struct Probed(Shape);

impl fmt::Display for Probed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "probed {:?}", self.0)
    }
}

impl std::error::Error for Probed {}

impl de::Error for Probed {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Probed(Shape::One)
    }
}

struct Probe;

impl<'de> de::Deserializer<'de> for Probe {
    type Error = Probed;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed(Shape::One))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed(Shape::Unit))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, _: V) -> Result<V::Value, Probed> {
        Err(Probed(Shape::Tuple(len)))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit_struct newtype_struct seq tuple_struct map struct enum identifier
        ignored_any
    }
}

fn shape_of<T: DeserializeOwned>() -> Shape {
    match T::deserialize(Probe) {
        Err(Probed(shape)) => shape,
        // A type that builds itself from nothing at all (no request made): one argument.
        Ok(_) => Shape::One,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Decodes an event's arguments as `T`, or says why they do not fit (the `invalid-args`
/// message).
pub(crate) fn decode_args<T: DeserializeOwned>(args: &Args) -> Result<T, String> {
    let list: Vec<&RawValue> =
        serde_json::from_str(args.json_str()).map_err(|e| format!("args: {e}"))?;
    let got = list.len();
    let arity_error = |expected: usize| {
        format!(
            "expected {expected} argument{}, got {got}",
            plural(expected)
        )
    };
    let result = match shape_of::<T>() {
        Shape::Unit if got == 0 => binary::from_json("null", &args.bins),
        Shape::Unit => return Err(arity_error(0)),
        Shape::Tuple(n) if n == got => binary::from_json(args.json_str(), &args.bins),
        Shape::Tuple(n) => return Err(arity_error(n)),
        Shape::One if got > 1 => return Err(arity_error(1)),
        Shape::One => binary::from_json(list.first().map_or("null", |r| r.get()), &args.bins),
    };
    result.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    fn args(json: &'static str) -> Args {
        Args::new(json, vec![]).unwrap()
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Pos {
        x: i32,
    }

    #[test]
    fn a_single_type_takes_exactly_one_argument() {
        let v: serde_json::Value = decode_args(&args(r#"[{"a":1}]"#)).unwrap();
        assert_eq!(v, serde_json::json!({"a":1}));
        let p: Pos = decode_args(&args(r#"[{"x":3}]"#)).unwrap();
        assert_eq!(p, Pos { x: 3 });
        let err = decode_args::<Pos>(&args(r#"[{"x":3},4]"#)).unwrap_err();
        assert_eq!(err, "expected 1 argument, got 2");
        assert!(decode_args::<String>(&args("[2]")).is_err());
    }

    #[test]
    fn a_missing_argument_is_null_so_only_optional_types_accept_it() {
        assert_eq!(decode_args::<Option<u8>>(&Args::empty()).unwrap(), None);
        assert!(decode_args::<u8>(&Args::empty()).is_err());
    }

    #[test]
    fn a_tuple_takes_one_argument_per_element() {
        let (a, b): (String, u32) = decode_args(&args(r#"["x",2]"#)).unwrap();
        assert_eq!((a.as_str(), b), ("x", 2));
        assert_eq!(
            decode_args::<(String, u32)>(&args(r#"["x",2,3]"#)).unwrap_err(),
            "expected 2 arguments, got 3"
        );
        assert_eq!(
            decode_args::<(String, u32)>(&args(r#"["x"]"#)).unwrap_err(),
            "expected 2 arguments, got 1"
        );
        let (one,): (u8,) = decode_args(&args("[7]")).unwrap();
        assert_eq!(one, 7);
    }

    #[test]
    fn unit_takes_no_arguments() {
        decode_args::<()>(&Args::empty()).unwrap();
        assert_eq!(
            decode_args::<()>(&args("[1]")).unwrap_err(),
            "expected 0 arguments, got 1"
        );
    }

    #[test]
    fn binary_attachments_reach_tuple_elements() {
        let a = Args::new(
            r#"["f",{"$bin":0}]"#,
            vec![bytes::Bytes::from_static(b"hi")],
        )
        .unwrap();
        let (name, data): (String, crate::Binary) = decode_args(&a).unwrap();
        assert_eq!((name.as_str(), &data[..]), ("f", &b"hi"[..]));
    }
}
