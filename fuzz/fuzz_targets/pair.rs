//! The pair evaluation on two arbitrary texts (split at the first 0xFF
//! byte, which UTF-8 never holds): no panic, every score in [0, 1],
//! passages inside their documents on char boundaries, the same finding
//! mirrored when the two documents are swapped.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    invariants::check_pair_bytes(data);
});
