//! Run configuration: one struct passed down through every stage.

use crate::align::AlignParams;
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
    /// Permutations of each unit sketch (rewrite tier).
    pub unit_perm: usize,
    /// Rows per band of the unit sketch; `unit_perm / unit_rows` bands.
    pub unit_rows: usize,
    /// Unit buckets holding more documents than this are too common to be
    /// evidence of reuse and are skipped.
    pub max_unit_bucket: usize,
    /// Two documents become a rewrite-tier candidate when they share this
    /// many unit bucket keys.
    pub min_shared_unit_keys: usize,
    /// Passage alignment tunables.
    pub align: AlignParams,
    /// Aligned unit pairs needed for a rewrite-tier finding.
    pub min_aligned_units: usize,
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
            unit_perm: 24,
            unit_rows: 2,
            max_unit_bucket: 50,
            min_shared_unit_keys: 2,
            align: AlignParams::default(),
            min_aligned_units: 3,
        })
    }

    /// Bands of the unit sketch.
    pub fn unit_bands(&self) -> usize {
        self.unit_perm / self.unit_rows
    }
}
