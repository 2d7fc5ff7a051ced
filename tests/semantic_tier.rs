//! The semantic tier through the real binary: a human paraphrase that no
//! lexical tier reports (two translations of Matthew 9:1-4, from
//! tests/data/para) is found by sentence meaning, explains itself with
//! aligned sentence pairs and their cosines, and a passage of the same
//! chapter that tells something else stays out; a paraphrase no lexical
//! key pairs is paired by sentence keys in `scan` and `check`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn para(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/para/docs")
        .join(name)
}

/// The paraphrase (045, 131) and a same-story pair that is not one (008,
/// 132: Matthew 13:25-28 against 13:29-32).
fn files() -> Vec<PathBuf> {
    ["045.txt", "131.txt", "008.txt", "132.txt"]
        .iter()
        .map(|n| para(n))
        .collect()
}

/// `dedup scan PATHS ARGS`.
fn run(paths: &[PathBuf], args: &[&str]) -> Output {
    Command::cargo_bin("dedup")
        .unwrap()
        .arg("scan")
        .args(paths)
        .args(args)
        .output()
        .unwrap()
}

/// The JSON report of the four files, with `extra` options.
fn scan(extra: &[&str]) -> (Option<i32>, Value) {
    let out = run(
        &files(),
        &[&["--format", "json", "--quiet"], extra].concat(),
    );
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), json)
}

fn without_stats(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("stats");
    v
}

#[test]
fn a_paraphrase_no_lexical_tier_reports_is_found_by_meaning() {
    let (code, report) = scan(&[]);
    assert_eq!(code, Some(1), "findings exit 1");
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:#?}");
    let f = &pairs[0];
    assert!(f["a"].as_str().unwrap().ends_with("045.txt"));
    assert!(f["b"].as_str().unwrap().ends_with("131.txt"));
    assert_eq!(f["tier"], "semantic");
    assert_eq!(f["verdict"], "paraphrase");
    assert!(f["coverage_a"].as_f64().unwrap() >= 0.5);
    let passages = f["passages"].as_array().unwrap();
    assert!(!passages.is_empty());
    let mut links = 0;
    for p in passages {
        assert_eq!(p["kind"], "reworded");
        assert!(p["reason"].as_str().unwrap().contains("cosine"), "{p}");
        for s in p["pairs"].as_array().unwrap() {
            assert!(s["similarity"].as_f64().unwrap() >= 0.6, "{s}");
            links += 1;
        }
    }
    assert!(
        links >= 3,
        "at least three aligned sentence pairs, got {links}"
    );
    assert_eq!(report["params"]["semantic"]["enabled"], true);
}

#[test]
fn no_semantic_turns_the_tier_off() {
    let (code, report) = scan(&["--no-semantic"]);
    assert_eq!(code, Some(0));
    assert!(report["pairs"].as_array().unwrap().is_empty());
    assert_eq!(report["params"]["semantic"]["enabled"], false);
}

#[test]
fn the_model_directory_in_the_repository_is_the_built_in_model() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/wordllama-l2-supercat");
    let (_, given) = scan(&["--model", dir.to_str().unwrap()]);
    let (_, builtin) = scan(&[]);
    assert_eq!(without_stats(given), without_stats(builtin));
}

#[test]
fn a_bad_model_directory_is_a_clear_error() {
    let out = run(&files(), &["--model", "/no/such/model", "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/no/such/model"), "{err}");
}

#[test]
fn the_text_report_names_the_tier() {
    let out = run(&files(), &["--quiet"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("paraphrase (semantic tier)"), "{text}");
    assert!(text.contains("semantic tier on"), "{text}");
}

#[test]
fn the_same_files_in_another_order_give_the_same_report() {
    let mut reversed = files();
    reversed.reverse();
    let run = |paths: &[PathBuf]| {
        let out = run(paths, &["--format", "json", "--quiet", "--threads", "1"]);
        without_stats(serde_json::from_slice(&out.stdout).unwrap())
    };
    assert_eq!(run(&files()), run(&reversed));
}

/// Two translations of Matthew 15:25-28 (046, 007): no three rare content
/// bigrams and no verbatim run in common, so only the semantic tier's
/// sentence keys make them a candidate.
fn keyed_pair() -> (PathBuf, PathBuf) {
    (para("046.txt"), para("007.txt"))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

#[test]
fn sentence_keys_make_a_candidate_no_lexical_key_makes() {
    let (a, b) = keyed_pair();
    let out = run(&[a.clone(), b.clone()], &["--format", "json", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let counters = &report["stats"]["counters"];
    assert_eq!(counters["candidates_rewrite"], 0, "{counters}");
    assert_eq!(counters["candidates_verbatim"], 0, "{counters}");
    assert_eq!(counters["candidates_semantic"], 1, "{counters}");
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:#?}");
    assert_eq!(pairs[0]["tier"], "semantic");
    // Without the tier, no key pairs them and nothing is compared.
    let off = json(&run(
        &[a, b],
        &["--format", "json", "--quiet", "--no-semantic"],
    ));
    assert_eq!(off["stats"]["counters"]["candidates"], 0);
    assert!(off["pairs"].as_array().unwrap().is_empty());
}

#[test]
fn check_pairs_by_sentence_keys_against_a_directory_and_an_index() {
    let (new, old) = keyed_pair();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(&old, corpus.join("007.txt")).unwrap();
    let index = tmp.path().join("index.db");
    let dedup = || Command::cargo_bin("dedup").unwrap();
    dedup()
        .args(["index", "build", "--index"])
        .arg(&index)
        .arg(&corpus)
        .assert()
        .success();
    for against in [
        ["--against", corpus.to_str().unwrap()],
        ["--index", index.to_str().unwrap()],
    ] {
        let out = dedup()
            .arg("check")
            .arg(&new)
            .args(against)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{against:?}");
        let pairs = json(&out)["pairs"].as_array().cloned().unwrap_or_default();
        assert_eq!(pairs.len(), 1, "{against:?}: {pairs:#?}");
        assert_eq!(pairs[0]["tier"], "semantic");
    }
    // An index built without the tier has no sentence keys: a check with
    // the tier on says so instead of missing the pair quietly.
    let bare = tmp.path().join("bare.db");
    dedup()
        .args(["index", "build", "--no-semantic", "--index"])
        .arg(&bare)
        .arg(&corpus)
        .assert()
        .success();
    let out = dedup()
        .arg("check")
        .arg(&new)
        .arg("--index")
        .arg(&bare)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("check with --no-semantic"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Findings of `dedup scan DIR` as sorted (a, b, tier) triples.
fn findings_in(dir: &Path, extra: &[&str]) -> Vec<(String, String, String)> {
    let out = run(
        &[dir.to_path_buf()],
        &[&["--format", "json", "--quiet"], extra].concat(),
    );
    let mut found: Vec<_> = json(&out)["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let id = |k: &str| p[k].as_str().unwrap().to_string();
            let tier = p["tier"].as_str().unwrap_or("lexical").to_string();
            (id("a"), id("b"), tier)
        })
        .collect();
    found.sort();
    found
}

/// Independent accounts of one event (Wikinews, Wikipedia, VOA) share
/// names, places and figures and are close in meaning sentence by
/// sentence; the semantic tier must add nothing to what the lexical tiers
/// report there (docs/semantic.md, "Independent reports of one event").
#[test]
fn independent_reports_of_one_event_get_no_semantic_finding() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/same-story-free/docs");
    let with = findings_in(&dir, &[]);
    assert!(
        with.iter().all(|(_, _, tier)| tier != "semantic"),
        "{with:?}"
    );
    assert_eq!(with, findings_in(&dir, &["--no-semantic"]));
}
