//! `dedup report` / `dedup show` on an arbitrary JSON report: parse, then
//! render every output; no panic.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    invariants::check_report_bytes(data);
});
