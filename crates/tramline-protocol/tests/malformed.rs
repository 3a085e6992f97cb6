//! Malformed wire samples (`tests/fixtures/wire/malformed.json`): every one fails to decode
//! with the named `DecodeError` variant (and field), and never panics.

mod common;

use std::collections::BTreeSet;

use tramline_protocol::{decode_batch, decode_binary_frame, decode_text, DecodeError};

use common::{error_field, from_hex, read_fixture, str_field, variant_name, VARIANTS};

struct Sample {
    description: String,
    kind: String,
    input: Vec<u8>,
    error: String,
    field: Option<String>,
}

fn samples() -> Vec<Sample> {
    let fx = read_fixture("malformed.json");
    fx.as_array()
        .expect("malformed.json is a list")
        .iter()
        .map(|s| {
            let obj = s.as_object().unwrap();
            for key in obj.keys() {
                assert!(
                    [
                        "description",
                        "kind",
                        "input",
                        "input_hex",
                        "error",
                        "field"
                    ]
                    .contains(&key.as_str()),
                    "unknown key {key:?} in {s}"
                );
            }
            let description = str_field(s, "description").to_owned();
            let input = match (s.get("input"), s.get("input_hex")) {
                (Some(text), None) => text.as_str().unwrap().as_bytes().to_vec(),
                (None, Some(hex)) => from_hex(hex.as_str().unwrap()),
                _ => panic!("{description}: exactly one of input, input_hex"),
            };
            Sample {
                kind: str_field(s, "kind").to_owned(),
                error: str_field(s, "error").to_owned(),
                field: s.get("field").map(|f| f.as_str().unwrap().to_owned()),
                description,
                input,
            }
        })
        .collect()
}

fn decode(kind: &str, input: &[u8]) -> Result<(), DecodeError> {
    match kind {
        "text" => decode_text(input).map(drop),
        "batch" => decode_batch(input).map(drop),
        "binary" => decode_binary_frame(input).map(drop),
        other => panic!("unknown kind {other:?}"),
    }
}

#[test]
fn every_malformed_sample_fails_with_the_named_error() {
    let mut failures = Vec::new();
    for s in samples() {
        match decode(&s.kind, &s.input) {
            Ok(()) => failures.push(format!("{}: decoded", s.description)),
            Err(e) => {
                if variant_name(&e) != s.error {
                    failures.push(format!(
                        "{}: expected {}, got {e:?}",
                        s.description, s.error
                    ));
                } else if s.field.is_some() && error_field(&e) != s.field.as_deref() {
                    failures.push(format!(
                        "{}: expected field {:?}, got {e:?}",
                        s.description, s.field
                    ));
                }
                // Every error has a human-readable message.
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn malformed_samples_cover_every_variant_and_kind() {
    let samples = samples();
    let variants: BTreeSet<&str> = samples.iter().map(|s| s.error.as_str()).collect();
    assert_eq!(variants, VARIANTS.into_iter().collect());
    for kind in ["text", "batch", "binary"] {
        assert!(samples.iter().any(|s| s.kind == kind), "no {kind} sample");
    }
    // Only the field-naming variants may carry `field`, and those always do.
    for s in &samples {
        let names_field = s.error == "MissingField" || s.error == "InvalidField";
        assert_eq!(names_field, s.field.is_some(), "{}", s.description);
    }
    // The classes the protocol document lists.
    let described = |needle: &str| samples.iter().any(|s| s.description.contains(needle));
    for needle in [
        "not UTF-8",
        "not JSON",
        "not an object",
        "missing type",
        "unknown type",
        "seq as a string",
        "seq negative",
        "seq float",
        "seq 0",
        "unsequenced packet",
        "empty event name",
        "args an object",
        "base64",
        "bin inside a binary frame",
        "empty binary frame",
        "empty text",
        "empty batch",
    ] {
        assert!(
            described(needle),
            "no malformed sample described as {needle:?}"
        );
    }
}

#[test]
fn a_malformed_line_is_malformed_in_every_decoder() {
    // A text sample is also a one-line batch, and the JSON part of a binary frame; the error
    // class is the same.
    for s in samples().into_iter().filter(|s| s.kind == "text") {
        if s.input.contains(&b'\n') || s.input.iter().all(|b| b.is_ascii_whitespace()) {
            continue; // Newlines split a batch; blank lines are skipped by a batch.
        }
        let batch = decode_batch(&s.input).expect_err(&s.description);
        assert_eq!(variant_name(&batch), s.error, "{} (batch)", s.description);

        if s.input.windows(5).any(|w| w == b"\"bin\"") {
            continue; // `bin` is itself malformed in a binary frame.
        }
        let mut frame = (s.input.len() as u32).to_be_bytes().to_vec();
        frame.extend_from_slice(&s.input);
        let binary = decode_binary_frame(&frame).expect_err(&s.description);
        assert_eq!(variant_name(&binary), s.error, "{} (binary)", s.description);
    }
}
