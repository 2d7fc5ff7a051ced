//! Provenance through the real binary: `check --index` knows what came
//! first, the fixture sets of `tests/data/prov` never get a wrong source,
//! and the report carries the provenance graph.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `derived` pairs of a truth file: sorted file names → true source.
fn truth(set: &str) -> HashMap<(String, String), String> {
    let text =
        std::fs::read_to_string(root().join("tests/data/prov").join(set).join("truth.jsonl"))
            .unwrap();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["label"] == "derived")
        .map(|r| {
            let (a, b) = (r["a"].as_str().unwrap(), r["b"].as_str().unwrap());
            let key = if a < b { (a, b) } else { (b, a) };
            (
                (key.0.to_string(), key.1.to_string()),
                r["source"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// (right, wrong, undetermined) among the report's findings of truth pairs.
fn directions(report: &Value, truth: &HashMap<(String, String), String>) -> (usize, usize, usize) {
    let name = |v: &Value| {
        Path::new(v.as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let mut counts = (0, 0, 0);
    for p in report["pairs"].as_array().unwrap() {
        let (a, b) = (name(&p["a"]), name(&p["b"]));
        let key = if a < b { (a, b) } else { (b, a) };
        let Some(source) = truth.get(&key) else {
            continue;
        };
        match p["source"].as_str() {
            None => counts.2 += 1,
            Some(_) if name(&p["source"]) == *source => counts.0 += 1,
            Some(_) => counts.1 += 1,
        }
    }
    counts
}

#[test]
fn fixture_sets_get_no_wrong_source() {
    for set in ["chain", "syndication"] {
        let report = common::scan_json(&[&root().join("tests/data/prov").join(set).join("docs")]);
        let (right, wrong, undetermined) = directions(&report, &truth(set));
        assert!(right + undetermined > 0, "{set}: the truth pairs are found");
        assert_eq!(
            wrong, 0,
            "{set}: {right} right, {wrong} wrong, {undetermined} undetermined"
        );
    }
}

#[test]
fn check_against_an_index_names_the_indexed_original() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let samples = root().join("samples");
    let mut rewrite = None;
    for entry in std::fs::read_dir(&samples).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file.starts_with("000_") {
            rewrite = Some(path);
        } else {
            std::fs::copy(&path, corpus.join(&file)).unwrap();
        }
    }
    let index = tmp.path().join("idx.db");
    Command::cargo_bin("dedup")
        .unwrap()
        .args(["index", "build"])
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .assert()
        .success();
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("check")
        .arg(rewrite.unwrap())
        .arg("--index")
        .arg(&index)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a finding fails the check");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:#?}");
    let f = &pairs[0];
    assert!(f["source"].as_str().unwrap().starts_with("001_"), "{f:#}");
    assert!(f["confidence"].as_f64().unwrap() >= 0.8, "{f:#}");
    let indexed = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "indexed")
        .expect("an indexed evidence item");
    assert_eq!(indexed["favours"], f["source"]);
    // The indexed document says when it was added.
    let doc = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == f["source"])
        .unwrap();
    let added = doc["meta"]["indexed"].as_str().unwrap();
    assert!(added.len() == 20 && added.ends_with('Z'), "{added}");
}

#[test]
fn the_report_carries_the_provenance_graph() {
    let report = common::scan_json(&[&root().join("samples")]);
    let graphs = report["provenance"].as_array().unwrap();
    assert_eq!(graphs.len(), 1, "{graphs:#?}");
    let g = &graphs[0];
    assert_eq!(g["roots"], serde_json::json!(["001_0ae9a733e2d797e1.txt"]));
    assert_eq!(g["edges"][0]["derived"], "000_f7ff5efcf92a0c65.txt");
    assert_eq!(
        g["chain"],
        "001_0ae9a733e2d797e1.txt -> 000_f7ff5efcf92a0c65.txt"
    );
    let text = Command::cargo_bin("dedup")
        .unwrap()
        .arg("scan")
        .arg(root().join("samples"))
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("provenance (source -> derived):\n   001_0ae9a733e2d797e1.txt -> 000_f7ff5efcf92a0c65.txt"),
        "{text}"
    );
}

/// The quotation evidence: a rewrite that turns the original's quotations
/// into reported speech points to the original, and a text that quotes
/// another word for word between quotation marks is never taken for the
/// source because of its marks.
#[test]
fn reported_speech_points_to_the_original_and_quoting_does_not_mislead() {
    let samples = root().join("samples");
    let report = common::scan_json(&[&samples]);
    let finding = &report["pairs"][0];
    let quotation: Vec<&Value> = finding["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "quotation")
        .collect();
    assert_eq!(quotation.len(), 1, "{finding}");
    assert!(
        quotation[0]["favours"]
            .as_str()
            .is_some_and(|s| s.contains("001_")),
        "the AI rewrite reports 001's quotations in its own words: {}",
        quotation[0]
    );

    // A commentary that quotes five lines of the article between marks.
    let tmp = tempfile::tempdir().unwrap();
    let article = std::fs::read_to_string(samples.join("001_0ae9a733e2d797e1.txt")).unwrap();
    let quoted: Vec<String> = article
        .lines()
        .filter(|l| l.split_whitespace().count() > 12)
        .take(5)
        .map(|l| format!("As the paper put it: \"{l}\""))
        .collect();
    let blog = format!(
        "Notes from a reader on regional diplomacy, written over a long weekend.\n\
         I have followed these meetings for years and rarely see them covered well.\n\
         {}\n\
         My own view is that the cultural exchanges matter more than the summits.\n\
         Students who travel come back with friendships that outlast any ministerial visit.\n",
        quoted.join("\n")
    );
    std::fs::copy(
        samples.join("001_0ae9a733e2d797e1.txt"),
        tmp.path().join("article.txt"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("blog.txt"), blog).unwrap();
    let report = common::scan_json(&[tmp.path()]);
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "the quoted lines are found: {report}");
    let finding = &pairs[0];
    assert_ne!(finding["source"].as_str(), Some("blog.txt"), "{finding}");
    for e in finding["evidence"].as_array().unwrap() {
        if e["kind"] == "quotation" {
            assert_ne!(e["favours"].as_str(), Some("blog.txt"), "{e}");
        }
    }
}
