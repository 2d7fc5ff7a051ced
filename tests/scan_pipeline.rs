//! The scan pipeline end to end on generated fixtures: planted copies are
//! found with the right verdict and score, unrelated texts are not, and the
//! JSON report does not depend on thread count or input order.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashSet;
use std::fs;
use std::path::Path;

/// A small deterministic generator (xorshift64*), so fixtures are the same
/// on every run without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A vocabulary of made-up lowercase words (no stopwords, so every word is
/// a content word for the rewrite tier).
fn vocabulary() -> Vec<String> {
    let syllables = [
        "ka", "lo", "mi", "ren", "tu", "sa", "vo", "pel", "dri", "qua", "ne", "bor", "fi", "gam",
        "zu", "ho",
    ];
    let mut words = Vec::new();
    for a in syllables {
        for b in syllables {
            for c in ["x", "nd", "rk", "lm", "st"] {
                words.push(format!("{a}{b}{c}"));
            }
        }
    }
    words
}

/// `n` words in sentences of 12–19 words.
fn text(rng: &mut Rng, vocab: &[String], n: usize) -> Vec<String> {
    (0..n)
        .map(|_| vocab[rng.below(vocab.len())].clone())
        .collect()
}

fn render(words: &[String]) -> String {
    let mut out = String::new();
    let mut in_sentence = 0;
    for (i, w) in words.iter().enumerate() {
        out.push_str(w);
        in_sentence += 1;
        if in_sentence >= 12 + i % 8 || i + 1 == words.len() {
            out.push_str(".\n");
            in_sentence = 0;
        } else {
            out.push(' ');
        }
    }
    out
}

/// Replaces `share` of the words at distinct random positions.
fn edit(rng: &mut Rng, vocab: &[String], words: &[String], share: f64) -> Vec<String> {
    let mut out = words.to_vec();
    let mut positions = HashSet::new();
    let target = (words.len() as f64 * share).round() as usize;
    while positions.len() < target {
        positions.insert(rng.below(words.len()));
    }
    for p in positions {
        loop {
            let w = &vocab[rng.below(vocab.len())];
            if *w != out[p] {
                out[p] = w.clone();
                break;
            }
        }
    }
    out
}

/// Exact Jaccard of the two word lists' k-shingle sets, computed here
/// independently of the library.
fn shingle_jaccard(a: &[String], b: &[String], k: usize) -> f64 {
    let set = |w: &[String]| -> HashSet<Vec<String>> { w.windows(k).map(|s| s.to_vec()).collect() };
    let (sa, sb) = (set(a), set(b));
    let inter = sa.intersection(&sb).count() as f64;
    inter / (sa.len() as f64 + sb.len() as f64 - inter)
}

fn scan(args: &[&str]) -> Value {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The report without its `stats` key, serialized: the part that must be
/// byte-identical between runs.
fn stable_part(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("scan")
        .arg(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let stats = text.find("\n  \"stats\"").expect("stats key last");
    text[..stats].to_string()
}

/// A corpus with every kind of finding: an exact copy, a near-copy, a
/// heavier edit, unrelated texts, and the samples' paraphrase.
fn corpus(dir: &Path) -> (Vec<String>, Vec<String>) {
    let vocab = vocabulary();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let base = text(&mut rng, &vocab, 600);
    let near = edit(&mut rng, &vocab, &base, 0.05);
    fs::write(dir.join("base.txt"), render(&base)).unwrap();
    fs::write(dir.join("exact-copy.txt"), render(&base)).unwrap();
    fs::write(dir.join("near-copy.txt"), render(&near)).unwrap();
    let heavier = edit(&mut rng, &vocab, &base, 0.10);
    fs::write(dir.join("ten-percent.txt"), render(&heavier)).unwrap();
    for i in 0..6 {
        let t = text(&mut rng, &vocab, 300 + 50 * i);
        fs::write(dir.join(format!("unrelated-{i}.txt")), render(&t)).unwrap();
    }
    for entry in fs::read_dir("samples").unwrap() {
        let p = entry.unwrap().path();
        fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    (base, near)
}

fn find<'a>(report: &'a Value, a: &str, b: &str) -> Option<&'a Value> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"] == a && p["b"] == b)
}

#[test]
fn planted_near_duplicate_scores_its_exact_jaccard() {
    let dir = tempfile::tempdir().unwrap();
    let (base, near) = corpus(dir.path());
    let expected = shingle_jaccard(&base, &near, 5);
    assert!((0.5..0.7).contains(&expected), "fixture Jaccard {expected}");
    let report = scan(&[dir.path().to_str().unwrap()]);
    let f = find(&report, "base.txt", "near-copy.txt").expect("near-copy found");
    assert_eq!(f["verdict"], "near-duplicate");
    let score = f["score"].as_f64().unwrap();
    assert!(
        (score - expected).abs() <= 0.05,
        "score {score} vs exact Jaccard {expected}"
    );
}

#[test]
fn exact_copy_is_exact_and_clustered() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let report = scan(&[dir.path().to_str().unwrap()]);
    let f = find(&report, "base.txt", "exact-copy.txt").expect("exact copy found");
    assert_eq!(f["verdict"], "exact");
    assert_eq!(f["score"], 1.0);
    // base, its copies and the edits form one cluster with one document kept.
    let clusters = report["clusters"].as_array().unwrap();
    let cluster = clusters
        .iter()
        .find(|c| {
            let mut ids = vec![c["keep"].as_str().unwrap()];
            ids.extend(
                c["drop"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_str().unwrap()),
            );
            ids.contains(&"base.txt")
        })
        .expect("cluster with base.txt");
    let size = 1 + cluster["drop"].as_array().unwrap().len();
    assert_eq!(size, 4, "{cluster}");
}

#[test]
fn ten_percent_edit_is_found_and_unrelated_texts_are_not() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let report = scan(&[dir.path().to_str().unwrap()]);
    let f = find(&report, "base.txt", "ten-percent.txt").expect("10% edit found");
    let verdict = f["verdict"].as_str().unwrap();
    assert!(
        ["near-duplicate", "paraphrase"].contains(&verdict),
        "{verdict}"
    );
    for p in report["pairs"].as_array().unwrap() {
        for side in ["a", "b"] {
            assert!(
                !p[side].as_str().unwrap().starts_with("unrelated-"),
                "unrelated text flagged: {p}"
            );
        }
    }
    // The samples keep their one finding among the generated files.
    let samples: Vec<_> = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["a"].as_str().unwrap().starts_with("00"))
        .collect();
    assert_eq!(samples.len(), 1, "{samples:#?}");
}

#[test]
fn json_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let one = stable_part(dir.path(), &["--threads", "1"]);
    let four = stable_part(dir.path(), &["--threads", "4"]);
    assert_eq!(one, four);
    assert!(one.contains("\"pairs\""));
}

#[test]
fn json_is_identical_under_shuffled_input_order() {
    // Same files, written to disk in the opposite order and named on the
    // command line in another order.
    let first = tempfile::tempdir().unwrap();
    corpus(first.path());
    let second = tempfile::tempdir().unwrap();
    let mut names: Vec<_> = fs::read_dir(first.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    names.reverse();
    for n in &names {
        fs::copy(first.path().join(n), second.path().join(n)).unwrap();
    }
    let files = |dir: &Path, reverse: bool| -> Vec<String> {
        let mut v: Vec<String> = names
            .iter()
            .map(|n| dir.join(n).to_string_lossy().into_owned())
            .collect();
        if !reverse {
            v.sort();
        }
        v
    };
    let run = |paths: Vec<String>| {
        let args: Vec<&str> = paths.iter().map(String::as_str).collect();
        let mut report = scan(&args);
        report.as_object_mut().unwrap().remove("stats");
        // Paths differ between the two directories; ids must not.
        for d in report["documents"].as_array_mut().unwrap() {
            d.as_object_mut().unwrap().remove("path");
        }
        serde_json::to_string(&report).unwrap()
    };
    let a = run(files(first.path(), false));
    let b = run(files(second.path(), true));
    assert_eq!(a, b);
    let walk_a = stable_part(first.path(), &[]);
    let walk_b = stable_part(second.path(), &[]);
    let strip = |s: &str, dir: &Path| s.replace(&dir.to_string_lossy().into_owned(), "DIR");
    assert_eq!(strip(&walk_a, first.path()), strip(&walk_b, second.path()));
}
