//! Dates beside the documents (`--dates`), as provenance evidence:
//!
//! - `--dates FILE`: a CSV of `id,date` lines giving publication dates by
//!   document id (a header line is allowed). They override dates found in
//!   the documents.
//! - `--dates git`: the time of the commit that added each file (renames
//!   followed), read in one `git log` pass per work tree. Files that were
//!   never committed, or were added before a shallow clone's history
//!   begins, get no date and a warning; inputs outside any work tree get
//!   none and an error entry naming the path.
//! - `--dates mtime`: each file's modification time, weak evidence (a copy,
//!   a checkout or an edit resets it).
//!
//! Git and mtime dates only fill in documents without a date of their own
//! (a published date beats the time a file reached a disk), and are written
//! as UTC timestamps, `2024-03-06T10:00:00Z`.

use super::{DateSource, Document, InputError, Loaded};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where `--dates` takes dates from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatesFrom {
    /// A CSV of `id,date` lines.
    File(PathBuf),
    /// The commit that added each file to its git work tree.
    Git,
    /// Each file's modification time.
    Mtime,
}

impl DatesFrom {
    /// `git` and `mtime` name those sources; anything else is a file (write
    /// `./git` for a file called `git`).
    pub fn parse(value: &str) -> Self {
        match value {
            "git" => DatesFrom::Git,
            "mtime" => DatesFrom::Mtime,
            path => DatesFrom::File(PathBuf::from(path)),
        }
    }
}

/// Sets the dates of `out`'s documents from `from`. `roots` are the paths
/// the documents were loaded from, to name in an error.
pub fn apply(from: &DatesFrom, roots: &[PathBuf], out: &mut Loaded) {
    match from {
        DatesFrom::File(file) => {
            let (dates, errors) = read(file);
            out.errors.extend(errors);
            for d in &mut out.documents {
                if let Some(date) = dates.get(&d.id) {
                    d.meta.date = Some(date.clone());
                    d.meta.date_source = Some(DateSource::File);
                }
            }
        }
        DatesFrom::Git => apply_git(roots, out),
        DatesFrom::Mtime => apply_mtime(out),
    }
    if matches!(from, DatesFrom::Git | DatesFrom::Mtime) {
        let option = if *from == DatesFrom::Git {
            "git"
        } else {
            "mtime"
        };
        for d in &mut out.documents {
            if d.path == "-" && d.meta.date.is_none() {
                d.warnings.push(format!(
                    "--dates {option}: standard input is not a file: no date"
                ));
            }
        }
    }
}

/// Documents that come from a file on disk and have no date yet.
fn undated(docs: &mut [Document]) -> impl Iterator<Item = &mut Document> {
    docs.iter_mut()
        .filter(|d| d.meta.date.is_none() && d.path != "-")
}

fn apply_mtime(out: &mut Loaded) {
    // JSONL documents share a file: one look-up per path.
    let mut times: HashMap<String, Result<i64, String>> = HashMap::new();
    for d in undated(&mut out.documents) {
        let time = times.entry(d.path.clone()).or_insert_with(|| {
            let modified = std::fs::metadata(&d.path).and_then(|m| m.modified());
            match modified {
                Ok(t) => match t.duration_since(std::time::UNIX_EPOCH) {
                    Ok(since) => Ok(since.as_secs() as i64),
                    Err(_) => Err("modification time before 1970".into()),
                },
                Err(e) => Err(super::describe_io(&e)),
            }
        });
        match time {
            Ok(secs) => {
                d.meta.date = Some(utc_timestamp(*secs));
                d.meta.date_source = Some(DateSource::Mtime);
            }
            Err(e) => d.warnings.push(format!(
                "--dates mtime: no modification time ({e}): no date"
            )),
        }
    }
}

fn apply_git(roots: &[PathBuf], out: &mut Loaded) {
    let mut work_trees: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut logs: HashMap<PathBuf, Result<HashMap<String, FirstAdd>, String>> = HashMap::new();
    let mut outside = BTreeSet::new();
    let mut failed = BTreeSet::new();
    for d in undated(&mut out.documents) {
        let Ok(file) = std::fs::canonicalize(&d.path) else {
            continue;
        };
        let dir = file.parent().unwrap_or(Path::new("/")).to_path_buf();
        let top = work_trees
            .entry(dir.clone())
            .or_insert_with(|| work_tree_of(&dir))
            .clone();
        let Some(top) = top else {
            let root = roots
                .iter()
                .find(|r| Path::new(&d.path).starts_with(r))
                .map(|r| r.display().to_string());
            outside.insert(root.unwrap_or_else(|| d.path.clone()));
            continue;
        };
        let log = logs
            .entry(top.clone())
            .or_insert_with(|| first_commits(&top));
        let first = match log {
            Ok(first) => first,
            Err(e) => {
                failed.insert((top.display().to_string(), e.clone()));
                continue;
            }
        };
        let relative = file
            .strip_prefix(&top)
            .unwrap_or(&file)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match first.get(&relative) {
            Some(&FirstAdd::At(secs)) => {
                d.meta.date = Some(utc_timestamp(secs));
                d.meta.date_source = Some(DateSource::Git);
            }
            Some(FirstAdd::BeforeShallowHistory) => d.warnings.push(
                "--dates git: added before the history of this shallow clone begins: no date (fetch the full history)"
                    .into(),
            ),
            None => d.warnings.push(
                "--dates git: file not committed to git (untracked, or added but not committed): no date"
                    .into(),
            ),
        }
    }
    for path in outside {
        out.errors.push(InputError {
            file: path,
            line: None,
            message: "--dates git: not in a git work tree: its documents get no date".into(),
        });
    }
    for (top, message) in failed {
        out.errors.push(InputError {
            file: top,
            line: None,
            message: format!("--dates git: {message}: its documents get no date"),
        });
    }
}

/// The nearest directory at or above `dir` that holds `.git` (a directory,
/// or a file for worktrees and submodules).
fn work_tree_of(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// When a path was first added to a work tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstAdd {
    /// By a commit made at this Unix time.
    At(i64),
    /// In a commit at the edge of a shallow clone's history, which shows
    /// every older file as added: the real time is not known.
    BeforeShallowHistory,
}

impl FirstAdd {
    /// The earlier of two; a shallow edge is older than anything after it.
    fn min(self, other: FirstAdd) -> FirstAdd {
        match (self, other) {
            (FirstAdd::At(a), FirstAdd::At(b)) => FirstAdd::At(a.min(b)),
            _ => FirstAdd::BeforeShallowHistory,
        }
    }
}

fn git(top: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    std::process::Command::new("git")
        .arg("-C")
        .arg(top)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git ({e})"))
}

/// Every path ever added in the work tree at `top`, relative to it, with
/// when it was first added, from one `git log` pass (oldest commit first,
/// renames followed).
fn first_commits(top: &Path) -> Result<HashMap<String, FirstAdd>, String> {
    let output = git(
        top,
        &[
            // Signatures would add lines to the output.
            "-c",
            "log.showSignature=false",
            "log",
            "--reverse",
            "-z",
            "-M",
            "--name-status",
            "--diff-filter=AR",
            "--format=%x01%at %H",
        ],
    )?;
    if output.status.success() {
        return Ok(parse_git_log(&output.stdout, &shallow_edges(top)));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("does not have any commits") {
        return Ok(HashMap::new());
    }
    Err(format!("git log failed: {}", stderr.trim()))
}

/// The commits at the edge of a shallow clone's history (`.git/shallow`);
/// empty for a full clone.
fn shallow_edges(top: &Path) -> HashSet<String> {
    let Ok(out) = git(top, &["rev-parse", "--git-path", "shallow"]) else {
        return HashSet::new();
    };
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let path = if path.is_absolute() {
        path
    } else {
        top.join(path)
    };
    std::fs::read_to_string(path)
        .map(|s| s.lines().map(|l| l.trim().to_string()).collect())
        .unwrap_or_default()
}

/// Parses `git log -z --name-status --format=%x01%at %H` output, oldest
/// commit first: each commit is `\x01TIME HASH`, then `STATUS\0PATH`
/// (`A`) or `STATUS\0OLD\0NEW` (`R`) entries. A renamed file keeps the
/// time its old path was added; files added by a commit in `shallow` (the
/// edge of a shallow clone) have no known time.
pub fn parse_git_log(bytes: &[u8], shallow: &HashSet<String>) -> HashMap<String, FirstAdd> {
    let mut first: HashMap<String, FirstAdd> = HashMap::new();
    let mut added = None;
    let mut tokens = bytes
        .split(|&b| b == 0)
        .map(|t| String::from_utf8_lossy(t).into_owned());
    while let Some(token) = tokens.next() {
        let status = token.trim_start_matches('\n');
        if let Some(header) = status.strip_prefix('\u{1}') {
            let (secs, hash) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
            added = match secs.parse::<i64>() {
                Ok(_) if shallow.contains(hash) => Some(FirstAdd::BeforeShallowHistory),
                Ok(t) => Some(FirstAdd::At(t)),
                Err(_) => None,
            };
            continue;
        }
        let Some(t) = added else { continue };
        if status.starts_with('A') {
            let Some(path) = tokens.next() else { break };
            let e = first.entry(path).or_insert(t);
            *e = e.min(t);
        } else if status.starts_with('R') {
            let (Some(old), Some(new)) = (tokens.next(), tokens.next()) else {
                break;
            };
            let t = first.get(&old).map_or(t, |&o| o.min(t));
            let e = first.entry(new).or_insert(t);
            *e = e.min(t);
        }
    }
    first
}

/// A Unix time as an ISO 8601 UTC timestamp, `2024-03-06T10:00:00Z`.
pub fn utc_timestamp(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01: H. Hinnant, "chrono-Compatible
    // Low-Level Date Algorithms", civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Reads the dates file. Bad lines are reported with their number.
pub fn read(path: &std::path::Path) -> (HashMap<String, String>, Vec<InputError>) {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Err(e) => (
            HashMap::new(),
            vec![InputError {
                file: shown,
                line: None,
                message: format!("dates file: {}", super::describe_io(&e)),
            }],
        ),
        Ok(bytes) => parse(&shown, &super::decode::decode(&bytes).0),
    }
}

/// Parses `id,date` lines; the first line may be a header (`id,date`).
pub fn parse(file: &str, text: &str) -> (HashMap<String, String>, Vec<InputError>) {
    let (mut dates, mut errors) = (HashMap::new(), Vec::new());
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (n == 0 && line.eq_ignore_ascii_case("id,date")) {
            continue;
        }
        match line.rsplit_once(',') {
            Some((id, date))
                if !id.trim().is_empty()
                    && date.trim().chars().take(4).all(|c| c.is_ascii_digit())
                    && date.trim().len() >= 4 =>
            {
                dates.insert(
                    id.trim().trim_matches('"').to_string(),
                    date.trim().trim_matches('"').to_string(),
                );
            }
            _ => errors.push(InputError {
                file: file.to_string(),
                line: Some(n + 1),
                message: format!("expected `id,date` with a date like 2024-03-06, got {line:?}"),
            }),
        }
    }
    (dates, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_dates_and_bad_lines() {
        let (d, e) = parse(
            "d.csv",
            "id,date\na.txt,2024-03-06\nb.txt,not a date\n\"c,d.txt\",2023-01-01T10:00\n",
        );
        assert_eq!(d["a.txt"], "2024-03-06");
        assert_eq!(d["c,d.txt"], "2023-01-01T10:00");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, Some(3));
    }

    #[test]
    fn utc_timestamps_of_known_times() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_timestamp(1_709_719_200), "2024-03-06T10:00:00Z");
        assert_eq!(utc_timestamp(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn git_log_first_adds_and_renames() {
        let log = b"\x011000 h1\0\nA\0a.txt\0A\0dir/b \"q\".txt\0\x012000 h2\0\nA\0c.txt\0R100\0a.txt\0moved/a.txt\0\x013000 h3\0\nA\0a.txt\0";
        let first = parse_git_log(log, &HashSet::new());
        let at = FirstAdd::At;
        assert_eq!(
            first["a.txt"],
            at(1000),
            "re-added later: the first add counts"
        );
        assert_eq!(first["dir/b \"q\".txt"], at(1000));
        assert_eq!(first["c.txt"], at(2000));
        assert_eq!(
            first["moved/a.txt"],
            at(1000),
            "a rename keeps the add time"
        );
        assert_eq!(first.len(), 4);
        // In a shallow clone whose history starts at h1, h1 shows every
        // older file as added: those times are unknown.
        let first = parse_git_log(log, &HashSet::from(["h1".to_string()]));
        assert_eq!(first["a.txt"], FirstAdd::BeforeShallowHistory);
        assert_eq!(first["moved/a.txt"], FirstAdd::BeforeShallowHistory);
        assert_eq!(first["c.txt"], at(2000));
    }

    #[test]
    fn dates_option_values() {
        assert_eq!(DatesFrom::parse("git"), DatesFrom::Git);
        assert_eq!(DatesFrom::parse("mtime"), DatesFrom::Mtime);
        assert_eq!(
            DatesFrom::parse("./git"),
            DatesFrom::File(PathBuf::from("./git"))
        );
    }
}
