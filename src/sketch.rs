//! MinHash sketches. Each permutation `i` maps a 64-bit shingle hash `x` to
//! `((a_i * x + b_i) mod 2^64) >> 32` (multiply-add-shift, Dietzfelbinger
//! 1996: a 2-universal family), and the signature keeps the minimum per
//! permutation. Coefficients come from SplitMix64 seeded with
//! [`MinHasher::seed`], so signatures are identical on every machine and
//! version with the same `num_perm` and seed.
//!
//! The estimate of Jaccard similarity is the share of equal slots; its
//! standard error is `sqrt(J(1-J)/num_perm)` (Broder 1997).

use crate::hash::splitmix64;
use crate::shingle::Shingles;

/// Default seed of the permutation coefficients (the bytes "dedup-m1").
pub const MINHASH_SEED: u64 = 0x6465_6475_702d_6d31;

/// A MinHash signature: one 32-bit minimum per permutation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Signature(pub Vec<u32>);

impl Signature {
    /// Estimated Jaccard similarity: the share of equal slots.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        if self.0.is_empty() || self.0.len() != other.0.len() {
            return 0.0;
        }
        let equal = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        equal as f64 / self.0.len() as f64
    }
}

/// Computes signatures for a fixed number of permutations.
#[derive(Debug, Clone)]
pub struct MinHasher {
    /// Odd multipliers, one per permutation.
    mul: Vec<u64>,
    /// Increments, one per permutation.
    add: Vec<u64>,
    /// The seed the coefficients were drawn from.
    pub seed: u64,
}

impl MinHasher {
    /// A hasher with `num_perm` permutations drawn from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        let mut state = seed;
        let mut mul = Vec::with_capacity(num_perm);
        let mut add = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            mul.push(splitmix64(&mut state) | 1);
            add.push(splitmix64(&mut state));
        }
        MinHasher { mul, add, seed }
    }

    /// Number of permutations.
    pub fn num_perm(&self) -> usize {
        self.mul.len()
    }

    /// The signature of a shingle set. An empty set gives all `u32::MAX`,
    /// which the candidate stage ignores. Cost: `len * num_perm` multiply-adds
    /// in a loop the compiler vectorizes.
    pub fn sketch(&self, shingles: &Shingles) -> Signature {
        self.sketch_hashes(&shingles.0)
    }

    /// The signature of any slice of 64-bit hashes (duplicates are harmless).
    pub fn sketch_hashes(&self, hashes: &[u64]) -> Signature {
        let mut mins = vec![u64::MAX; self.num_perm()];
        for &x in hashes {
            // Keep the high 32 bits in a u64 lane so the min is one compare.
            for ((m, &a), &b) in mins.iter_mut().zip(&self.mul).zip(&self.add) {
                let v = a.wrapping_mul(x).wrapping_add(b) >> 32;
                *m = (*m).min(v);
            }
        }
        Signature(
            mins.into_iter()
                .map(|m| m.min(u32::MAX as u64) as u32)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(range: std::ops::Range<u64>) -> Shingles {
        // Spread the integers so they look like hashes.
        let mut v: Vec<u64> = range
            .map(|i| crate::hash::stable_hash(&i.to_le_bytes(), 7))
            .collect();
        v.sort_unstable();
        Shingles(v)
    }

    #[test]
    fn identical_sets_have_identical_signatures() {
        let h = MinHasher::new(64, MINHASH_SEED);
        assert_eq!(h.sketch(&set(0..100)).jaccard(&h.sketch(&set(0..100))), 1.0);
    }

    #[test]
    fn signatures_are_stable_across_versions() {
        // Frozen: a change here invalidates stored indexes (bump the schema).
        let h = MinHasher::new(4, MINHASH_SEED);
        let sig = h.sketch(&Shingles(vec![1, 2, 3]));
        assert_eq!(sig, h.sketch(&Shingles(vec![3, 2, 1])));
        assert_eq!(sig.0.len(), 4);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The estimate stays within 4 standard errors of the exact Jaccard.
        #[test]
        fn estimate_is_within_expected_error(shared in 0u64..400, only_a in 0u64..400, only_b in 0u64..400, seed in any::<u64>()) {
            prop_assume!(shared + only_a + only_b > 0);
            let a = set(0..shared + only_a);
            let b = set(only_a..shared + only_a + only_b);
            let exact = shared as f64 / (shared + only_a + only_b) as f64;
            let h = MinHasher::new(256, seed);
            let est = h.sketch(&a).jaccard(&h.sketch(&b));
            let se = (exact * (1.0 - exact) / 256.0).sqrt();
            prop_assert!((est - exact).abs() <= 4.0 * se + 0.01, "exact {exact} est {est}");
        }
    }
}
