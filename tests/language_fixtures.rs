//! Every language (issue 12): the fixtures of `tests/data/lang` (German,
//! Spanish, Russian, Urdu, Hindi, Chinese; sources in
//! `tests/data/README.md`) scanned through the real binary. In each
//! language: unrelated texts on neighbouring topics that all carry the same
//! agency credit and "read more" line must not be reported, and the three
//! planted reuses (a light edit, a condensed copy, a passage of one text in
//! another) must be.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

const DATA: &str = "tests/data/lang";

fn scan(dirs: &[String], extra: &[&str]) -> Value {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("scan")
        .args(dirs)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn name(id: &str) -> String {
    id.rsplit('/').next().unwrap().to_string()
}

/// The derived pairs of a truth file, as sorted file-name pairs.
fn planted(lang: &str) -> BTreeSet<(String, String)> {
    std::fs::read_to_string(format!("{DATA}/{lang}/truth.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["label"] == "derived")
        .map(|r| pair(r["a"].as_str().unwrap(), r["b"].as_str().unwrap()))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    let (a, b) = (name(a), name(b));
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

fn found(report: &Value) -> BTreeSet<(String, String)> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| pair(f["a"].as_str().unwrap(), f["b"].as_str().unwrap()))
        .collect()
}

/// Scans one language's fixtures and checks findings, languages and
/// boilerplate.
fn language_fixture(lang: &str) {
    let report = scan(&[format!("{DATA}/{lang}")], &[]);
    assert_eq!(
        found(&report),
        planted(lang),
        "{lang}: exactly the planted reuse"
    );
    let documents = report["documents"].as_array().unwrap();
    assert!(
        documents.len() >= 13,
        "{lang}: ten unrelated texts and more"
    );
    for d in documents {
        assert_eq!(d["language"]["code"], lang, "{}", d["id"]);
        // The credit line and the "read more" line.
        assert!(
            d["boilerplate_sentences"].as_u64().unwrap() >= 2,
            "{}: credit and read-more lines are boilerplate",
            d["id"]
        );
    }
}

#[test]
fn german_fixture_reports_the_planted_reuse_only() {
    language_fixture("de");
}

#[test]
fn spanish_fixture_reports_the_planted_reuse_only() {
    language_fixture("es");
}

#[test]
fn russian_fixture_reports_the_planted_reuse_only() {
    language_fixture("ru");
}

#[test]
fn urdu_fixture_reports_the_planted_reuse_only() {
    language_fixture("ur");
}

#[test]
fn hindi_fixture_reports_the_planted_reuse_only() {
    language_fixture("hi");
}

#[test]
fn chinese_fixture_reports_the_planted_reuse_only() {
    language_fixture("zh");
}

const LANGUAGES: [&str; 6] = ["de", "es", "ru", "ur", "hi", "zh"];

#[test]
fn six_languages_in_one_collection_report_the_planted_reuse_only() {
    let dirs: Vec<String> = LANGUAGES.iter().map(|l| format!("{DATA}/{l}")).collect();
    let report = scan(&dirs, &[]);
    let expected: BTreeSet<_> = LANGUAGES.iter().flat_map(|l| planted(l)).collect();
    assert_eq!(found(&report), expected);
    // Byte-identical apart from stats with one thread.
    let mut single = scan(&dirs, &["--threads", "1"]);
    let mut report = report;
    single["stats"] = Value::Null;
    report["stats"] = Value::Null;
    assert_eq!(single, report, "same report on 1 thread");
}

#[test]
fn forced_language_is_reported_and_unknown_codes_are_refused() {
    let report = scan(&[format!("{DATA}/ur")], &["--language", "urd"]);
    assert_eq!(found(&report), planted("ur"));
    let d = &report["documents"][0]["language"];
    assert_eq!(
        (d["code"].as_str(), d["forced"].as_bool()),
        (Some("ur"), Some(true))
    );
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .args(["scan", DATA, "--language", "klingon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--language"));
}

/// Copies the fixture documents of every language into `dir` (flat, so ids
/// are file names), those `pick` accepts.
fn copy_fixtures(dir: &std::path::Path, pick: impl Fn(&str) -> bool) {
    std::fs::create_dir_all(dir).unwrap();
    for lang in LANGUAGES {
        for e in std::fs::read_dir(format!("{DATA}/{lang}")).unwrap() {
            let p = e.unwrap().path();
            let n = p.file_name().unwrap().to_str().unwrap().to_string();
            if n.ends_with(".txt") && pick(&n) {
                std::fs::copy(&p, dir.join(&n)).unwrap();
            }
        }
    }
}

#[test]
fn check_against_an_index_agrees_with_a_scan_of_the_union_in_six_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let is_new = |n: &str| n.contains("_light_") || n.contains("_short_");
    let (old, new, union) = (
        tmp.path().join("old"),
        tmp.path().join("new"),
        tmp.path().join("union"),
    );
    copy_fixtures(&old, |n| !is_new(n));
    copy_fixtures(&new, is_new);
    copy_fixtures(&union, |_| true);
    let index = tmp.path().join("index.db");
    let status = Command::cargo_bin("dedup")
        .unwrap()
        .args(["index", "build"])
        .arg(&old)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("check")
        .arg(&new)
        .arg("--index")
        .arg(&index)
        .args(["--format", "json", "-q"])
        .output()
        .unwrap();
    let checked: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let scanned = scan(&[union.to_str().unwrap().to_string()], &[]);
    // Sources may differ: the check knows the indexed documents came first.
    let comparable = |report: &Value| -> Vec<Value> {
        report["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| is_new(f["a"].as_str().unwrap()) || is_new(f["b"].as_str().unwrap()))
            .map(|f| {
                serde_json::json!({
                    "a": f["a"], "b": f["b"], "verdict": f["verdict"], "score": f["score"],
                    "passages": f["passages"],
                })
            })
            .collect()
    };
    let from_check = comparable(&checked);
    assert_eq!(
        from_check.len(),
        12,
        "a light edit and a condensed copy per language"
    );
    assert_eq!(from_check, comparable(&scanned));
    // The same sentences are boilerplate in both.
    let boilerplate = |report: &Value| -> BTreeSet<(String, u64)> {
        report["documents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| is_new(d["id"].as_str().unwrap()))
            .map(|d| {
                (
                    name(d["id"].as_str().unwrap()),
                    d["boilerplate_sentences"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(boilerplate(&checked), boilerplate(&scanned));
    assert!(boilerplate(&checked).iter().all(|(_, n)| *n >= 2));
}
