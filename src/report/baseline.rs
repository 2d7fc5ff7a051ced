//! Baselines: findings someone has accepted, so that `dedup check` reports
//! only new ones. An entry is keyed by the pair of ids (sorted, as in a
//! finding), the verdict, and a hash of each document's text: editing
//! either document, or a finding getting a stronger verdict, makes it new
//! again.

use super::{Finding, Report, Verdict};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Accepted {
    /// The smaller id.
    pub a: String,
    /// The larger id.
    pub b: String,
    /// The accepted verdict.
    pub verdict: Verdict,
    /// Hash of `a`'s text when accepted (any text matches when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a_hash: Option<String>,
    /// Hash of `b`'s text when accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b_hash: Option<String>,
}

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// [`BASELINE_VERSION`].
    pub version: u32,
    /// Producer, e.g. `dedup 0.1.0`.
    #[serde(default)]
    pub tool: String,
    /// Accepted findings, sorted.
    pub accepted: BTreeSet<Accepted>,
}

/// The hash a baseline records for a document's text (xxh3, hex).
pub fn text_hash(text: &str) -> String {
    format!("{:016x}", crate::hash::stable_hash(text.as_bytes(), 0xBA5E))
}

impl Baseline {
    /// A baseline accepting every finding of `report`; `hash_of(id)` gives a
    /// document's [`text_hash`].
    pub fn from_report(report: &Report, hash_of: &dyn Fn(&str) -> Option<String>) -> Baseline {
        Baseline {
            version: BASELINE_VERSION,
            tool: format!("dedup {}", env!("CARGO_PKG_VERSION")),
            accepted: report
                .pairs
                .iter()
                .map(|f| Accepted {
                    a: f.a.clone(),
                    b: f.b.clone(),
                    verdict: f.verdict,
                    a_hash: hash_of(&f.a),
                    b_hash: hash_of(&f.b),
                })
                .collect(),
        }
    }

    /// Whether `f` is accepted.
    pub fn accepts(&self, f: &Finding, hash_of: &dyn Fn(&str) -> Option<String>) -> bool {
        let key = Accepted {
            a: f.a.clone(),
            b: f.b.clone(),
            verdict: f.verdict,
            a_hash: None,
            b_hash: None,
        };
        // Entries of this pair and verdict sort together, hashes after.
        self.accepted
            .range(&key..)
            .take_while(|e| e.a == key.a && e.b == key.b && e.verdict == key.verdict)
            .any(|e| {
                let same =
                    |stored: &Option<String>, id: &str| stored.is_none() || *stored == hash_of(id);
                same(&e.a_hash, &f.a) && same(&e.b_hash, &f.b)
            })
    }

    /// Drops accepted findings from `report` (and recounts its summary);
    /// returns how many were dropped.
    pub fn filter(&self, report: &mut Report, hash_of: &dyn Fn(&str) -> Option<String>) -> usize {
        let before = report.pairs.len();
        report.pairs.retain(|f| !self.accepts(f, hash_of));
        report.summarize();
        before - report.pairs.len()
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let b: Baseline = serde_json::from_slice(&bytes).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            message: format!("not a dedup baseline: {e}"),
        })?;
        if b.version != BASELINE_VERSION {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                message: format!(
                    "baseline version {} is not supported (this dedup reads {BASELINE_VERSION})",
                    b.version
                ),
            });
        }
        Ok(b)
    }

    /// Writes the baseline as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        std::fs::write(path, text).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}
