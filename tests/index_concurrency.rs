//! Readers and one writer at once: several `dedup check` processes read the
//! index while `dedup index add` writes to it. WAL mode and the busy
//! timeout must make every one of them succeed.

mod common;

use assert_cmd::cargo::CommandCargoExt;
use common::{planted_corpus, write_all};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn checks_read_while_an_add_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = planted_corpus(0xC0C0, 300);
    let (first, rest) = docs.split_at(40);
    let (seed_dir, add_dir, new_dir) = (
        tmp.path().join("seed"),
        tmp.path().join("add"),
        tmp.path().join("new"),
    );
    write_all(&seed_dir, first);
    write_all(&add_dir, rest);
    // A copy of a seed document under a new name: an exact finding every
    // check must report, whatever the writer has committed so far.
    write_all(&new_dir, &[("new_copy.txt".to_string(), docs[0].1.clone())]);
    let index = tmp.path().join("index.db");
    let status = Command::cargo_bin("dedup")
        .unwrap()
        .args(["index", "build", "-q"])
        .arg(&seed_dir)
        .arg("--index")
        .arg(&index)
        .status()
        .unwrap();
    assert!(status.success());

    let writer = Command::cargo_bin("dedup")
        .unwrap()
        .args(["index", "add", "--batch", "2", "-q"])
        .arg(&add_dir)
        .arg("--index")
        .arg(&index)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let writing = Arc::new(AtomicBool::new(true));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (index, new_dir, writing) = (index.clone(), new_dir.clone(), writing.clone());
            std::thread::spawn(move || {
                let mut outputs = Vec::new();
                // Keep reading for as long as the writer writes.
                while writing.load(Ordering::SeqCst) || outputs.len() < 2 {
                    outputs.push(
                        Command::cargo_bin("dedup")
                            .unwrap()
                            .arg("check")
                            .arg(&new_dir)
                            .arg("--index")
                            .arg(&index)
                            .args(["-q", "--format", "json"])
                            .output()
                            .unwrap(),
                    );
                }
                outputs
            })
        })
        .collect();
    let writer = writer.wait_with_output().unwrap();
    writing.store(false, Ordering::SeqCst);
    assert!(
        writer.status.success(),
        "add failed: {}",
        String::from_utf8_lossy(&writer.stderr)
    );
    for r in readers {
        for out in r.join().unwrap() {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "check failed: {err}"
            );
            assert!(!err.contains("locked"), "{err}");
            // Every check sees at least the seed corpus.
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(report["pairs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["verdict"] == "exact"));
        }
    }
}
