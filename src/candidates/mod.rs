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

pub mod facts;
pub mod postings;
mod rewrite;
mod scatter;

pub use facts::{FactStore, MemoryFacts};
pub use postings::{
    stored_candidates, CandidateRule, KeyKind, MemoryPostings, Postings, QueryKeys,
};
pub use rewrite::{bucket_shares, is_common_bucket, packed_key, rewrite_candidate_pairs};

use crate::hash::stable_hash;
use crate::language::language_id;
use crate::params::RarityParams;
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
pub fn candidate_pairs<S: std::borrow::Borrow<Signature> + Sync>(
    signatures: &[S],
    params: LshParams,
    max_bucket: usize,
) -> Vec<CandidatePair> {
    let mut entries: Vec<(u64, u32)> = signatures
        .par_iter()
        .map(|s| s.borrow())
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
    /// Partners kept per document, strongest first (0: no cap); see
    /// [`cap_partners`].
    pub max_partners: usize,
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

/// The partners of one document that its cap keeps: the `max_partners`
/// with the most shared rare keys, ties to the smaller document number
/// (`partners`: other document and shared-key count, any order). All of
/// them when `max_partners` is 0 or not exceeded.
pub fn strongest_partners(partners: &mut [(u32, u32)], max_partners: usize) -> &[(u32, u32)] {
    if max_partners == 0 || partners.len() <= max_partners {
        return partners;
    }
    let by_strength = |x: &(u32, u32), y: &(u32, u32)| y.1.cmp(&x.1).then(x.0.cmp(&y.0));
    partners.select_nth_unstable_by(max_partners - 1, by_strength);
    &partners[..max_partners]
}

/// The per-document cap of a rare-key tier: a candidate pair is kept when
/// it is among the [`strongest_partners`] of either of its documents, so
/// each document keeps its strongest evidence (a short source inside a
/// long page keeps that page, whatever else the page matches) and the
/// pairs, so the cost of verification, grow with the documents instead of
/// with the square of the pages sharing furniture. `pairs` carry their
/// shared-key counts, sorted by pair; returns the kept pairs, in order, and
/// how many were dropped.
pub fn cap_partners(
    pairs: &[(CandidatePair, u32)],
    documents: usize,
    max_partners: usize,
) -> (Vec<CandidatePair>, usize) {
    let all = || (pairs.iter().map(|x| x.0).collect(), 0);
    if max_partners == 0 {
        return all();
    }
    let mut degree = vec![0u32; documents];
    for (p, _) in pairs {
        degree[p.a as usize] += 1;
        degree[p.b as usize] += 1;
    }
    if degree.iter().all(|&d| d as usize <= max_partners) {
        return all();
    }
    // Each document's partners, as (other, shared), in one flat array.
    let mut starts = Vec::with_capacity(documents + 1);
    let mut at = 0usize;
    for &d in &degree {
        starts.push(at);
        at += d as usize;
    }
    starts.push(at);
    let mut fill = starts.clone();
    let mut partners = vec![(0u32, 0u32); at];
    for &(p, shared) in pairs {
        partners[fill[p.a as usize]] = (p.b, shared);
        fill[p.a as usize] += 1;
        partners[fill[p.b as usize]] = (p.a, shared);
        fill[p.b as usize] += 1;
    }
    let mut kept: Vec<CandidatePair> =
        Vec::with_capacity(pairs.len().min(documents.saturating_mul(max_partners)));
    for d in 0..documents {
        let list = &mut partners[starts[d]..starts[d + 1]];
        kept.extend(
            strongest_partners(list, max_partners)
                .iter()
                .map(|&(other, _)| CandidatePair::new(d as u32, other)),
        );
    }
    kept.sort_unstable();
    kept.dedup();
    let dropped = pairs.len() - kept.len();
    (kept, dropped)
}

/// How many documents of the collection are in each language: the
/// denominator of the share rule for common bigrams.
#[derive(Debug, Clone, Default)]
pub struct LanguageShares {
    per_language: AHashMap<u16, usize>,
}

impl LanguageShares {
    /// Counts the languages (see [`language_id`]) of every document.
    pub fn of(languages: impl IntoIterator<Item = u16>) -> Self {
        Self::from_ids(languages.into_iter().map(|l| (l, 1)))
    }

    /// From counts by language code (a distributed driver's aggregate).
    pub fn from_counts<'a>(counts: impl IntoIterator<Item = (&'a str, usize)>) -> Self {
        Self::from_ids(counts.into_iter().map(|(code, n)| (language_id(code), n)))
    }

    /// From document counts by language id (a language may repeat: its
    /// counts add up).
    pub fn from_ids(counts: impl IntoIterator<Item = (u16, usize)>) -> Self {
        let mut per_language: AHashMap<u16, usize> = AHashMap::new();
        for (l, n) in counts {
            *per_language.entry(l).or_default() += n;
        }
        LanguageShares { per_language }
    }

    /// The share rule: a bigram held `held` times (with repeats), by
    /// documents of `holder_languages` (any order, repeats allowed), is
    /// common when it is held by at least `min_documents` and by more than
    /// `max_share` of the documents of those languages.
    pub fn is_common(
        &self,
        rarity: &RarityParams,
        held: usize,
        holder_languages: &mut dyn Iterator<Item = u16>,
    ) -> bool {
        // Most bigrams are held by a few documents: decided before any
        // allocation.
        if held < rarity.min_documents {
            return false;
        }
        let mut seen: Vec<u16> = holder_languages.collect();
        seen.sort_unstable();
        seen.dedup();
        let of_languages: usize = seen
            .iter()
            .map(|l| self.per_language.get(l).copied().unwrap_or(0))
            .sum();
        rarity.is_common(held, of_languages)
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

    /// The cap by its definition: every document's partners ranked, a pair
    /// kept when it is in either document's first `k`.
    fn capped_by_definition(pairs: &[(CandidatePair, u32)], k: usize) -> Vec<CandidatePair> {
        let rank_of = |d: u32, other: u32, shared: u32| {
            pairs
                .iter()
                .filter(|(p, _)| p.a == d || p.b == d)
                .filter(|(p, s)| {
                    let o = if p.a == d { p.b } else { p.a };
                    *s > shared || (*s == shared && o < other)
                })
                .count()
        };
        pairs
            .iter()
            .filter(|(p, s)| k == 0 || rank_of(p.a, p.b, *s) < k || rank_of(p.b, p.a, *s) < k)
            .map(|x| x.0)
            .collect()
    }

    #[test]
    fn a_capped_hub_keeps_every_partner_that_keeps_it() {
        // 100 leaves share keys with one hub only (each leaf's one
        // partner), and 4 pages of one site share much with each other.
        let mut pairs: Vec<(CandidatePair, u32)> = (1..=100)
            .map(|i| (CandidatePair::new(0, i), 3 + i % 7))
            .collect();
        for x in 101..105 {
            for y in x + 1..105 {
                pairs.push((CandidatePair::new(x, y), 50));
            }
        }
        pairs.sort_unstable();
        let (kept, dropped) = cap_partners(&pairs, 105, 2);
        // Every leaf keeps its hub, whatever the hub's cap; each page keeps
        // 2 of its 3 others (ties to the smaller number), so 103-104 is
        // kept by neither.
        assert!((1..=100).all(|i| kept.contains(&CandidatePair::new(0, i))));
        assert_eq!(dropped, 1);
        assert!(!kept.contains(&CandidatePair::new(103, 104)));
        let (kept, dropped) = cap_partners(&pairs, 105, 0);
        assert_eq!((kept.len(), dropped), (pairs.len(), 0));
    }

    #[test]
    fn a_clique_over_the_cap_keeps_each_member_s_strongest() {
        // Six pages, all pairs candidates; strength falls with distance.
        let mut pairs = Vec::new();
        for x in 0..6u32 {
            for y in x + 1..6 {
                pairs.push((CandidatePair::new(x, y), 10 - (y - x)));
            }
        }
        let (kept, dropped) = cap_partners(&pairs, 6, 1);
        // Each page keeps a neighbour at distance 1 (the smaller number on
        // ties): 0-1, 1-0, 2-1, 3-2, 4-3, 5-4.
        let pair = |x, y| CandidatePair::new(x, y);
        assert_eq!(
            kept,
            vec![pair(0, 1), pair(1, 2), pair(2, 3), pair(3, 4), pair(4, 5)]
        );
        assert_eq!(dropped, pairs.len() - 5);
    }

    proptest! {
        #[test]
        fn cap_partners_is_the_cap_by_definition(
            edges in proptest::collection::btree_map((0u32..12, 0u32..12), 1u32..6, 0..60),
            k in 0usize..5,
        ) {
            let mut pairs: Vec<(CandidatePair, u32)> = edges
                .into_iter()
                .filter(|((x, y), _)| x != y)
                .map(|((x, y), s)| (CandidatePair::new(x, y), s))
                .collect();
            pairs.sort_unstable_by_key(|x| x.0);
            pairs.dedup_by_key(|x| x.0);
            let (kept, dropped) = cap_partners(&pairs, 12, k);
            prop_assert_eq!(&kept, &capped_by_definition(&pairs, k));
            prop_assert_eq!(dropped, pairs.len() - kept.len());
            // Bounded: at most k per document, counted on either side.
            if k > 0 {
                prop_assert!(kept.len() <= 12 * k);
            }
        }
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
