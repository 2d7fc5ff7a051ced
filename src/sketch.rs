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
    /// The same coefficients split into 32-bit halves for the SIMD path,
    /// padded to a multiple of [`LANES`] permutations.
    split: SplitCoefficients,
    /// The seed the coefficients were drawn from.
    pub seed: u64,
}

/// Permutations computed per AVX2 block (eight 32-bit lanes).
const LANES: usize = 8;

/// Coefficients are padded to a multiple of this many permutations, the
/// widest block (sixteen 32-bit lanes of AVX-512).
const PAD: usize = 16;

/// A SIMD kernel: folds hashes into one minimum per padded permutation.
#[cfg(target_arch = "x86_64")]
type Kernel = unsafe fn(&SplitCoefficients, &[u64], &mut [u32]);

/// Coefficients as 32-bit halves: `a = a_hi * 2^32 + a_lo`, likewise `b`.
#[derive(Debug, Clone, Default)]
struct SplitCoefficients {
    a_lo: Vec<u32>,
    a_hi: Vec<u32>,
    b_lo: Vec<u32>,
    b_hi: Vec<u32>,
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
        let padded = num_perm.div_ceil(PAD) * PAD;
        let half = |v: &[u64], shift: u32| -> Vec<u32> {
            let mut h: Vec<u32> = v.iter().map(|&c| (c >> shift) as u32).collect();
            h.resize(padded, 0);
            h
        };
        let split = SplitCoefficients {
            a_lo: half(&mul, 0),
            a_hi: half(&mul, 32),
            b_lo: half(&add, 0),
            b_hi: half(&add, 32),
        };
        MinHasher {
            mul,
            add,
            split,
            seed,
        }
    }

    /// Number of permutations.
    pub fn num_perm(&self) -> usize {
        self.mul.len()
    }

    /// The signature of a shingle set. An empty set gives all `u32::MAX`,
    /// which the candidate stage ignores. Cost: `len * num_perm`
    /// multiply-adds, eight permutations per AVX2 instruction where the CPU
    /// has it.
    pub fn sketch(&self, shingles: &Shingles) -> Signature {
        self.sketch_hashes(&shingles.0)
    }

    /// The signature of any slice of 64-bit hashes (duplicates are harmless).
    pub fn sketch_hashes(&self, hashes: &[u64]) -> Signature {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: AVX-512F support was checked just above.
            return unsafe { self.sketch_with(avx512::sketch, hashes) };
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 support was checked just above.
            return unsafe { self.sketch_with(avx2::sketch, hashes) };
        }
        self.sketch_hashes_scalar(hashes)
    }

    /// The signature of `hashes` by one SIMD `kernel`, over the padded
    /// permutations, cut to `num_perm`.
    ///
    /// # Safety
    /// The CPU has the target feature the kernel is compiled for.
    #[cfg(target_arch = "x86_64")]
    unsafe fn sketch_with(&self, kernel: Kernel, hashes: &[u64]) -> Signature {
        let mut mins = vec![u32::MAX; self.split.a_lo.len()];
        // SAFETY: the caller guarantees the kernel's target feature.
        unsafe { kernel(&self.split, hashes, &mut mins) };
        mins.truncate(self.num_perm());
        Signature(mins)
    }

    /// The reference implementation of [`MinHasher::sketch_hashes`]: the
    /// formula as written in the module docs, one permutation at a time.
    /// Every other path must give bit-identical signatures.
    pub fn sketch_hashes_scalar(&self, hashes: &[u64]) -> Signature {
        let mut mins = vec![u64::MAX; self.num_perm()];
        for &x in hashes {
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

/// The AVX2 path. The high half of `(a * x + b) mod 2^64` is computed in
/// 32-bit lanes: with `a = ah*2^32 + al`, `x = xh*2^32 + xl`,
/// `b = bh*2^32 + bl`, it equals
/// `hi32(al*xl + bl) + bh + al*xh + ah*xl  (mod 2^32)`
/// (`al*xl + bl < 2^64`, so the low product cannot overflow). That needs two
/// 32x32->64 multiplies per four lanes and two 32-bit multiplies per eight
/// lanes instead of emulated 64-bit multiplies, and the minimum is one
/// unsigned 32-bit `min` per eight lanes.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{SplitCoefficients, LANES};
    use std::arch::x86_64::*;

    /// Folds every hash into `mins` (one slot per padded permutation).
    /// Permutation blocks are the outer loop so a block's coefficients and
    /// minima stay in registers while the hashes stream past.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn sketch(c: &SplitCoefficients, hashes: &[u64], mins: &mut [u32]) {
        for block in (0..mins.len()).step_by(LANES) {
            let a_lo = load(&c.a_lo[block..]);
            let a_hi = load(&c.a_hi[block..]);
            let b_hi = load(&c.b_hi[block..]);
            let b_lo = load(&c.b_lo[block..]);
            // Odd lanes moved down so that _mm256_mul_epu32 sees them.
            let a_lo_odd = _mm256_srli_epi64(a_lo, 32);
            // b_lo zero-extended to 64 bits, even and odd lanes.
            let b_lo_even = _mm256_and_si256(b_lo, _mm256_set1_epi64x(0xFFFF_FFFF));
            let b_lo_odd = _mm256_srli_epi64(b_lo, 32);
            let mut min = load(&mins[block..]);
            for &x in hashes {
                let x_lo = _mm256_set1_epi32(x as u32 as i32);
                let x_hi = _mm256_set1_epi32((x >> 32) as u32 as i32);
                // hi32(al*xl + bl), even lanes land in the odd halves.
                let even = _mm256_add_epi64(_mm256_mul_epu32(a_lo, x_lo), b_lo_even);
                let odd = _mm256_add_epi64(_mm256_mul_epu32(a_lo_odd, x_lo), b_lo_odd);
                let carry = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0b1010_1010);
                let cross = _mm256_add_epi32(
                    _mm256_mullo_epi32(a_lo, x_hi),
                    _mm256_mullo_epi32(a_hi, x_lo),
                );
                let v = _mm256_add_epi32(_mm256_add_epi32(carry, b_hi), cross);
                min = _mm256_min_epu32(min, v);
            }
            _mm256_storeu_si256(mins[block..block + LANES].as_mut_ptr().cast(), min);
        }
    }

    /// Loads the first eight lanes of `v` (bounds-checked).
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn load(v: &[u32]) -> __m256i {
        _mm256_loadu_si256(v[..LANES].as_ptr().cast())
    }
}

/// The AVX-512 path: [`avx2`]'s arithmetic on sixteen lanes.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{SplitCoefficients, PAD};
    use std::arch::x86_64::*;

    /// Folds every hash into `mins` (one slot per padded permutation).
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn sketch(c: &SplitCoefficients, hashes: &[u64], mins: &mut [u32]) {
        for block in (0..mins.len()).step_by(PAD) {
            let a_lo = load(&c.a_lo[block..]);
            let a_hi = load(&c.a_hi[block..]);
            let b_hi = load(&c.b_hi[block..]);
            let b_lo = load(&c.b_lo[block..]);
            let a_lo_odd = _mm512_srli_epi64(a_lo, 32);
            let b_lo_even = _mm512_and_si512(b_lo, _mm512_set1_epi64(0xFFFF_FFFF));
            let b_lo_odd = _mm512_srli_epi64(b_lo, 32);
            let mut min = load(&mins[block..]);
            for &x in hashes {
                let x_lo = _mm512_set1_epi32(x as u32 as i32);
                let x_hi = _mm512_set1_epi32((x >> 32) as u32 as i32);
                let even = _mm512_add_epi64(_mm512_mul_epu32(a_lo, x_lo), b_lo_even);
                let odd = _mm512_add_epi64(_mm512_mul_epu32(a_lo_odd, x_lo), b_lo_odd);
                let carry = _mm512_mask_blend_epi32(
                    0b1010_1010_1010_1010,
                    _mm512_srli_epi64(even, 32),
                    odd,
                );
                let cross = _mm512_add_epi32(
                    _mm512_mullo_epi32(a_lo, x_hi),
                    _mm512_mullo_epi32(a_hi, x_lo),
                );
                let v = _mm512_add_epi32(_mm512_add_epi32(carry, b_hi), cross);
                min = _mm512_min_epu32(min, v);
            }
            _mm512_storeu_si512(mins[block..block + PAD].as_mut_ptr().cast(), min);
        }
    }

    /// Loads the first sixteen lanes of `v` (bounds-checked).
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn load(v: &[u32]) -> __m512i {
        _mm512_loadu_si512(v[..PAD].as_ptr().cast())
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

    #[test]
    fn signature_of_a_known_text_is_frozen() {
        // Values from the scalar reference at the first release. A change
        // here invalidates stored indexes: make it deliberately (schema bump).
        let h = MinHasher::new(8, MINHASH_SEED);
        let shingles = crate::shingle::word_shingles(
            &crate::normalize::normalize("The quick brown fox jumps over the lazy dog again."),
            5,
        );
        let sig = h.sketch(&shingles);
        let frozen = [
            321227538, 277579131, 109890403, 135506517, 28396175, 525371788, 896264029, 543768751,
        ];
        assert_eq!(sig.0, frozen);
        assert_eq!(h.sketch_hashes_scalar(&shingles.0).0, frozen);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The SIMD path (when the CPU has one) equals the scalar reference
        /// bit for bit, for any permutation count (including ones that are
        /// not a multiple of the SIMD width).
        #[test]
        fn simd_path_equals_scalar_reference(hashes in proptest::collection::vec(any::<u64>(), 0..300), num_perm in 1usize..70, seed in any::<u64>()) {
            let h = MinHasher::new(num_perm, seed);
            prop_assert_eq!(h.sketch_hashes(&hashes), h.sketch_hashes_scalar(&hashes));
        }

        /// Each SIMD path this CPU has, called directly (the dispatch picks
        /// only the widest), equals the scalar reference.
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn every_simd_path_equals_scalar_reference(hashes in proptest::collection::vec(any::<u64>(), 0..300), num_perm in 1usize..70, seed in any::<u64>()) {
            let h = MinHasher::new(num_perm, seed);
            let expected = h.sketch_hashes_scalar(&hashes);
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2.
                prop_assert_eq!(unsafe { h.sketch_with(avx2::sketch, &hashes) }, expected.clone());
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F.
                prop_assert_eq!(unsafe { h.sketch_with(avx512::sketch, &hashes) }, expected);
            }
        }

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
