//! The reports people read in a terminal, pinned by snapshots: the text
//! format of `dedup scan samples/` and `dedup show` (not a terminal, fixed
//! width, so no colour codes). Also `dedup show`'s errors.

use assert_cmd::Command;
use std::path::Path;

/// Runs `dedup` in the repository root with a fixed width and no colour
/// preference; returns stdout, stderr, exit code.
fn dedup(args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Drops anything that depends on the run rather than the input (timings,
/// thread counts), should a printer ever show them.
fn stable(s: &str) -> String {
    s.lines()
        .filter(|l| !l.contains(" ms") && !l.contains("threads"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn samples_json(dir: &Path) -> String {
    let json = dir.join("report.json");
    let (_, stderr, code) = dedup(&[
        "scan",
        "samples",
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    json.to_str().unwrap().to_string()
}

#[test]
fn scan_samples_text_report() {
    let (stdout, _, code) = dedup(&["scan", "samples"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("scan_samples_text", stable(&stdout));
}

#[test]
fn show_lists_findings_then_one_side_by_side() {
    let tmp = tempfile::tempdir().unwrap();
    let json = samples_json(tmp.path());
    let (list, _, code) = dedup(&["show", &json]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("show_list", stable(&list));

    let (pair, _, code) = dedup(&["show", &json, "1"]);
    assert_eq!(code, 0);
    assert!(!pair.contains('\x1b'), "colour codes on a pipe");
    assert!(
        pair.lines().all(|l| l.chars().count() <= 100),
        "wider than COLUMNS"
    );
    assert_eq!(pair.matches("── passage ").count(), 4);
    insta::assert_snapshot!("show_pair_1", stable(&pair));

    // The same finding named by its documents, in either order.
    for ids in [
        ["000_f7ff5efcf92a0c65.txt", "001_0ae9a733e2d797e1.txt"],
        ["001_0ae9a733e2d797e1.txt", "000_f7ff5efcf92a0c65.txt"],
    ] {
        let (by_ids, _, code) = dedup(&["show", &json, ids[0], ids[1]]);
        assert_eq!(code, 0);
        assert_eq!(by_ids, pair);
    }
}

#[test]
fn show_fits_a_narrow_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let json = samples_json(tmp.path());
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "60")
        .args(["show", &json, "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 60));
    assert!(text.contains(" │ "));
}

#[test]
fn show_rejects_bad_choices_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let json = samples_json(tmp.path());
    for (args, expected) in [
        (
            vec!["show", &json, "2"],
            "no finding #2: findings are numbered 1 to 1",
        ),
        (vec!["show", &json, "0"], "no finding #0"),
        (vec!["show", &json, "first"], "is not a finding number"),
        (
            vec!["show", &json, "nope.txt", "000_f7ff5efcf92a0c65.txt"],
            "no document \"nope.txt\"",
        ),
        (
            vec![
                "show",
                &json,
                "002_67d3dee2a9e37524.txt",
                "000_f7ff5efcf92a0c65.txt",
            ],
            "no finding between",
        ),
        (vec!["show", "no/such/report.json"], "no/such/report.json"),
        (
            vec!["show", "samples/000_f7ff5efcf92a0c65.txt"],
            "not a dedup JSON report",
        ),
    ] {
        let (stdout, stderr, code) = dedup(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

/// The sentence-pair numbers (`[3]`, `[2,4]`) among `column`'s words.
fn pair_numbers(column: &str) -> Vec<usize> {
    column
        .split_whitespace()
        .filter_map(|w| w.strip_prefix('[')?.strip_suffix(']'))
        .filter(|inner| !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == ','))
        .flat_map(|inner| inner.split(',').map(|n| n.parse::<usize>().unwrap()))
        .collect()
}

#[test]
fn show_numbers_each_sentence_pair_on_both_sides() {
    let tmp = tempfile::tempdir().unwrap();
    let json = samples_json(tmp.path());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let passages = report["pairs"][0]["passages"].as_array().unwrap().clone();
    let (out, _, code) = dedup(&["show", &json, "1"]);
    assert_eq!(code, 0);
    assert!(!out.contains('\x1b'), "colour codes on a pipe");
    assert!(out.contains("[n] starts aligned sentence pair n of its passage"));
    let blocks: Vec<&str> = out.split("── passage ").skip(1).collect();
    assert_eq!(blocks.len(), passages.len());
    for (k, (block, passage)) in blocks.iter().zip(&passages).enumerate() {
        let pairs = passage["pairs"].as_array().unwrap();
        assert!(!pairs.is_empty(), "passage {k} has sentence pairs");
        assert!(
            block
                .lines()
                .next()
                .unwrap()
                .contains(&format!("· {} sentence pair", pairs.len())),
            "passage {k}: {block}"
        );
        let (mut left, mut right) = (String::new(), String::new());
        // Past the title and the column heads: the two texts.
        for line in block.lines().skip(2) {
            let (l, r) = line.split_once(" │ ").unwrap_or((line, ""));
            left.push_str(l);
            left.push('\n');
            right.push_str(r);
            right.push('\n');
        }
        let (on_a, mut on_b) = (pair_numbers(&left), pair_numbers(&right));
        let all: Vec<usize> = (1..=pairs.len()).collect();
        // Side a reads in pair order; side b has every number once, in its
        // own order.
        assert_eq!(on_a, all, "passage {k}, side A");
        on_b.sort_unstable();
        assert_eq!(on_b, all, "passage {k}, side B");
        // Each mark stands before its sentence: the first words after [1]
        // on side a are the first words of the pair's sentence.
        let text_a = passage["text_a"].as_str().unwrap();
        let from = passage["a"][0].as_u64().unwrap() as usize;
        let start = pairs[0]["a"][0].as_u64().unwrap() as usize - from;
        let first_word = text_a[start..].split_whitespace().next().unwrap();
        let after = left.split_whitespace().skip_while(|w| *w != "[1]").nth(1);
        assert_eq!(after, Some(first_word), "passage {k}");
    }
}
