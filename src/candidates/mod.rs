//! Candidate generation with LSH banding: a signature of `bands * rows`
//! slots is cut into `bands` bands; two documents become a candidate pair
//! when all `rows` slots of at least one band are equal. For Jaccard `s` the
//! probability is `1 - (1 - s^rows)^bands` (Leskovec, Rajaraman, Ullman,
//! *Mining of Massive Datasets*, ch. 3.4).
//!
//! `bands` and `rows` are chosen from the threshold like datasketch's
//! `_optimal_param`: minimise the weighted sum of the false-positive area
//! (probability integrated over `[0, t]`) and the false-negative area
//! (`1 - probability` integrated over `[t, 1]`).

pub mod postings;
mod rewrite;
mod scatter;

pub use postings::{
    stored_candidates, CandidateRule, KeyKind, MemoryPostings, Postings, QueryKeys,
};
pub use rewrite::{bucket_shares, is_common_bucket, packed_key, rewrite_candidate_pairs};

use crate::hash::stable_hash;
use crate::sketch::Signature;
use ahash::AHashMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How a signature is cut into bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Signature slots per band.
    pub rows: usize,
}

/// A pair of documents that share a band, by index into the scan's document
/// list, `a < b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CandidatePair {
    /// The smaller document index.
    pub a: u32,
    /// The larger document index.
    pub b: u32,
}

impl CandidatePair {
    /// The pair in canonical order.
    pub fn new(x: u32, y: u32) -> Self {
        CandidatePair {
            a: x.min(y),
            b: x.max(y),
        }
    }
}

/// Probability that a pair with Jaccard `s` shares at least one band.
pub fn collision_probability(s: f64, params: LshParams) -> f64 {
    1.0 - (1.0 - s.powi(params.rows as i32)).powi(params.bands as i32)
}

/// Simpson's rule on `[lo, hi]` with `steps` (even) intervals.
fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64, steps: usize) -> f64 {
    if hi <= lo {
        return 0.0;
    }
    let h = (hi - lo) / steps as f64;
    let mut sum = f(lo) + f(hi);
    for i in 1..steps {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * f(lo + i as f64 * h);
    }
    sum * h / 3.0
}

/// Weight of a missed pair against a spurious candidate when choosing bands
/// and rows. datasketch weighs both 0.5, which at a 0.5 threshold gives
/// 25 x 5 and finds a pair of Jaccard exactly 0.5 only 55% of the time.
/// Here every candidate is verified against the exact sets, so a false
/// positive costs one set intersection while a false negative is a lost
/// finding: misses weigh 0.9 (32 x 4 at 0.5; 87% at 0.5, 95% at 0.55).
pub const FALSE_NEGATIVE_WEIGHT: f64 = 0.9;

/// Bands and rows for `num_perm` slots that minimise the weighted sum of
/// false positive and false negative probability mass around `threshold`
/// (datasketch's method, with [`FALSE_NEGATIVE_WEIGHT`]).
pub fn optimal_params(threshold: f64, num_perm: usize) -> LshParams {
    let t = threshold.clamp(0.0, 1.0);
    let mut best = (
        f64::INFINITY,
        LshParams {
            bands: 1,
            rows: num_perm.max(1),
        },
    );
    for bands in 1..=num_perm.max(1) {
        for rows in 1..=num_perm / bands {
            let p = LshParams { bands, rows };
            let fp = integrate(|s| collision_probability(s, p), 0.0, t, 64);
            let fn_ = integrate(|s| 1.0 - collision_probability(s, p), t, 1.0, 64);
            let err = (1.0 - FALSE_NEGATIVE_WEIGHT) * fp + FALSE_NEGATIVE_WEIGHT * fn_;
            if err < best.0 {
                best = (err, p);
            }
        }
    }
    best.1
}

/// The bucket key of band `band` of `sig`: a stable hash of its rows, mixed
/// with the band number so equal rows in different bands do not collide.
pub fn band_key(sig: &Signature, band: usize, rows: usize) -> u64 {
    let slots = &sig.0[band * rows..(band + 1) * rows];
    let mut bytes = Vec::with_capacity(rows * 4);
    for v in slots {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    stable_hash(&bytes, band as u64)
}

/// All bucket keys of a signature, one per band.
pub fn band_keys(sig: &Signature, params: LshParams) -> Vec<u64> {
    (0..params.bands)
        .map(|b| band_key(sig, b, params.rows))
        .collect()
}

/// Whether a signature takes part in LSH banding: long enough for the bands
/// and not the signature of an empty shingle set (all slots at the maximum).
pub fn has_bands(sig: &Signature, params: LshParams) -> bool {
    sig.0.len() >= params.bands * params.rows && sig.0.iter().any(|&v| v != u32::MAX)
}

/// Candidate pairs among `signatures` (empty signatures are skipped). A
/// bucket larger than `max_bucket` is linked as a star around its first
/// member instead of all pairs, which keeps clusters connected without a
/// quadratic blow-up. The result is sorted and duplicate-free.
pub fn candidate_pairs(
    signatures: &[Signature],
    params: LshParams,
    max_bucket: usize,
) -> Vec<CandidatePair> {
    let mut entries: Vec<(u64, u32)> = signatures
        .par_iter()
        .enumerate()
        .filter(|(_, s)| has_bands(s, params))
        .flat_map_iter(|(i, s)| band_keys(s, params).into_iter().map(move |k| (k, i as u32)))
        .collect();
    entries.par_sort_unstable();
    let mut pairs = Vec::new();
    let mut members = Vec::new();
    for run in entries.chunk_by(|x, y| x.0 == y.0) {
        members.clear();
        members.extend(run.iter().map(|&(_, d)| d));
        bucket_pairs(&members, max_bucket, &mut pairs);
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs.retain(|p| p.a != p.b);
    pairs
}

/// The candidate pairs of one LSH (or exact-hash) bucket, `members` in
/// ascending order, appended to `out`: all pairs when the bucket holds at
/// most `max_bucket` documents, else a star around its first (smallest)
/// member, which keeps a cluster connected without a quadratic blow-up. The
/// one bucket rule of the scan and of a distributed driver
/// (`dedup buckets`).
pub fn bucket_pairs(members: &[u32], max_bucket: usize, out: &mut Vec<CandidatePair>) {
    if members.len() < 2 {
        return;
    }
    if members.len() > max_bucket {
        out.extend(
            members[1..]
                .iter()
                .map(|&d| CandidatePair::new(members[0], d)),
        );
    } else {
        for (i, &x) in members.iter().enumerate() {
            out.extend(members[i + 1..].iter().map(|&y| CandidatePair::new(x, y)));
        }
    }
}

/// The rewrite tier's candidate rule: two documents are candidates when
/// they share at least `min_shared` keys (content bigrams), counting only
/// keys held by at most `max_bucket` documents of the compared set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RareKeys {
    /// Keys held by more documents than this are too common to count.
    pub max_bucket: usize,
    /// Shared rare keys needed for a candidate.
    pub min_shared: usize,
}

impl RareKeys {
    /// Whether a key held by `holders` documents counts.
    pub fn is_rare(&self, holders: usize) -> bool {
        holders <= self.max_bucket
    }

    /// Shared rare keys that make a candidate (at least one).
    pub fn min_count(&self) -> usize {
        self.min_shared.max(1)
    }

    /// Whether `shared` rare keys make a candidate.
    pub fn is_candidate(&self, shared: usize) -> bool {
        shared >= self.min_count()
    }
}

/// Content bigrams too common in the collection to be evidence of reuse:
/// held by more than [`RareKeys::max_bucket`] documents, or by at least
/// [`crate::params::RarityParams::min_documents`] and more than
/// [`crate::params::RarityParams::max_share`] of the documents of their
/// languages. They make no candidates and do not count as shared.
#[derive(Debug, Clone, Default)]
pub struct CommonBigrams {
    /// Sorted bigram hashes with their lowest [`COMMON_KEY_BITS`] bits
    /// cleared (how the candidate stage packs them).
    keys: Vec<u64>,
}

/// Low bits of a bigram hash that [`CommonBigrams`] ignores: room for
/// document numbers in the packed keys of the candidate stage (32 bits, any
/// collection size). Two bigrams agreeing in the other 32 bits are
/// confused: odds 2^-32 per pair, a rare bigram then not counted.
pub const COMMON_KEY_BITS: u32 = 32;

impl CommonBigrams {
    /// From bigram hashes (any order, any low bits).
    pub fn from_bigrams(bigrams: impl IntoIterator<Item = u64>) -> Self {
        let mut keys: Vec<u64> = bigrams.into_iter().map(common_key).collect();
        keys.sort_unstable();
        keys.dedup();
        CommonBigrams { keys }
    }

    /// Whether a bigram (or a packed key of one) is common.
    #[inline]
    pub fn contains(&self, bigram: u64) -> bool {
        !self.keys.is_empty() && self.keys.binary_search(&common_key(bigram)).is_ok()
    }

    /// Number of common bigrams.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when none is.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[inline]
fn common_key(bigram: u64) -> u64 {
    bigram & !((1u64 << COMMON_KEY_BITS) - 1)
}

/// Pairs of documents with identical normalized text, found by hash
/// (`None`: an empty document, never a duplicate). Unordered.
pub fn exact_pairs(content_hashes: &[Option<u64>]) -> Vec<CandidatePair> {
    let mut by_hash: AHashMap<u64, Vec<u32>> = AHashMap::new();
    for (i, h) in content_hashes.iter().enumerate() {
        if let Some(h) = h {
            by_hash.entry(*h).or_default().push(i as u32);
        }
    }
    let mut out = Vec::new();
    for group in by_hash.values() {
        // A star around the first member keeps large groups linear.
        out.extend(group[1..].iter().map(|&d| CandidatePair::new(group[0], d)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::Shingles;
    use crate::sketch::{MinHasher, MINHASH_SEED};
    use proptest::prelude::*;

    #[test]
    fn optimal_params_use_the_signature_and_centre_the_curve() {
        for t in [0.3, 0.5, 0.8] {
            let p = optimal_params(t, 128);
            assert!(p.bands * p.rows <= 128);
            // The S-curve's steepest point (1/b)^(1/r) lies near the threshold.
            let knee = (1.0 / p.bands as f64).powf(1.0 / p.rows as f64);
            assert!((knee - t).abs() < 0.15, "t {t} knee {knee} {p:?}");
            // Misses weigh more than spurious candidates: a pair at the
            // threshold is found most of the time.
            assert!(collision_probability(t, p) >= 0.8, "t {t} {p:?}");
            assert!(collision_probability(t - 0.25, p) <= 0.25, "t {t} {p:?}");
        }
    }

    #[test]
    fn identical_signatures_collide_and_disjoint_do_not() {
        let h = MinHasher::new(32, MINHASH_SEED);
        let a = h.sketch(&Shingles((0..50).collect()));
        let b = h.sketch(&Shingles((1000..1050).collect()));
        let p = LshParams { bands: 8, rows: 4 };
        let pairs = candidate_pairs(&[a.clone(), b, a], p, 100);
        assert_eq!(pairs, vec![CandidatePair { a: 0, b: 2 }]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        /// Over many synthetic pairs at a known Jaccard, the observed
        /// candidate rate follows the computed S-curve.
        #[test]
        fn candidate_rate_follows_the_s_curve(jaccard_pct in 20u64..90, seed in any::<u64>()) {
            let params = optimal_params(0.5, 64);
            let h = MinHasher::new(64, seed);
            let total = 200u64;
            let shared = total * jaccard_pct / 100;
            let trials = 300u64;
            let mut hits = 0;
            for t in 0..trials {
                let base = t * 10_000;
                let mix = |i: u64| crate::hash::stable_hash(&i.to_le_bytes(), seed);
                let a: Vec<u64> = (base..base + total).map(mix).collect();
                // b shares `shared` of a's elements plus fresh ones, so J = shared / (2*total - shared).
                let b: Vec<u64> = (base..base + shared).chain(base + 5000..base + 5000 + total - shared).map(mix).collect();
                let (sa, sb) = (h.sketch_hashes(&a), h.sketch_hashes(&b));
                if candidate_pairs(&[sa, sb], params, 10).len() == 1 { hits += 1; }
            }
            let s = shared as f64 / (2 * total - shared) as f64;
            let expected = collision_probability(s, params);
            let observed = hits as f64 / trials as f64;
            let tolerance = 4.0 * (expected * (1.0 - expected) / trials as f64).sqrt() + 0.05;
            prop_assert!((observed - expected).abs() <= tolerance, "s {s} expected {expected} observed {observed}");
        }
    }
}
