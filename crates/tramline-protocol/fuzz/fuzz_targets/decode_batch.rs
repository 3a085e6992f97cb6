#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tramline_protocol_fuzz::check_batch(data);
});
