//! `--dates git` and `--dates mtime`, end to end through the real binary:
//! dates taken from a temporary git repository and from file modification
//! times become `date` evidence, with `meta.date_source` saying where each
//! came from.
//!
//! The two documents are a BBC story and a page that reuses it whole
//! (`tests/data/prov/syndication`): containment alone names no source for
//! them, so the dates decide.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, SystemTime};

const PROV: &str = "tests/data/prov/syndication/docs";
/// The story (the original) and a page that carries it (derived).
const STORY: &str = "s024.txt";
const PAGE: &str = "s015.txt";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(PROV).join(name))
        .expect("fixture present")
}

fn git_available() -> bool {
    std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs git in `dir` with a fixed identity and commit time, ignoring the
/// user's configuration.
fn git(dir: &Path, args: &[&str], date: &str) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// `dedup scan DIR --format json` with extra arguments: (report, exit code,
/// stderr).
fn scan(dir: &Path, extra: &[&str]) -> (Value, i32, String) {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("scan")
        .arg(dir)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).expect("valid JSON report");
    (
        report,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn the_pair(report: &Value) -> &Value {
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "one finding expected: {pairs:#?}");
    &pairs[0]
}

fn document<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("document {id} in the report"))
}

fn date_evidence(pair: &Value) -> &Value {
    pair["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "date")
        .unwrap_or_else(|| panic!("a date evidence item: {pair:#?}"))
}

#[test]
fn git_first_commit_names_the_earlier_committed_story() {
    if !git_available() {
        eprintln!("git not installed: skipped");
        return;
    }
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q"], "2020-01-01T10:00:00Z");
    // The story first, under another name: the rename later keeps its date.
    std::fs::create_dir(dir.join("drafts")).unwrap();
    std::fs::write(dir.join("drafts/story.txt"), fixture(STORY)).unwrap();
    git(dir, &["add", "."], "2020-01-01T10:00:00Z");
    git(dir, &["commit", "-qm", "story"], "2020-01-01T10:00:00Z");
    std::fs::write(dir.join("page.txt"), fixture(PAGE)).unwrap();
    git(dir, &["add", "page.txt"], "2021-06-01T10:00:00Z");
    git(dir, &["commit", "-qm", "page"], "2021-06-01T10:00:00Z");
    git(
        dir,
        &["mv", "drafts/story.txt", "story.txt"],
        "2022-03-01T10:00:00Z",
    );
    git(dir, &["commit", "-qm", "rename"], "2022-03-01T10:00:00Z");
    std::fs::write(dir.join("notes.txt"), "Untracked notes on the meeting.\n").unwrap();

    // Containment alone does not name the story (the page holds all of it
    // and more): the commit order is what says which came first.
    let (plain, _, _) = scan(dir, &["--quiet"]);
    assert_ne!(the_pair(&plain)["source"], "story.txt");

    let (report, code, stderr) = scan(dir, &["--quiet", "--dates", "git"]);
    assert_eq!(code, 1, "findings: exit 1; stderr: {stderr}");
    let story = document(&report, "story.txt");
    assert_eq!(story["meta"]["date"], "2020-01-01T10:00:00Z");
    assert_eq!(story["meta"]["date_source"], "git");
    assert_eq!(
        document(&report, "page.txt")["meta"]["date"],
        "2021-06-01T10:00:00Z"
    );
    let notes = document(&report, "notes.txt");
    assert!(notes["meta"].get("date").is_none());
    assert!(
        notes["warnings"][0]
            .as_str()
            .unwrap()
            .contains("not committed to git"),
        "{notes:#?}"
    );
    let pair = the_pair(&report);
    assert_eq!(pair["source"], "story.txt", "{pair:#?}");
    let date = date_evidence(pair);
    assert_eq!(date["favours"], "story.txt");
    assert_eq!(date["weight"], 6.0);
    assert!(
        date["detail"].as_str().unwrap().contains("git"),
        "{date:#?}"
    );
}

#[test]
fn modification_times_are_weak_date_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let set = |name: &str, text: String, days_after_2020: u64| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let time =
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_836_800 + days_after_2020 * 86_400);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    };
    set("story.txt", fixture(STORY), 0);
    set("page.txt", fixture(PAGE), 500);

    let (report, _, _) = scan(dir, &["--quiet", "--dates", "mtime"]);
    let story = document(&report, "story.txt");
    assert_eq!(story["meta"]["date"], "2020-01-01T00:00:00Z");
    assert_eq!(story["meta"]["date_source"], "mtime");
    let date = date_evidence(the_pair(&report));
    assert_eq!(date["favours"], "story.txt");
    assert_eq!(date["weight"], 0.4);
    assert!(
        date["detail"]
            .as_str()
            .unwrap()
            .ends_with("(file modification time, weak)"),
        "{date:#?}"
    );
}

#[test]
fn git_dates_outside_a_work_tree_warn_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    if dir.ancestors().any(|d| d.join(".git").exists()) {
        eprintln!("temporary directory is inside a git work tree: skipped");
        return;
    }
    std::fs::write(dir.join("story.txt"), fixture(STORY)).unwrap();
    std::fs::write(dir.join("page.txt"), fixture(PAGE)).unwrap();

    let (report, code, stderr) = scan(dir, &["--dates", "git"]);
    assert_eq!(code, 1, "the finding is still reported; stderr: {stderr}");
    assert!(stderr.contains("not in a git work tree"), "{stderr}");
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["message"]
            .as_str()
            .unwrap()
            .contains("--dates git: not in a git work tree")),
        "{errors:#?}"
    );
    assert!(document(&report, "story.txt")["meta"].get("date").is_none());
    assert!(date_free(the_pair(&report)));
}

fn date_free(pair: &Value) -> bool {
    pair["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] != "date")
}

/// A commit order that contradicts the text: the rewrite (samples/000) is
/// committed before its source (samples/001). Containment alone names 001;
/// the first-commit dates overrule it.
#[test]
fn git_commit_order_overrules_a_contrary_containment_vote() {
    if !git_available() {
        eprintln!("git not installed: skipped");
        return;
    }
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let read = |n: &str| std::fs::read_to_string(samples.join(n)).unwrap();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q"], "2020-01-01T10:00:00Z");
    std::fs::write(dir.join("rewrite.txt"), read("000_f7ff5efcf92a0c65.txt")).unwrap();
    git(dir, &["add", "."], "2020-01-01T10:00:00Z");
    git(dir, &["commit", "-qm", "first"], "2020-01-01T10:00:00Z");
    std::fs::write(dir.join("original.txt"), read("001_0ae9a733e2d797e1.txt")).unwrap();
    git(dir, &["add", "."], "2020-01-01T16:30:00Z");
    git(dir, &["commit", "-qm", "second"], "2020-01-01T16:30:00Z");

    let (plain, _, _) = scan(dir, &["--quiet"]);
    let pair = the_pair(&plain);
    assert_eq!(pair["source"], "original.txt", "containment: {pair:#}");
    assert!(pair["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "containment" && e["favours"] == "original.txt"));

    // Same day, different times: commit times are compared to the second.
    let (dated, _, _) = scan(dir, &["--quiet", "--dates", "git"]);
    let pair = the_pair(&dated);
    assert_eq!(pair["source"], "rewrite.txt", "{pair:#}");
    assert_eq!(date_evidence(pair)["favours"], "rewrite.txt");
    assert!(pair["confidence"].as_f64().unwrap() >= 0.5);
}
