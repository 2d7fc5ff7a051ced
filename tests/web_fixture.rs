//! The crawled-site fixture of `tests/data/web` (built by
//! `scripts/build-web-fixture.py`): 70 pages of two sites whose furniture
//! (menus, archive lists, tag clouds, recent posts, comments, cookie and
//! licence notices) is longer than many articles, with the news-dev stories
//! planted across and within the sites.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/web/docs")
}

fn scan(extra: &[&str]) -> Value {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("scan")
        .arg(docs())
        .args(["--format", "json", "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The planted pairs (sorted names → source) and each page's story.
fn truth() -> (HashMap<(String, String), String>, HashMap<String, String>) {
    let text = std::fs::read_to_string(docs().join("../truth.jsonl")).unwrap();
    let (mut planted, mut story) = (HashMap::new(), HashMap::new());
    for row in text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
    {
        if let Some(doc) = row["doc"].as_str() {
            story.insert(doc.to_string(), row["group"].to_string());
        } else {
            planted.insert(
                key(&row["a"], &row["b"]),
                row["source"].as_str().unwrap().into(),
            );
        }
    }
    (planted, story)
}

fn name(v: &Value) -> String {
    Path::new(v.as_str().unwrap())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn key(a: &Value, b: &Value) -> (String, String) {
    let (a, b) = (name(a), name(b));
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

fn found(report: &Value) -> HashSet<(String, String)> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| key(&p["a"], &p["b"]))
        .collect()
}

fn counter(report: &Value, name: &str) -> u64 {
    report["stats"]["counters"][name].as_u64().unwrap()
}

#[test]
fn main_text_of_furnished_pages_finds_the_stories_and_nothing_between_them() {
    let report = scan(&[]);
    let (planted, story) = truth();
    let pairs = found(&report);
    let unrelated: Vec<_> = pairs.iter().filter(|(a, b)| story[a] != story[b]).collect();
    assert!(
        unrelated.is_empty(),
        "pages of different stories: {unrelated:?}"
    );
    let hits = planted.keys().filter(|k| pairs.contains(*k)).count();
    // 28 of 30 measured; the two misses are embedded paragraphs (one is
    // missed in news-dev's plain texts too, the other needs the headline,
    // which extraction leaves out of the text).
    assert!(
        hits >= 28,
        "{hits} of {} planted pairs found",
        planted.len()
    );
    for p in report["pairs"].as_array().unwrap() {
        let k = key(&p["a"], &p["b"]);
        if let (Some(truth), Some(_)) = (planted.get(&k), p["source"].as_str()) {
            assert_eq!(&name(&p["source"]), truth, "{k:?}");
        }
    }
}

#[test]
fn the_partner_cap_bounds_whole_page_candidates_without_losing_a_story() {
    // With the furniture compared (`--html full`) every page of a site is a
    // rewrite-tier candidate of every other (34 partners, over the cap of
    // 32): the cap drops some, and no planted pair is lost by it.
    let capped = scan(&["--html", "full"]);
    let uncapped = scan(&["--html", "full", "--max-partners", "0"]);
    assert!(counter(&capped, "candidates_rewrite_over_cap") > 0);
    assert_eq!(counter(&uncapped, "candidates_rewrite_over_cap"), 0);
    assert!(counter(&capped, "candidates") < counter(&uncapped, "candidates"));
    let (planted, _) = truth();
    let (with_cap, without) = (found(&capped), found(&uncapped));
    let lost: Vec<_> = planted
        .keys()
        .filter(|k| without.contains(*k) && !with_cap.contains(*k))
        .collect();
    assert!(lost.is_empty(), "planted pairs the cap lost: {lost:?}");
    assert_eq!(capped["params"]["max_partners"], 32);
    assert_eq!(uncapped["params"]["max_partners"], 0);
}
