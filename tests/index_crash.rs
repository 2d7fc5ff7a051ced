//! Crash safety of `dedup index add`: a writer killed with SIGKILL at a
//! random moment must leave an index that opens, passes SQLite's integrity
//! check, holds every document of the adds that completed, and holds only
//! whole batches (a document with all of its postings or not at all).

#![cfg(unix)]

mod common;

use assert_cmd::cargo::CommandCargoExt;
use common::{document, render, write_all, Rng};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn ids(index: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(index).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM documents").unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

/// Documents whose band postings are incomplete: a torn batch.
fn torn_documents(index: &Path) -> i64 {
    let conn = rusqlite::Connection::open(index).unwrap();
    let bands: i64 = conn
        .query_row(
            "SELECT json_extract(value, '$.lsh.bands') FROM meta WHERE key = 'features'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.query_row(
        "SELECT count(*) FROM documents d WHERE d.tokens > 0 AND \
         (SELECT count(*) FROM bands b WHERE b.doc = d.rowid) != ?1",
        [bands],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn killed_adds_never_corrupt_the_index_or_lose_completed_work() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index.db");
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    Command::cargo_bin("dedup")
        .unwrap()
        .args(["index", "build"])
        .arg(&empty)
        .arg("--index")
        .arg(&index)
        .status()
        .unwrap();
    let mut rng = Rng(0x00C0_FFEE_D00D);
    let mut committed: BTreeSet<String> = BTreeSet::new();
    let (mut killed, mut completed, mut mid_batch) = (0, 0, 0);
    for round in 0..20 {
        let dir = tmp.path().join(format!("batch{round:02}"));
        let docs: Vec<(String, String)> = (0..40)
            .map(|i| {
                let sentences = document(&mut rng, 12);
                (format!("r{round:02}_d{i:02}.txt"), render(&sentences))
            })
            .collect();
        write_all(&dir, &docs);
        let mut child = Command::cargo_bin("dedup")
            .unwrap()
            .args(["index", "add", "--batch", "4", "--threads", "1", "-q"])
            .arg(&dir)
            .arg("--index")
            .arg(&index)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(250)));
        // std's kill is SIGKILL on unix: no handler, no cleanup.
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            completed += 1;
            committed.extend(docs.iter().map(|(n, _)| n.clone()));
        } else {
            killed += 1;
        }

        let stats = Command::cargo_bin("dedup")
            .unwrap()
            .args(["index", "stats", "--integrity", "--index"])
            .arg(&index)
            .output()
            .unwrap();
        assert!(
            stats.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&stats.stderr)
        );
        assert!(String::from_utf8_lossy(&stats.stdout).contains("integrity: ok"));
        let present = ids(&index);
        let lost: Vec<_> = committed.difference(&present).collect();
        assert!(
            lost.is_empty(),
            "round {round}: completed adds lost {lost:?}"
        );
        assert_eq!(torn_documents(&index), 0, "round {round}: a torn batch");
        let this_round = present
            .iter()
            .filter(|id| id.starts_with(&format!("r{round:02}_")))
            .count();
        if !status.success() && this_round > 0 && this_round < docs.len() {
            mid_batch += 1;
        }
        committed = present;
    }
    // The delays are random; the run must have exercised both outcomes to
    // mean anything.
    assert!(killed > 0, "no add was killed");
    eprintln!(
        "{killed} killed ({mid_batch} part-way through), {completed} completed in {:?}",
        started.elapsed()
    );
}
