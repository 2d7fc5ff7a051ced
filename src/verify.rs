//! Verification: exact set similarity of a candidate pair's shingle sets, so
//! no finding rests on a MinHash estimate alone.

use crate::shingle::Shingles;

/// Exact similarity of two shingle sets.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SetSimilarity {
    /// |A ∩ B| / |A ∪ B|.
    pub jaccard: f64,
    /// |A ∩ B| / |A|: how much of A is in B.
    pub containment_a_in_b: f64,
    /// |A ∩ B| / |B|: how much of B is in A.
    pub containment_b_in_a: f64,
}

/// Exact Jaccard and containment both ways. Empty sets compare as 0.
pub fn set_similarity(a: &Shingles, b: &Shingles) -> SetSimilarity {
    if a.is_empty() || b.is_empty() {
        return SetSimilarity::default();
    }
    let common = a.intersection_len(b) as f64;
    let union = (a.len() + b.len()) as f64 - common;
    SetSimilarity {
        jaccard: common / union,
        containment_a_in_b: common / a.len() as f64,
        containment_b_in_a: common / b.len() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_and_containment_are_exact() {
        let a = Shingles(vec![1, 2, 3, 4]);
        let b = Shingles(vec![3, 4, 5, 6, 7, 8]);
        let s = set_similarity(&a, &b);
        assert!((s.jaccard - 2.0 / 8.0).abs() < 1e-12);
        assert!((s.containment_a_in_b - 0.5).abs() < 1e-12);
        assert!((s.containment_b_in_a - 2.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn empty_sets_are_not_similar() {
        assert_eq!(
            set_similarity(&Shingles::default(), &Shingles::default()).jaccard,
            0.0
        );
    }
}
