//! Decoding and text extraction of arbitrary bytes read as a `.md` file.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    invariants::check_input(data, dedup::input::Format::Markdown);
});
