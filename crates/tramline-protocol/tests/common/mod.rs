//! Helpers shared by the integration tests: reading the golden fixtures in
//! `tests/fixtures/wire/` (the same files the TypeScript codec tests read), naming
//! `DecodeError` variants the way `malformed.json` does, and a small deterministic PRNG.

#![allow(dead_code)] // Each test crate uses a different subset.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tramline_protocol::{Body, DecodeError, Packet};

/// `tests/fixtures/wire/` at the workspace root.
pub(crate) fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/wire")
}

/// Parses one fixture file.
pub(crate) fn read_fixture(name: &str) -> Value {
    let path = fixture_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// Names of every `*.json` file in the fixture directory, sorted.
pub(crate) fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .expect("fixture directory exists")
        .map(|e| {
            e.expect("readable entry")
                .file_name()
                .into_string()
                .unwrap()
        })
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

/// Fixture files that do not describe a single packet.
pub(crate) const SPECIAL_FIXTURES: [&str; 4] = [
    "batch.json",
    "framing.json",
    "malformed.json",
    "noncanonical.json",
];

/// A string field of a fixture object.
pub(crate) fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("fixture lacks string field {key:?}: {v}"))
}

/// Lower- or upper-case hex to bytes.
pub(crate) fn from_hex(hex: &str) -> Vec<u8> {
    assert!(hex.len() % 2 == 0, "odd-length hex {hex:?}");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// Bytes to lower-case hex, as the fixtures write it.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The variant name of a decode error, as written in `malformed.json`'s `error`.
pub(crate) fn variant_name(e: &DecodeError) -> &'static str {
    match e {
        DecodeError::NotUtf8 => "NotUtf8",
        DecodeError::InvalidJson(_) => "InvalidJson",
        DecodeError::UnknownType(_) => "UnknownType",
        DecodeError::MissingField { .. } => "MissingField",
        DecodeError::InvalidField { .. } => "InvalidField",
        DecodeError::InvalidBase64(_) => "InvalidBase64",
        DecodeError::TruncatedFrame => "TruncatedFrame",
        DecodeError::Empty => "Empty",
        _ => "unknown variant: add it to tests/common/mod.rs",
    }
}

/// Every `DecodeError` variant name.
pub(crate) const VARIANTS: [&str; 8] = [
    "NotUtf8",
    "InvalidJson",
    "UnknownType",
    "MissingField",
    "InvalidField",
    "InvalidBase64",
    "TruncatedFrame",
    "Empty",
];

/// The field a `MissingField` or `InvalidField` names (`malformed.json`'s optional `field`).
pub(crate) fn error_field(e: &DecodeError) -> Option<&'static str> {
    match e {
        DecodeError::MissingField { field, .. } | DecodeError::InvalidField { field, .. } => {
            Some(field)
        }
        _ => None,
    }
}

fn args_value(json: &[u8]) -> Value {
    serde_json::from_slice(json).expect("args are JSON")
}

/// A decoded packet as the `fields` object of a packet fixture: `seq` and `rx` always, then
/// every field of its type, `null` when absent, defaults filled in (see the fixtures README).
pub(crate) fn packet_fields(p: &Packet) -> Value {
    let mut f = json!({ "seq": p.seq, "rx": p.rx });
    let obj = f.as_object_mut().unwrap();
    let body = match &p.body {
        Body::Connect(c) => json!({
            "auth": c.auth.as_ref().map(|a| args_value(a)),
        }),
        Body::Open(h) => serde_json::to_value(h).unwrap(),
        Body::Close(c) => json!({ "code": c.code.0, "reason": c.reason }),
        Body::Ping { probe } | Body::Pong { probe } => json!({ "probe": probe }),
        Body::Upgrade | Body::Noop => json!({}),
        Body::Event(e) => json!({
            "name": e.name,
            "args": args_value(&e.args.json),
            "ack": e.ack,
        }),
        Body::Ack(a) => match &a.result {
            Ok(args) => json!({ "id": a.id, "args": args_value(&args.json), "error": null }),
            Err(err) => json!({
                "id": a.id,
                "args": null,
                "error": { "code": err.code, "message": err.message },
            }),
        },
        Body::Error(err) => json!({ "code": err.code, "message": err.message }),
    };
    for (k, v) in body.as_object().unwrap() {
        obj.insert(k.clone(), v.clone());
    }
    f
}

/// xorshift64*: a tiny deterministic PRNG, so failures reproduce from the seed.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}
