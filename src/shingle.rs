//! Shingling: every run of `k` consecutive normalized tokens, hashed with the
//! stable seeded hash into a sorted set of `u64`. The exact set is kept (not
//! only its sketch) because the verify stage computes exact Jaccard and
//! containment for every candidate.

use crate::hash::{stable_hash, SHINGLE_SEED};
use crate::normalize::NormalizedText;

/// A sorted, duplicate-free set of shingle hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles(pub Vec<u64>);

impl Shingles {
    /// The set of the given hashes (sorted, repeats dropped).
    pub fn from_hashes(mut hashes: Vec<u64>) -> Self {
        hashes.sort_unstable();
        hashes.dedup();
        Shingles(hashes)
    }

    /// Number of distinct shingles.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Size of the intersection of two sorted sets (linear merge).
    pub fn intersection_len(&self, other: &Shingles) -> usize {
        sorted_intersection_len(&self.0, &other.0)
    }
}

/// Size of the intersection of two sorted, duplicate-free slices.
pub fn sorted_intersection_len<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Hash of one shingle: the space-joined normalized words.
#[inline]
pub fn shingle_hash(words: &str) -> u64 {
    stable_hash(words.as_bytes(), SHINGLE_SEED)
}

/// The set of `k`-token shingles of `text`. A text shorter than `k` tokens
/// (but not empty) gives one shingle of all its tokens, so short documents
/// still compare.
pub fn word_shingles(text: &NormalizedText, k: usize) -> Shingles {
    span_shingles(text, 0, text.len(), k)
}

/// [`word_shingles`] of the tokens `from..to` alone: the same set as
/// shingling that span's text on its own.
pub fn span_shingles(text: &NormalizedText, from: usize, to: usize, k: usize) -> Shingles {
    Shingles::from_hashes(ordered_shingles(text, from, to, k))
}

/// The `k`-token shingle hashes of the tokens `from..to` in text order,
/// repeats kept (what [`span_shingles`] makes a set of; the verbatim stage
/// winnows them). A span shorter than `k` gives one hash of all its tokens.
pub fn ordered_shingles(text: &NormalizedText, from: usize, to: usize, k: usize) -> Vec<u64> {
    let to = to.min(text.len());
    if from >= to {
        return Vec::new();
    }
    let k = k.max(1);
    if to - from < k {
        vec![shingle_hash(text.span(from, to))]
    } else {
        (from..=to - k)
            .map(|i| shingle_hash(text.span(i, i + k)))
            .collect()
    }
}

/// Hash of the whole normalized text, used to find exact duplicates first.
pub fn content_hash(text: &NormalizedText) -> u64 {
    stable_hash(text.norm.as_bytes(), SHINGLE_SEED ^ 0xC0DE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    #[test]
    fn shingles_ignore_case_and_punctuation() {
        let a = word_shingles(&normalize("The cat sat on the mat."), 3);
        let b = word_shingles(&normalize("the CAT, sat on the mat"), 3);
        assert_eq!(a, b);
        assert_eq!(a.len(), 4);
    }

    #[test]
    fn short_text_gives_one_shingle() {
        assert_eq!(word_shingles(&normalize("two words"), 5).len(), 1);
        assert!(word_shingles(&normalize(""), 5).is_empty());
    }

    #[test]
    fn intersection_counts_common_elements() {
        assert_eq!(sorted_intersection_len(&[1, 3, 5, 7], &[3, 4, 5, 8]), 2);
    }
}
