//! Every input a fuzz target found a problem with (`fuzz/`, `cargo fuzz
//! run TARGET`), kept under `tests/fuzz/TARGET/` and replayed through the
//! same checks as the target, so a fixed crash stays fixed without the
//! nightly toolchain.

use dedup::input::Format;
use std::path::Path;

#[path = "common/invariants.rs"]
#[allow(dead_code)]
mod invariants;

/// The kept inputs of one target, sorted by name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn replay(target: &str, check: impl Fn(&[u8])) {
    let cases = inputs(target);
    assert!(!cases.is_empty(), "no kept inputs for {target}");
    for (name, bytes) in cases {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&bytes)));
        assert!(outcome.is_ok(), "tests/fuzz/{target}/{name} fails again");
    }
}

#[test]
fn txt_inputs() {
    replay("txt", |b| invariants::check_input(b, Format::Text));
}

#[test]
fn md_inputs() {
    replay("md", |b| invariants::check_input(b, Format::Markdown));
}

#[test]
fn html_inputs() {
    replay("html", |b| invariants::check_input(b, Format::Html));
}

#[test]
fn jsonl_inputs() {
    replay("jsonl", |b| invariants::check_input(b, Format::Jsonl));
}

#[test]
fn report_inputs() {
    replay("report", invariants::check_report_bytes);
}

#[test]
fn pair_inputs() {
    replay("pair", invariants::check_pair_bytes);
}
