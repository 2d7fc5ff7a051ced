//! `dedup index` and `dedup check` through the real binary: the samples
//! case, equality with `dedup scan` over the union, parameter checks,
//! `--fail-on`, baselines and the GitHub printer.

mod common;

use assert_cmd::Command;
use common::{planted_corpus, write_all};
use serde_json::Value;
use std::path::{Path, PathBuf};

const REWRITE: &str = "000_f7ff5efcf92a0c65.txt";
const ASTANA_TIMES: &str = "001_0ae9a733e2d797e1.txt";

fn dedup() -> Command {
    Command::cargo_bin("dedup").unwrap()
}

/// Copies `samples/` into `dir` without the named files.
fn samples_without(dir: &Path, skip: &[&str]) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for e in std::fs::read_dir("samples").unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if !skip.contains(&name.as_str()) {
            std::fs::copy(e.path(), corpus.join(&name)).unwrap();
        }
    }
    corpus
}

fn build(corpus: &Path, index: &Path, extra: &[&str]) {
    dedup()
        .args(["index", "build"])
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .args(extra)
        .assert()
        .code(0);
}

/// Runs `dedup check ... --format json`; returns the exit code and report.
fn check_json(args: &[&str]) -> (i32, Value) {
    let out = dedup()
        .arg("check")
        .args(args)
        .args(["--format", "json", "-q"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code <= 1,
        "check failed ({code}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        code,
        serde_json::from_slice(&out.stdout).expect("valid JSON"),
    )
}

fn scan_json(dir: &Path) -> Value {
    let out = dedup()
        .arg("scan")
        .arg(dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The comparable part of a finding list: everything a finding says.
/// The findings without their source and evidence: a check against an
/// index knows more than a scan (which documents were there first, the
/// `indexed` evidence), so the named sources may differ.
fn findings(report: &Value) -> Vec<Value> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            serde_json::json!({
                "a": f["a"], "b": f["b"], "verdict": f["verdict"], "score": f["score"],
                "passages": f["passages"], "jaccard": f["jaccard"],
            })
        })
        .collect()
}

#[test]
fn rewrite_is_traced_to_its_source_in_an_index_without_it() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let index = tmp.path().join("index.db");
    build(&corpus, &index, &[]);
    let new = format!("samples/{REWRITE}");
    let (code, report) = check_json(&[&new, "--index", index.to_str().unwrap()]);
    assert_eq!(code, 1);
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:#?}");
    assert_eq!(pairs[0]["source"], ASTANA_TIMES);
    assert!(!pairs[0]["passages"].as_array().unwrap().is_empty());
    // The text printer names the source too.
    let out = dedup()
        .args(["check", &new, "--index", index.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains(ASTANA_TIMES));
}

#[test]
fn unrelated_article_is_clean_against_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &["004_3b6218f333f20810.txt"]);
    let index = tmp.path().join("index.db");
    build(&corpus, &index, &[]);
    dedup()
        .args(["check", "samples/002_67d3dee2a9e37524.txt", "--index"])
        .arg(&index)
        .assert()
        .code(0);
}

#[test]
fn check_against_index_equals_scan_of_the_union_on_samples() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let index = tmp.path().join("index.db");
    build(&corpus, &index, &[]);
    let (_, checked) = check_json(&[
        &format!("samples/{REWRITE}"),
        "--index",
        index.to_str().unwrap(),
    ]);
    let scanned = scan_json(Path::new("samples"));
    assert_eq!(findings(&checked), findings(&scanned));
}

#[test]
fn check_equals_scan_of_the_union_on_generated_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = planted_corpus(0x5EED_1234, 24);
    let (old, new): (Vec<_>, Vec<_>) = docs
        .into_iter()
        .enumerate()
        .partition(|(i, (name, _))| name.starts_with("orig") && i % 4 != 0);
    let strip =
        |v: Vec<(usize, (String, String))>| v.into_iter().map(|(_, d)| d).collect::<Vec<_>>();
    let (old, new) = (strip(old), strip(new));
    let (old_dir, new_dir, union) = (
        tmp.path().join("old"),
        tmp.path().join("new"),
        tmp.path().join("union"),
    );
    write_all(&old_dir, &old);
    write_all(&new_dir, &new);
    write_all(&union, &old);
    write_all(&union, &new);
    let index = tmp.path().join("index.db");
    build(&old_dir, &index, &[]);

    // Only findings that involve a new document are check's business.
    let new_names: Vec<&str> = new.iter().map(|(n, _)| n.as_str()).collect();
    let scanned: Vec<Value> = findings(&scan_json(&union))
        .into_iter()
        .filter(|f| {
            new_names.contains(&f["a"].as_str().unwrap())
                || new_names.contains(&f["b"].as_str().unwrap())
        })
        .collect();
    let verdicts: Vec<&str> = scanned
        .iter()
        .map(|f| f["verdict"].as_str().unwrap())
        .collect();
    for kind in ["exact", "near-duplicate", "partial-reuse"] {
        assert!(
            verdicts.contains(&kind),
            "the corpus plants {kind}: {verdicts:?}"
        );
    }
    let (_, by_index) = check_json(&[
        new_dir.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert_eq!(findings(&by_index), scanned);
    // Between a new and an indexed document, the indexed one is the source
    // when one is named (the corpus has no dates).
    for f in by_index["pairs"].as_array().unwrap() {
        let new_side = |k: &str| new_names.contains(&f[k].as_str().unwrap());
        if new_side("a") != new_side("b") {
            if let Some(source) = f["source"].as_str() {
                assert!(!new_names.contains(&source), "{f:#}");
            }
        }
    }
    let (_, by_dir) = check_json(&[
        new_dir.to_str().unwrap(),
        "--against",
        old_dir.to_str().unwrap(),
    ]);
    assert_eq!(findings(&by_dir), scanned);
}

#[test]
fn fail_on_sets_the_least_severe_failing_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let new = format!("samples/{REWRITE}");
    let run = |fail_on: &str| {
        dedup()
            .args(["check", &new, "--against"])
            .arg(&corpus)
            .args(["--fail-on", fail_on, "-q"])
            .output()
            .unwrap()
            .status
            .code()
    };
    // The finding is a paraphrase.
    assert_eq!(run("near-duplicate"), Some(0));
    assert_eq!(run("exact"), Some(0));
    assert_eq!(run("paraphrase"), Some(1));
    assert_eq!(run("partial-reuse"), Some(1));

    // A planted partial reuse fails only `--fail-on partial-reuse`.
    let docs = planted_corpus(77, 3);
    let orig = docs
        .iter()
        .find(|(n, _)| n == "orig_002.txt")
        .unwrap()
        .clone();
    let part = docs
        .iter()
        .find(|(n, _)| n == "part_002.txt")
        .unwrap()
        .clone();
    write_all(&tmp.path().join("coll"), &[orig]);
    write_all(&tmp.path().join("new"), &[part]);
    let code = |fail_on: &str| {
        dedup()
            .arg("check")
            .arg(tmp.path().join("new"))
            .arg("--against")
            .arg(tmp.path().join("coll"))
            .args(["--fail-on", fail_on, "-q", "--format", "json"])
            .output()
            .unwrap()
    };
    let out = code("partial-reuse");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pairs"][0]["verdict"], "partial-reuse");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(code("paraphrase").status.code(), Some(0));
}

#[test]
fn parameter_or_schema_mismatch_is_an_error_asking_to_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let index = tmp.path().join("index.db");
    build(&corpus, &index, &[]);
    let new = format!("samples/{REWRITE}");
    for args in [
        &["-k", "4"][..],
        &["--num-perm", "64"],
        &["--threshold", "0.8"],
    ] {
        let out = dedup()
            .args(["check", &new, "--index"])
            .arg(&index)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("dedup index build"), "{args:?}: {err}");
    }
    // An index from another schema version is refused by every command.
    let conn = rusqlite::Connection::open(&index).unwrap();
    conn.execute(
        "UPDATE meta SET value = '999' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    for cmd in [
        &["check", new.as_str()][..],
        &["index", "stats"],
        &["index", "add", new.as_str()],
    ] {
        let out = dedup()
            .args(cmd)
            .arg("--index")
            .arg(&index)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("schema version 999") && err.contains("dedup index build"),
            "{err}"
        );
    }
    // A missing index is an error too.
    dedup()
        .args(["check", &new, "--index"])
        .arg(tmp.path().join("missing.db"))
        .assert()
        .code(2);
}

#[test]
fn add_skips_unchanged_replaces_changed_and_remove_deletes() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let index = tmp.path().join("index.db");
    build(&corpus, &index, &[]);
    let add = |path: &Path| {
        let out = dedup()
            .args(["index", "add"])
            .arg(path)
            .arg("--index")
            .arg(&index)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(add(&corpus).contains("0 added, 0 replaced, 4 unchanged"));
    let file = corpus.join(ASTANA_TIMES);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Astana", "Almaty")).unwrap();
    assert!(add(&corpus).contains("0 added, 1 replaced, 3 unchanged"));
    // The replaced text is what check sees.
    let (_, report) = check_json(&[
        &format!("samples/{REWRITE}"),
        "--index",
        index.to_str().unwrap(),
    ]);
    let passages = report["pairs"][0]["passages"].as_array().unwrap();
    let other_side = if report["pairs"][0]["a"] == ASTANA_TIMES {
        "text_a"
    } else {
        "text_b"
    };
    assert!(passages
        .iter()
        .all(|p| !p[other_side].as_str().unwrap().contains("Astana")));

    dedup()
        .args(["index", "remove", ASTANA_TIMES, "--index"])
        .arg(&index)
        .assert()
        .code(0);
    let (code, _) = check_json(&[
        &format!("samples/{REWRITE}"),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "the source is gone");
    let stats = dedup()
        .args([
            "index",
            "stats",
            "--format",
            "json",
            "--integrity",
            "--index",
        ])
        .arg(&index)
        .output()
        .unwrap();
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["documents"], 3);
    assert!(stats["bytes_on_disk"].as_u64().unwrap() > 0);
}

#[test]
fn a_new_version_of_an_indexed_document_replaces_it_in_the_check() {
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index.db");
    build(Path::new("samples"), &index, &[]);
    // 000 is indexed under the same id: it is compared as the new version,
    // not found as its own exact duplicate.
    let (code, report) = check_json(&[
        &format!("samples/{REWRITE}"),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:#?}");
    assert_eq!(pairs[0]["b"], ASTANA_TIMES);
}

#[test]
fn baseline_accepts_findings_until_a_document_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let new = tmp.path().join(REWRITE);
    std::fs::copy(format!("samples/{REWRITE}"), &new).unwrap();
    let baseline = tmp.path().join("baseline.json");
    let check = |extra: &[&str]| {
        dedup()
            .arg("check")
            .arg(&new)
            .arg("--against")
            .arg(&corpus)
            .args(["-q", "--format", "json"])
            .args(extra)
            .output()
            .unwrap()
    };
    let b = baseline.to_str().unwrap();
    assert_eq!(check(&["--write-baseline", b]).status.code(), Some(0));
    let written: Value = serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
    assert_eq!(written["accepted"].as_array().unwrap().len(), 1);
    let out = check(&["--baseline", b]);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["pairs"].as_array().unwrap().is_empty());
    // Without the baseline the finding is back; after an edit it is new.
    assert_eq!(check(&[]).status.code(), Some(1));
    let text = std::fs::read_to_string(&new).unwrap();
    std::fs::write(&new, text + "\nOne more closing sentence was added.\n").unwrap();
    assert_eq!(check(&["--baseline", b]).status.code(), Some(1));
}

#[test]
fn github_annotations_point_at_the_passage_lines_of_the_new_file() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let new = format!("samples/{REWRITE}");
    let out = dedup()
        .args(["check", &new, "--format", "github", "-q", "--against"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, report) = check_json(&[&new, "--against", corpus.to_str().unwrap()]);
    let passages = report["pairs"][0]["passages"].as_array().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), passages.len());
    let text = std::fs::read_to_string(&new).unwrap();
    let side = if report["pairs"][0]["a"] == REWRITE {
        "a"
    } else {
        "b"
    };
    for (line, p) in lines.iter().zip(passages) {
        assert!(
            line.starts_with(&format!("::error file={new},line=")),
            "{line}"
        );
        assert!(line.contains("title=dedup%3A paraphrase::"), "{line}");
        assert!(!line[2..].contains('\n'));
        let start = p[side][0].as_u64().unwrap() as usize;
        let expected_line = 1 + text[..start].matches('\n').count();
        assert!(line.contains(&format!(",line={expected_line},")), "{line}");
    }
}

#[test]
fn check_writes_an_html_page_with_the_passages_highlighted() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let index = tmp.path().join("index.db");
    build(&corpus, &index, &[]);
    let page = tmp.path().join("check.html");
    dedup()
        .args(["check", &format!("samples/{REWRITE}"), "--index"])
        .arg(&index)
        .args(["--format", "html", "-o"])
        .arg(&page)
        .assert()
        .code(1);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(ASTANA_TIMES));
    // Both sides carry highlighted passages: the indexed text was used.
    assert!(
        html.matches("data-p=\"0\"").count() >= 2,
        "passage 0 not on both sides"
    );
}

#[test]
fn check_names_documents_by_id_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = samples_without(tmp.path(), &[REWRITE]);
    let new = format!("samples/{REWRITE}");
    let run = |format: &str| {
        let out = dedup()
            .args(["check", &new, "--against"])
            .arg(&corpus)
            .args(["--format", format])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let other = json["pairs"][0]["b"].as_str().unwrap().to_string();
    assert!(!other.contains('/'), "{other}");
    let corpus_path = format!("{}/{other}", corpus.display());
    for format in ["github", "sarif", "text"] {
        let out = run(format);
        assert!(out.contains(&other), "{format}: {out}");
        // Paths only locate an annotation (`file=`, `uri`), never name
        // the other document in a message.
        for line in out
            .lines()
            .filter(|l| l.contains("::") || l.contains("\"text\""))
        {
            let message = line.rsplit("::").next().unwrap();
            assert!(!message.contains(&corpus_path), "{format}: {line}");
        }
    }
}
