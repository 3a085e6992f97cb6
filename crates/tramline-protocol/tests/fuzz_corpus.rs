//! A stable-toolchain stand-in for the cargo-fuzz targets in `../fuzz`: mutates the golden
//! fixtures with a fixed-seed PRNG (flip, insert, delete, duplicate, splice bytes) and runs the
//! fuzz targets' own checks (`fuzz/src/lib.rs`) on every mutant. No panic, and every packet that
//! decodes re-encodes and re-decodes to itself.

mod common;

#[allow(unreachable_pub, dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod checks;

use common::{fixture_names, from_hex, read_fixture, Rng};
use serde_json::Value;

/// Total mutants, split across the three decoders.
const INPUTS: usize = 200_000;

/// Seeds per decoder: every byte sample in the fixtures, in the form that decoder reads.
fn seeds() -> [Vec<Vec<u8>>; 3] {
    let (mut text, mut batch, mut binary) = (Vec::new(), Vec::new(), Vec::new());
    let frame = |json: &[u8]| {
        let mut f = (json.len() as u32).to_be_bytes().to_vec();
        f.extend_from_slice(json);
        f
    };
    for name in fixture_names() {
        let fx = read_fixture(&name);
        match &fx {
            Value::Array(samples) => {
                for s in samples {
                    let input = match (s.get("input"), s.get("input_hex")) {
                        (Some(t), _) => t.as_str().unwrap().as_bytes().to_vec(),
                        (_, Some(h)) => from_hex(h.as_str().unwrap()),
                        _ => continue,
                    };
                    match s["kind"].as_str() {
                        Some("text") => text.push(input),
                        Some("batch") => batch.push(input),
                        Some("binary") => binary.push(input),
                        _ => {}
                    }
                }
            }
            Value::Object(obj) => {
                if let Some(t) = obj.get("text").and_then(Value::as_str) {
                    text.push(t.as_bytes().to_vec());
                    batch.push(t.as_bytes().to_vec());
                    binary.push(frame(t.as_bytes()));
                }
                if let Some(h) = obj.get("websocket_binary_hex").and_then(Value::as_str) {
                    binary.push(from_hex(h));
                }
                for key in ["streaming", "sse"] {
                    if let Some(t) = obj.get(key).and_then(Value::as_str) {
                        batch.push(t.as_bytes().to_vec());
                    }
                }
            }
            _ => {}
        }
    }
    [text, batch, binary]
}

/// Bytes that steer mutants toward interesting JSON and frame shapes.
const DICTIONARY: [&[u8]; 16] = [
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"\n",
    b"\r",
    b"\"bin\":[\"AA==\"]",
    b"\"seq\":",
    b"{\"$bin\":0}",
    b"\xff",
    b"\x00\x00\x00\x04",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(2) {
        let pos = if data.is_empty() {
            0
        } else {
            rng.below(data.len() as u64 + 1) as usize
        };
        match rng.below(7) {
            0 if pos < data.len() => data[pos] ^= 1 << rng.below(8),
            1 if pos < data.len() => data[pos] = rng.next_u64() as u8,
            2 => data.insert(pos, rng.next_u64() as u8),
            3 if pos < data.len() => {
                let end = (pos + 1 + rng.below(8) as usize).min(data.len());
                data.drain(pos..end);
            }
            4 => {
                let word = *rng.pick(&DICTIONARY);
                data.splice(pos..pos, word.iter().copied());
            }
            5 if !other.is_empty() => {
                // Splice in a slice of another seed.
                let start = rng.below(other.len() as u64) as usize;
                let end = (start + 1 + rng.below(32) as usize).min(other.len());
                data.splice(pos..pos, other[start..end].iter().copied());
            }
            _ => data.truncate(pos),
        }
    }
    data
}

#[test]
fn mutated_fixtures_never_panic_and_round_trip() {
    let seeds = seeds();
    let checks: [fn(&[u8]); 3] = [
        checks::check_text,
        checks::check_batch,
        checks::check_binary_frame,
    ];
    for (corpus, _) in seeds.iter().zip(checks) {
        assert!(corpus.len() >= 10, "too few seeds");
    }
    let mut rng = Rng::new(0xf022_5eed);
    let mut decoded = [0usize; 3];
    for i in 0..INPUTS {
        let which = i % 3;
        let corpus = &seeds[which];
        let seed = rng.pick(corpus);
        let other = rng.pick(corpus);
        let input = mutate(&mut rng, seed, other);
        let outcome = std::panic::catch_unwind(|| checks[which](&input));
        if outcome.is_err() {
            panic!(
                "decoder {which} failed on input #{i}: {:?} (hex {})",
                String::from_utf8_lossy(&input),
                common::to_hex(&input)
            );
        }
        let ok = match which {
            0 => tramline_protocol::decode_text(&input).is_ok(),
            1 => tramline_protocol::decode_batch(&input).is_ok(),
            _ => tramline_protocol::decode_binary_frame(&input).is_ok(),
        };
        decoded[which] += usize::from(ok);
    }
    // The mutator must reach both sides of the decoders, or the test proves little.
    for (which, n) in decoded.iter().enumerate() {
        let total = INPUTS / 3;
        assert!(
            *n > total / 100 && *n < total - total / 100,
            "decoder {which}: {n} of {total} mutants decoded"
        );
    }
}
