//! Run configuration: one struct passed down through every stage.

use crate::align::AlignParams;
use crate::boilerplate::BoilerplateParams;
use crate::candidates::{optimal_params, LshParams};
use crate::error::{Error, Result};
use crate::sketch::MINHASH_SEED;
use serde::{Deserialize, Serialize};

/// Every tunable of a run. Serialized into the report (and the index) so a
/// result can be reproduced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Params {
    /// Words per shingle (`-k`).
    pub shingle_size: usize,
    /// MinHash permutations of the document sketch.
    pub num_perm: usize,
    /// Jaccard threshold of the near-duplicate tier.
    pub threshold: f64,
    /// Seed of the MinHash permutations.
    pub seed: u64,
    /// Bands and rows, computed from `threshold` and `num_perm`.
    pub lsh: LshParams,
    /// LSH buckets with more documents are linked as a star, not all pairs.
    pub max_bucket: usize,
    /// Whether the rewrite/paraphrase tier runs.
    pub rewrite_tier: bool,
    /// Content bigrams found in more documents than this are too common to
    /// be evidence of reuse and do not make candidates (rewrite tier).
    pub max_bigram_bucket: usize,
    /// Two documents become a rewrite-tier candidate, and can be a finding,
    /// only when they share at least this many content bigrams.
    pub min_shared_bigrams: usize,
    /// Rewrite tier, whole-document rule: share of the smaller document's
    /// content bigrams (stopwords dropped, stemmed) found in the other.
    pub min_bigram_containment: f64,
    /// Rewrite tier, passage rule: weighted content-term containment of the
    /// best window pair...
    pub min_window_containment: f64,
    /// ...together with this content-bigram containment of that pair.
    pub min_window_bigram_containment: f64,
    /// Passage alignment tunables.
    pub align: AlignParams,
    /// Rewrite tier: which content bigrams are too common in the collection
    /// to be evidence.
    #[serde(default)]
    pub rarity: RarityParams,
    /// Rewrite tier: which sentences repeated across the collection are
    /// boilerplate and count for nothing.
    #[serde(default)]
    pub boilerplate: BoilerplateParams,
    /// The language of every document (a canonical code, see
    /// [`crate::language::canonical_code`]) instead of detecting each one's
    /// (`--language`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// When a content bigram is too common in the collection to be evidence of
/// reuse (besides `max_bigram_bucket`, the bound for large collections).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RarityParams {
    /// A bigram in fewer documents is never common: a source and its
    /// rewrites share their bigrams in a handful of documents.
    pub min_documents: usize,
    /// A bigram in more than this share of the documents of its language
    /// (the languages of the documents holding it) is the vocabulary of the
    /// collection's topic, not a trace of one text in another.
    pub max_share: f64,
}

impl Default for RarityParams {
    fn default() -> Self {
        RarityParams {
            min_documents: 5,
            max_share: 0.25,
        }
    }
}

impl Default for Params {
    fn default() -> Self {
        Params::new(5, 128, 0.5).expect("defaults are valid")
    }
}

impl Params {
    /// Parameters with the given shingle size, permutations and threshold,
    /// every other value at its default.
    pub fn new(shingle_size: usize, num_perm: usize, threshold: f64) -> Result<Self> {
        if shingle_size == 0 || shingle_size > 64 {
            return Err(Error::Param(format!(
                "shingle size (-k) must be 1..=64, got {shingle_size}"
            )));
        }
        if !(8..=4096).contains(&num_perm) {
            return Err(Error::Param(format!(
                "--num-perm must be 8..=4096, got {num_perm}"
            )));
        }
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(Error::Param(format!(
                "--threshold must be in (0, 1], got {threshold}"
            )));
        }
        Ok(Params {
            shingle_size,
            num_perm,
            threshold,
            seed: MINHASH_SEED,
            lsh: optimal_params(threshold, num_perm),
            max_bucket: 200,
            rewrite_tier: true,
            max_bigram_bucket: 50,
            min_shared_bigrams: 3,
            min_bigram_containment: 0.13,
            min_window_containment: 0.53,
            min_window_bigram_containment: 0.10,
            align: AlignParams::default(),
            rarity: RarityParams::default(),
            boilerplate: BoilerplateParams::default(),
            language: None,
        })
    }
}
