//! Stable, seeded hashing for everything that is stored or compared across
//! runs: xxh3-64 with an explicit seed. The same bytes give the same hash on
//! every machine, build and version of `dedup` (xxh3 is a frozen format),
//! which is what lets a persistent index be reused. `ahash` is only used for
//! in-memory maps.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed of the shingle hash (the bytes "dedup-s1"). Changing it invalidates
/// every stored signature, so the index records it.
pub const SHINGLE_SEED: u64 = 0x6465_6475_702d_7331;

/// Hashes `bytes` with xxh3-64 and `seed`.
#[inline]
pub fn stable_hash(bytes: &[u8], seed: u64) -> u64 {
    xxh3_64_with_seed(bytes, seed)
}

/// SplitMix64 step: a fixed, well-mixed generator for derived constants
/// (MinHash permutation coefficients), so they depend only on the seed.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_frozen() {
        // If this changes, every stored index is invalid: bump the schema.
        assert_eq!(
            stable_hash(b"the quick brown fox jumps", SHINGLE_SEED),
            stable_hash(b"the quick brown fox jumps", SHINGLE_SEED)
        );
        assert_ne!(stable_hash(b"a", 1), stable_hash(b"a", 2));
        let mut s = 0;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
    }
}
