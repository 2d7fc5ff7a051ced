//! Sets `DEDUP_VERSION`, what `dedup --version` prints: the package version
//! and, when known, the commit it was built from.
//!
//! The commit comes from git when the package directory is the top of a
//! work tree (a clone, `cargo install --path .`), else from the
//! `.cargo_vcs_info.json` that `cargo package` writes into a crate
//! tarball. Neither there (a plain source tarball, no git installed): the
//! version alone. A build never fails for want of a commit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEDUP_BUILD_COMMIT");
    let commit = std::env::var("DEDUP_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git_commit(&manifest_dir))
        .or_else(|| packaged_commit(&manifest_dir));
    let version = env!("CARGO_PKG_VERSION");
    let full = match commit {
        Some(c) => format!("{version} ({})", &c[..c.len().min(12)]),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=DEDUP_VERSION={full}");
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// HEAD of the work tree whose top is `dir`. A crate unpacked inside some
/// other repository (vendored, in a registry cache under a dotfiles repo)
/// must not take that repository's commit, hence the top-level check.
fn git_commit(dir: &Path) -> Option<String> {
    let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?);
    if top.canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself, the branch it points to, and
    // packed-refs (where a branch lives after `git gc`).
    for name in ["HEAD", "packed-refs"] {
        if let Some(p) = git(dir, &["rev-parse", "--git-path", name]) {
            println!("cargo:rerun-if-changed={}", dir.join(p).display());
        }
    }
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        if let Some(p) = git(dir, &["rev-parse", "--git-path", &branch]) {
            println!("cargo:rerun-if-changed={}", dir.join(p).display());
        }
    }
    git(dir, &["rev-parse", "HEAD"])
}

/// The commit `cargo package` recorded: `{"git": {"sha1": "..."}, ...}`.
fn packaged_commit(dir: &Path) -> Option<String> {
    let info = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let after = &info[info.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = after.find('"')? + 1;
    let len = after[start..].find('"')?;
    let sha = &after[start..start + len];
    sha.chars()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| sha.to_string())
}
