//! What the stages find: a pair [`Finding`] with its [`Verdict`], aligned
//! [`Passage`]s and provenance [`Evidence`], and the [`Cluster`]s of
//! duplicates. Produced by the stages (`verify`, `align`, `provenance`,
//! `cluster`), printed by `report`; no I/O here.

use serde::{Deserialize, Serialize};

/// What kind of reuse a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Identical text after normalization.
    Exact,
    /// Mostly the same wording: exact shingle Jaccard at or above the
    /// threshold, or (found by the rewrite tier) an edited copy, both texts
    /// aligned throughout with most of one's word 5-grams in the other.
    NearDuplicate,
    /// Reworded throughout: one document is a rewrite of (most of) the other.
    Paraphrase,
    /// A part of one document is in the other, verbatim or reworded.
    PartialReuse,
}

impl Verdict {
    /// All verdicts, strongest first.
    pub const ALL: [Verdict; 4] = [
        Verdict::Exact,
        Verdict::NearDuplicate,
        Verdict::Paraphrase,
        Verdict::PartialReuse,
    ];

    /// The name used in reports and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::NearDuplicate => "near-duplicate",
            Verdict::Paraphrase => "paraphrase",
            Verdict::PartialReuse => "partial-reuse",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which tier found a finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Shared words: shingles, content terms, verbatim runs.
    #[default]
    Lexical,
    /// Shared meaning: sentence vectors aligned in order.
    Semantic,
}

impl Tier {
    /// Whether this is the lexical tier (left out of reports, which had no
    /// tier before the semantic one).
    pub fn is_lexical(&self) -> bool {
        *self == Tier::Lexical
    }
}

/// Whether a passage was copied word for word or reworded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// Most of the passage's word trigrams are shared.
    Verbatim,
    /// Same content, different wording.
    Reworded,
}

/// One aligned passage pair. Ranges are byte offsets `[start, end)` into the
/// decoded text of each document, on UTF-8 character boundaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Byte range in document `a`.
    pub a: [usize; 2],
    /// Byte range in document `b`.
    pub b: [usize; 2],
    /// Similarity of the two sides in `[0, 1]` (content-word overlap).
    pub similarity: f64,
    /// Verbatim or reworded.
    pub kind: MatchKind,
    /// The text of `a[0]..a[1]`.
    pub text_a: String,
    /// The text of `b[0]..b[1]`.
    pub text_b: String,
    /// Why the passage counts, in words: the length of a verbatim run, or
    /// how many sentence pairs and content terms were aligned.
    #[serde(default)]
    pub reason: String,
    /// The aligned sentence (or line) pairs inside the passage, in order of
    /// side a: which sentence matches which.
    #[serde(default)]
    pub pairs: Vec<SentencePair>,
}

/// Two aligned sentences (or lines) inside a passage, as byte ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentencePair {
    /// Byte range in document `a`.
    pub a: [usize; 2],
    /// Byte range in document `b`.
    pub b: [usize; 2],
    /// Their similarity in `[0, 1]`: content-term Jaccard of two sentences,
    /// or the exact share of a verbatim run's piece.
    pub similarity: f64,
}

/// One piece of provenance evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Which signal: `date`, `attribution`, `coverage`, `spread`, ...
    pub kind: String,
    /// What was observed, in words.
    pub detail: String,
    /// The document this evidence says is the source, or null if neutral.
    pub favours: Option<String>,
    /// How much this signal counts, in `[0, 1]`.
    pub weight: f64,
}

/// A reported pair of documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Id of the first document (the smaller id).
    pub a: String,
    /// Id of the second document.
    pub b: String,
    /// The kind of reuse.
    pub verdict: Verdict,
    /// The tier that found it: `semantic` in reports, or absent for the
    /// lexical tiers.
    #[serde(default, skip_serializing_if = "Tier::is_lexical")]
    pub tier: Tier,
    /// Strength in `[0, 1]`: 1 for exact, the exact Jaccard for
    /// near-duplicates at or above the threshold, the alignment score
    /// otherwise.
    pub score: f64,
    /// Exact Jaccard of the word-shingle sets.
    pub jaccard: f64,
    /// Share of `a`'s shingles found in `b`.
    pub containment_a_in_b: f64,
    /// Share of `b`'s shingles found in `a`.
    pub containment_b_in_a: f64,
    /// Share of `a`'s words inside aligned passages.
    pub coverage_a: f64,
    /// Share of `b`'s words inside aligned passages.
    pub coverage_b: f64,
    /// The likely original, or null when undetermined.
    pub source: Option<String>,
    /// Confidence in `source`, in `[0, 1]` (0 when undetermined).
    pub confidence: f64,
    /// The signals behind `source`.
    pub evidence: Vec<Evidence>,
    /// Aligned passages, in `a` order.
    pub passages: Vec<Passage>,
    /// When `a` is the kept document of a near-duplicate cluster, the
    /// cluster's index in `clusters`: the finding stands for every member
    /// (computed once, on the kept document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_a: Option<usize>,
    /// The same for `b`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_b: Option<usize>,
}

/// A group of documents linked by findings, for dataset cleaning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// The document to keep.
    pub keep: String,
    /// The documents that duplicate it.
    pub drop: Vec<String>,
    /// Every dropped document once, compared with the kept one, most
    /// similar first.
    #[serde(default)]
    pub members: Vec<ClusterMember>,
}

/// One dropped member of a cluster, against the kept document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterMember {
    /// The member's id.
    pub id: String,
    /// The verdict of the pair (member, kept document); null when that pair
    /// is no finding of its own (the member joined through another one).
    pub verdict: Option<Verdict>,
    /// Exact shingle Jaccard with the kept document.
    pub jaccard: f64,
    /// The pair's score (0 without a verdict).
    pub score: f64,
}

/// Rounds a score for output, so reports stay short and stable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
