//! What a handler returns becomes its ack: any `Serialize` value, `()`, a `Result`, or an
//! explicit [`AckValue`].
//!
//! One blanket impl covers every `Serialize` type, so a `#[derive(Serialize)]` struct needs
//! nothing more. `Result` is itself `Serialize`, so it cannot have an impl of its own beside the
//! blanket one (they would overlap). Instead a probe serializer looks at the value's top level:
//! serde's `Result` serialises as the newtype variant `Result::Ok` / `Result::Err`, and `()` as
//! a unit. An `Ok` is a value ack, an `Err` an error ack, and `()` an ack with no arguments.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};
use tramline_protocol::{Args, ErrorBody};

use crate::binary;

/// What a handler answers: ack arguments, or an error sent as an error ack.
///
/// ```
/// use tramline::{AckValue, Tramline};
///
/// let builder = Tramline::builder().on_connection(|socket| async move {
///     socket.on("divide", |_socket, (a, b): (f64, f64)| async move {
///         if b == 0.0 {
///             AckValue::error("division-by-zero", "b must not be 0")
///         } else {
///             AckValue::value(&(a / b))
///         }
///     });
/// });
/// # let _ = builder;
/// ```
#[derive(Debug)]
pub struct AckValue(pub(crate) Result<Args, ErrorBody>);

impl AckValue {
    /// An error answer with a machine-readable `code` and a `message`.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> AckValue {
        AckValue(Err(ErrorBody {
            code: code.into(),
            message: message.into(),
        }))
    }

    /// An answer of one value.
    pub fn value<T: Serialize + ?Sized>(value: &T) -> AckValue {
        match binary::to_args(value) {
            Ok((json, bins)) => AckValue(Ok(Args::new(json, bins).unwrap_or_else(Args::empty))),
            Err(e) => AckValue::error("handler-error", format!("could not serialise ack: {e}")),
        }
    }

    /// An answer with no arguments.
    pub fn empty() -> AckValue {
        AckValue(Ok(Args::empty()))
    }

    /// The answer for any value, as a handler's return value is turned into its ack.
    fn of<T: Serialize + ?Sized>(value: &T) -> AckValue {
        match value.serialize(Probe) {
            Ok(answer) => answer,
            Err(NotSpecial) => AckValue::value(value),
        }
    }

    /// The error ack of `Err(e)`: a string is the message; an object with a `message` (and
    /// optionally a `code`) gives both; anything else is sent as its JSON text.
    fn of_error<E: Serialize + ?Sized>(e: &E) -> AckValue {
        const CODE: &str = "handler-error";
        match serde_json::to_value(e) {
            Ok(serde_json::Value::String(message)) => AckValue::error(CODE, message),
            Ok(serde_json::Value::Object(map))
                if map.get("message").is_some_and(|m| m.is_string()) =>
            {
                let text = |k: &str| map.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                AckValue::error(
                    text("code").unwrap_or_else(|| CODE.into()),
                    text("message").unwrap_or_default(),
                )
            }
            Ok(other) => AckValue::error(CODE, other.to_string()),
            Err(err) => AckValue::error(CODE, format!("could not serialise error: {err}")),
        }
    }
}

/// Turns a handler's return value into its ack. Implemented for every `Serialize` type (a
/// `Result` is an ack of its `Ok` value or an error ack of its `Err`; `()` an ack with no
/// arguments) and for [`AckValue`].
///
/// ```
/// use serde::Serialize;
/// use tramline::Tramline;
///
/// #[derive(Serialize)]
/// struct Joined { room: String, members: usize }
///
/// let builder = Tramline::builder().on_connection(|socket| async move {
///     socket.on("join", |socket, room: String| async move {
///         socket.join(room.clone());
///         Joined { members: socket.server().to(room.as_str()).sockets().len(), room }
///     });
///     socket.on("rename", |_socket, nick: String| async move {
///         if nick.is_empty() { Err("a nick cannot be empty") } else { Ok(nick) }
///     });
/// });
/// # let _ = builder;
/// ```
///
/// A type that cannot be serialised is refused at compile time, with a message that says what
/// to return:
///
/// ```compile_fail
/// struct NotSerialize;
/// let builder = tramline::Tramline::builder().on_connection(|socket| async move {
///     socket.on("x", |_socket, _: ()| async move { NotSerialize });
/// });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as an ack",
    label = "this handler returns `{Self}`",
    note = "return a value that implements `serde::Serialize` (e.g. `#[derive(Serialize)]`), \
            `()`, a `Result<T, E>` with both `T` and `E` serialisable (turn other errors into \
            a `String` with `.map_err(|e| e.to_string())`), or a `tramline::AckValue`"
)]
pub trait IntoAck {
    /// Converts.
    fn into_ack(self) -> AckValue;
}

impl<T: Serialize> IntoAck for T {
    fn into_ack(self) -> AckValue {
        AckValue::of(&self)
    }
}

impl IntoAck for AckValue {
    fn into_ack(self) -> AckValue {
        self
    }
}

/// The probe's "this is an ordinary value" answer.
#[derive(Debug)]
struct NotSpecial;

impl fmt::Display for NotSpecial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a unit or a Result")
    }
}

impl std::error::Error for NotSpecial {}

impl ser::Error for NotSpecial {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotSpecial
    }
}

/// Recognises `()` and serde's `Result` at the top level; refuses everything else at once.
struct Probe;

macro_rules! not_special {
    ($($name:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret, NotSpecial> { Err(NotSpecial) })*
    };
}

impl ser::Serializer for Probe {
    type Ok = AckValue;
    type Error = NotSpecial;
    type SerializeSeq = Impossible<AckValue, NotSpecial>;
    type SerializeTuple = Impossible<AckValue, NotSpecial>;
    type SerializeTupleStruct = Impossible<AckValue, NotSpecial>;
    type SerializeTupleVariant = Impossible<AckValue, NotSpecial>;
    type SerializeMap = Impossible<AckValue, NotSpecial>;
    type SerializeStruct = Impossible<AckValue, NotSpecial>;
    type SerializeStructVariant = Impossible<AckValue, NotSpecial>;

    fn serialize_unit(self) -> Result<AckValue, NotSpecial> {
        Ok(AckValue::empty())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<AckValue, NotSpecial> {
        match (name, variant) {
            ("Result", "Ok") => Ok(AckValue::of(value)),
            ("Result", "Err") => Ok(AckValue::of_error(value)),
            _ => Err(NotSpecial),
        }
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<AckValue, NotSpecial> {
        Err(NotSpecial)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<AckValue, NotSpecial> {
        Err(NotSpecial)
    }

    not_special! {
        serialize_bool(bool) -> AckValue;
        serialize_i8(i8) -> AckValue;
        serialize_i16(i16) -> AckValue;
        serialize_i32(i32) -> AckValue;
        serialize_i64(i64) -> AckValue;
        serialize_u8(u8) -> AckValue;
        serialize_u16(u16) -> AckValue;
        serialize_u32(u32) -> AckValue;
        serialize_u64(u64) -> AckValue;
        serialize_f32(f32) -> AckValue;
        serialize_f64(f64) -> AckValue;
        serialize_char(char) -> AckValue;
        serialize_str(&str) -> AckValue;
        serialize_bytes(&[u8]) -> AckValue;
        serialize_none() -> AckValue;
        serialize_unit_struct(&'static str) -> AckValue;
        serialize_unit_variant(&'static str, u32, &'static str) -> AckValue;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;

    fn json(ack: AckValue) -> String {
        ack.0.unwrap().json_str().to_owned()
    }

    #[derive(Serialize)]
    struct Joined {
        room: &'static str,
    }

    #[derive(Serialize)]
    struct Refusal {
        code: &'static str,
        message: &'static str,
    }

    #[test]
    fn any_serialize_value_is_a_value_ack() {
        assert_eq!(json(Joined { room: "a" }.into_ack()), r#"[{"room":"a"}]"#);
        assert_eq!(json(5u8.into_ack()), "[5]");
        assert_eq!(json(Some("x").into_ack()), r#"["x"]"#);
        assert_eq!(json(None::<u8>.into_ack()), "[null]");
        assert_eq!(json(serde_json::json!({"a": 1}).into_ack()), r#"[{"a":1}]"#);
    }

    #[test]
    fn unit_is_an_ack_with_no_arguments() {
        assert_eq!(json(().into_ack()), "[]");
        assert_eq!(json(Ok::<(), String>(()).into_ack()), "[]");
    }

    #[test]
    fn results_map_to_value_or_error_acks() {
        assert_eq!(json(Ok::<u8, String>(5).into_ack()), "[5]");
        let err = Err::<u8, _>("boom").into_ack().0.unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str()),
            ("handler-error", "boom")
        );
        let err = Err::<u8, _>(Refusal {
            code: "full",
            message: "room is full",
        })
        .into_ack()
        .0
        .unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str()),
            ("full", "room is full")
        );
        let err = Err::<u8, _>(42).into_ack().0.unwrap_err();
        assert_eq!(err.message, "42");
    }

    #[test]
    fn emit_errors_become_error_acks_with_their_message() {
        let err = Err::<(), _>(crate::EmitError::Closed)
            .into_ack()
            .0
            .unwrap_err();
        assert_eq!(err.message, "socket is closed");
    }

    #[test]
    fn binary_values_in_acks_become_attachments() {
        let ack = Ok::<_, String>(crate::Binary::new(vec![1u8, 2]))
            .into_ack()
            .0
            .unwrap();
        assert_eq!(ack.json_str(), r#"[{"$bin":0}]"#);
        assert_eq!(ack.bins.len(), 1);
    }
}
