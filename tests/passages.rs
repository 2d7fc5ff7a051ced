//! Passages a reader can trust, through the real binary: a short verbatim
//! quotation inside an unrelated article is found with exact bounds, two
//! independent articles on one topic give no passage, no reworded passage
//! is shorter than the documented minimum, and passages-dev scores at
//! PAN's passage level (when `../shared` is present).

mod common;

use assert_cmd::Command;
use common::{document, scan_json as scan, Rng};
use serde_json::Value;
use std::path::Path;

/// The documented minimum length of a reworded passage, in words
/// (`MIN_REWORDED_WORDS` in the pipeline).
const MIN_REWORDED_WORDS: usize = 10;

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Twenty words of the Astana Times article, quoted verbatim.
fn quote() -> String {
    let text = std::fs::read_to_string("samples/001_0ae9a733e2d797e1.txt").unwrap();
    let sentence = text
        .split(['.', '\n'])
        .find(|s| s.split_whitespace().count() >= 20)
        .expect("a sentence of 20 words");
    sentence
        .split_whitespace()
        .take(20)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A generated article (made-up words) quoting twenty words of the Astana
/// Times article, written into `dir`; returns its path and the quote.
fn article_quoting_astana_times(dir: &Path) -> (std::path::PathBuf, String) {
    let mut rng = Rng(0x5eed_0017);
    let mut host = document(&mut rng, 30);
    let quote = quote();
    host.insert(15, format!("As one report put it, \"{quote}.\""));
    let path = dir.join("host.txt");
    std::fs::write(&path, host.join(" ")).unwrap();
    (path, quote)
}

/// The one finding's one verbatim passage is the quotation on both sides:
/// all of it, and not much more (the rest of a sentence it starts or ends).
fn assert_quote_is_the_passage(report: &Value, quote: &str) {
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:#?}");
    let passages = pairs[0]["passages"].as_array().unwrap();
    let verbatim: Vec<&Value> = passages
        .iter()
        .filter(|p| p["kind"] == "verbatim")
        .collect();
    assert_eq!(
        verbatim.len(),
        1,
        "one passage for one quotation: {passages:#?}"
    );
    let quoted = words(quote);
    for side in ["text_a", "text_b"] {
        let found = words(verbatim[0][side].as_str().unwrap());
        assert!(
            found.windows(quoted.len()).any(|w| w == quoted.as_slice()),
            "{side} misses the quote: {found:?}"
        );
        assert!(
            found.len() <= quoted.len() + 12,
            "{side} too long: {found:?}"
        );
    }
}

#[test]
fn twenty_word_quote_inside_unrelated_article_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let (host, quote) = article_quoting_astana_times(dir.path());
    let report = scan(&[&host, Path::new("samples/001_0ae9a733e2d797e1.txt")]);
    assert_quote_is_the_passage(&report, &quote);
}

#[test]
fn check_against_an_index_finds_the_quote_too() {
    let dir = tempfile::tempdir().unwrap();
    let (host, quote) = article_quoting_astana_times(dir.path());
    let index = dir.path().join("idx.sqlite");
    Command::cargo_bin("dedup")
        .unwrap()
        .args([
            "index",
            "build",
            "samples/001_0ae9a733e2d797e1.txt",
            "--index",
        ])
        .arg(&index)
        .assert()
        .code(0);
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("check")
        .arg(&host)
        .arg("--index")
        .arg(&index)
        .args(["--format", "json", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_quote_is_the_passage(&report, &quote);
}

#[test]
fn two_independent_articles_on_one_topic_give_no_passage() {
    let report = scan(&[
        Path::new("samples/002_67d3dee2a9e37524.txt"),
        Path::new("samples/004_3b6218f333f20810.txt"),
    ]);
    assert_eq!(report["pairs"].as_array().unwrap().len(), 0, "{report}");
}

/// Runs a python scorer over a report and returns its first line as JSON.
fn python_json(script: &str, report: &Value, truth: &str) -> Value {
    let mut child = std::process::Command::new("python3")
        .args([script, "--report", "-", "--truth", truth])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = serde_json::to_vec(report).unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    serde_json::from_str(&first).expect("the scorer prints JSON")
}

fn shared_set(set: &str) -> Option<String> {
    let docs = format!("../shared/eval/{set}/docs");
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok();
    if Path::new(&docs).is_dir() && python {
        Some(docs)
    } else {
        eprintln!("skipped: {docs} or python3 not available");
        None
    }
}

#[test]
fn passages_dev_compilations_are_found_at_passage_level() {
    let Some(docs) = shared_set("passages-dev") else {
        return;
    };
    let truth = "../shared/eval/passages-dev/truth.jsonl";
    let report = scan(&[Path::new(&docs)]);
    let pairs = python_json("../shared/eval/score.py", &report, truth);
    assert_eq!(pairs["tp"], 34, "{pairs}");
    assert_eq!(pairs["fp"], 0, "{pairs}");
    // score_passages.py reads its report from a file.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&report).unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["../shared/perf/score_passages.py", "--report"])
        .arg(file.path())
        .args(["--truth", truth])
        .output()
        .unwrap();
    let m: Value = serde_json::from_slice(&out.stdout).expect("PlagDet JSON");
    assert!(m["plagdet"].as_f64().unwrap() >= 0.95, "{m}");
    assert!(m["granularity"].as_f64().unwrap() <= 1.05, "{m}");
}

#[test]
fn no_reworded_passage_is_shorter_than_the_minimum() {
    for set in ["clough-dev", "news-dev", "passages-dev"] {
        let Some(docs) = shared_set(set) else {
            continue;
        };
        let report = scan(&[Path::new(&docs)]);
        for f in report["pairs"].as_array().unwrap() {
            for p in f["passages"].as_array().unwrap() {
                if p["kind"] == "verbatim" {
                    continue;
                }
                let shorter = words(p["text_a"].as_str().unwrap())
                    .len()
                    .min(words(p["text_b"].as_str().unwrap()).len());
                assert!(
                    shorter >= MIN_REWORDED_WORDS,
                    "{set}: reworded passage of {shorter} words: {p}"
                );
            }
        }
    }
}

/// Passages of one finding never overlap on either side (so their colours
/// never contradict each other), and each passage's sentence pairs lie
/// inside it on both sides.
#[test]
fn passages_are_disjoint_and_hold_their_sentence_pairs() {
    let mut dirs = vec!["samples".to_string()];
    dirs.extend(
        ["news-dev", "clough-dev", "passages-dev"]
            .iter()
            .filter_map(|s| shared_set(s)),
    );
    for dir in dirs {
        let report = scan(&[Path::new(&dir)]);
        for f in report["pairs"].as_array().unwrap() {
            let passages = f["passages"].as_array().unwrap();
            let range = |v: &Value| (v[0].as_u64().unwrap(), v[1].as_u64().unwrap());
            for side in ["a", "b"] {
                let mut spans: Vec<(u64, u64)> = passages.iter().map(|p| range(&p[side])).collect();
                spans.sort_unstable();
                for w in spans.windows(2) {
                    assert!(
                        w[0].1 <= w[1].0,
                        "{dir}: overlapping passages on {side}: {f}"
                    );
                }
            }
            for p in passages {
                for s in p["pairs"].as_array().unwrap() {
                    for side in ["a", "b"] {
                        let (outer, inner) = (range(&p[side]), range(&s[side]));
                        assert!(
                            outer.0 <= inner.0 && inner.1 <= outer.1 && inner.0 < inner.1,
                            "{dir}: sentence pair outside its passage: {p}"
                        );
                    }
                }
            }
        }
    }
}
