//! The whole result of a run: the documents, findings and clusters with
//! the parameters and statistics. Every printer in `report` reads this one
//! model; its JSON form is the source of truth (docs/report-schema.md).

use super::finding::{Cluster, Finding};
use crate::input::{DocMeta, Encoding, Format, InputError};
use crate::params::Params;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the JSON schema. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// What the report says about one input document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// The document id.
    pub id: String,
    /// The file it came from.
    pub path: String,
    /// Raw size in bytes.
    pub bytes: usize,
    /// Number of word tokens.
    pub tokens: usize,
    /// How it was decoded.
    pub encoding: Encoding,
    /// Its container format.
    pub format: Format,
    /// Metadata found in it.
    #[serde(default)]
    pub meta: DocMeta,
    /// Problems that did not stop it from being compared.
    pub warnings: Vec<String>,
    /// Its language, as the rewrite tier read it (absent without that tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::language::DocumentLanguage>,
    /// Its sentences found to be boilerplate (repeated across the
    /// collection), which counted for no finding.
    #[serde(default)]
    pub boilerplate_sentences: usize,
}

/// Counts for the summary line.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Documents compared.
    pub documents: usize,
    /// Findings.
    pub pairs: usize,
    /// Findings per verdict.
    pub by_verdict: BTreeMap<String, usize>,
    /// Clusters.
    pub clusters: usize,
    /// Files or lines that could not be used.
    pub errors: usize,
}

/// Run statistics: the only part of a report allowed to differ between two
/// runs on the same input (timings, thread count).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Worker threads used.
    pub threads: usize,
    /// Wall time per stage, milliseconds.
    pub timings_ms: BTreeMap<String, f64>,
    /// Counters (candidate pairs per tier, pairs verified, ...).
    pub counters: BTreeMap<String, u64>,
}

/// The named sources of one connected group of findings: a directed graph
/// from sources to the documents derived from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceGraph {
    /// Documents of the group with no named source of their own, sorted.
    pub roots: Vec<String>,
    /// Every document of the group (linked by findings, named or not), sorted.
    pub documents: Vec<String>,
    /// Named sources, sorted by source then derived document.
    pub edges: Vec<ProvenanceEdge>,
    /// The graph in one line, e.g. `a -> b -> c; a -> d`.
    pub chain: String,
}

/// One named source in a [`ProvenanceGraph`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceEdge {
    /// The likely original.
    pub source: String,
    /// The document derived from it.
    pub derived: String,
    /// The finding's confidence.
    pub confidence: f64,
}

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub version: u32,
    /// Producer, e.g. `dedup 0.1.0`.
    pub tool: String,
    /// The parameters of the run, including the computed LSH bands/rows.
    pub params: Params,
    /// Counts.
    pub summary: Summary,
    /// Every document compared, sorted by id.
    pub documents: Vec<DocumentInfo>,
    /// Findings, strongest first.
    pub pairs: Vec<Finding>,
    /// Groups of duplicates with a document to keep.
    pub clusters: Vec<Cluster>,
    /// Per group of documents linked by findings with a named source, which
    /// came from which ([`ProvenanceGraph`]).
    #[serde(default)]
    pub provenance: Vec<ProvenanceGraph>,
    /// Files and lines that could not be used.
    pub errors: Vec<InputError>,
    /// Timings and counters.
    pub stats: Stats,
}

impl Report {
    /// Recomputes [`Report::summary`] from the lists.
    pub fn summarize(&mut self) {
        let mut by_verdict = BTreeMap::new();
        for f in &self.pairs {
            *by_verdict
                .entry(f.verdict.as_str().to_string())
                .or_insert(0) += 1;
        }
        self.summary = Summary {
            documents: self.documents.len(),
            pairs: self.pairs.len(),
            by_verdict,
            clusters: self.clusters.len(),
            errors: self.errors.len(),
        };
    }
}
