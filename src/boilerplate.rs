//! Boilerplate: sentences (and lines, which end sentences) that many
//! documents of the collection repeat without being copies of each other:
//! agency credits, bylines, "Read more" lines, navigation, cookie notices,
//! licence footers. They count for no finding: the rewrite tier drops their
//! content terms (see [`crate::units::SentenceBigrams::finish`]).
//!
//! A sentence is boilerplate when it is found (after normalization) in at
//! least [`BoilerplateParams::min_documents`] documents, and the documents
//! that hold it are not themselves largely the same text: the median MinHash
//! Jaccard of consecutive holders (in id order, at most
//! [`HOLDERS_SAMPLED`] of them) is below
//! [`BoilerplateParams::max_holder_similarity`]. The second test keeps a
//! source sentence that many copies of one story repeat (a cut-and-paste
//! answer set, an agency story picked up by several papers) as evidence:
//! those copies share much more than the sentence. The near-duplicate tier
//! reads whole texts, boilerplate included.

use crate::sketch::Signature;
use ahash::AHashSet;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Consecutive holders of a frequent sentence whose similarity is measured:
/// the first this many, in id order (a bounded cost, and the same sample for
/// a scan and an index check of the same collection).
pub const HOLDERS_SAMPLED: usize = 17;

/// Tunables of boilerplate detection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoilerplateParams {
    /// A sentence must be in at least this many documents. Five: more than
    /// the handful of documents one story is usually reused in (a source and
    /// its rewrites), fewer than the documents of one outlet or agency in
    /// any collection worth scanning.
    pub min_documents: usize,
    /// ...and its holders' median estimated Jaccard must stay below this
    /// (a fifth of their word 5-shingles shared).
    pub max_holder_similarity: f64,
}

impl Default for BoilerplateParams {
    fn default() -> Self {
        BoilerplateParams {
            min_documents: 5,
            max_holder_similarity: 0.2,
        }
    }
}

/// The boilerplate sentences of a collection, as sentence hashes.
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    sentences: AHashSet<u64>,
}

impl Boilerplate {
    /// A set given directly (an index check computes it from stored counts).
    pub fn from_hashes(sentences: impl IntoIterator<Item = u64>) -> Self {
        Boilerplate {
            sentences: sentences.into_iter().collect(),
        }
    }

    /// Whether the sentence with this hash is boilerplate.
    #[inline]
    pub fn contains(&self, sentence: u64) -> bool {
        self.sentences.contains(&sentence)
    }

    /// Number of distinct boilerplate sentences.
    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    /// True when the collection has none.
    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }

    /// The boilerplate of a collection: `sentences[d]` are the sentence
    /// hashes of document `d` (any order, repeats allowed), `signatures[d]`
    /// its MinHash, `ids[d]` its id (holders are sampled in id order).
    /// Linear in the sentences plus a sort.
    pub fn find(
        sentences: &[&[u64]],
        signatures: &[&Signature],
        ids: &[&str],
        params: &BoilerplateParams,
    ) -> Boilerplate {
        // Every (sentence, document), repeats within a document included:
        // one sort of the lot, no sort per document.
        let mut pairs: Vec<(u64, u32)> = sentences
            .par_iter()
            .enumerate()
            .flat_map_iter(|(d, hashes)| hashes.iter().map(move |&h| (h, d as u32)))
            .collect();
        pairs.par_sort_unstable();
        let min = params.min_documents.max(2);
        let found = pairs
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|run| run.len() >= min)
            .filter(|run| {
                let mut holders: Vec<u32> = run.iter().map(|&(_, d)| d).collect();
                holders.dedup();
                if holders.len() < min {
                    return false;
                }
                is_boilerplate(
                    holders
                        .iter()
                        .map(|&d| (ids[d as usize], signatures[d as usize]))
                        .collect(),
                    params,
                )
            })
            .map(|run| run[0].0);
        Boilerplate::from_hashes(found)
    }
}

/// The rule for one sentence, given its holders (distinct documents, by
/// id and MinHash, any order): held by at least
/// [`BoilerplateParams::min_documents`], and the first
/// [`HOLDERS_SAMPLED`] in id order are not copies of each other. The one
/// rule of [`Boilerplate::find`] and of a distributed driver
/// (`dedup buckets`).
pub fn is_boilerplate(mut holders: Vec<(&str, &Signature)>, params: &BoilerplateParams) -> bool {
    if holders.len() < params.min_documents.max(2) {
        return false;
    }
    holders.sort_unstable_by_key(|&(id, _)| id);
    let sampled: Vec<&Signature> = holders
        .iter()
        .take(HOLDERS_SAMPLED)
        .map(|&(_, s)| s)
        .collect();
    holders_are_unrelated(&sampled, params)
}

/// The second test of boilerplate: the median estimated Jaccard of
/// consecutive holders (given in id order) is below the bar.
fn holders_are_unrelated(holders: &[&Signature], params: &BoilerplateParams) -> bool {
    let mut similarity: Vec<f64> = holders.windows(2).map(|w| w[0].jaccard(w[1])).collect();
    if similarity.is_empty() {
        return false;
    }
    similarity.sort_by(f64::total_cmp);
    similarity[similarity.len() / 2] < params.max_holder_similarity
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

    fn sig(values: &[u32]) -> Signature {
        Signature(values.to_vec())
    }

    #[test]
    fn a_credit_line_in_many_unrelated_documents_is_boilerplate() {
        let credit = 7;
        let owned: Vec<Vec<u64>> = (0..6).map(|d| vec![credit, 100 + d, 200 + d]).collect();
        let sentences: Vec<&[u64]> = owned.iter().map(|v| v.as_slice()).collect();
        let signatures: Vec<Signature> = (0..6u32)
            .map(|d| sig(&[d, d + 10, d + 20, d + 30]))
            .collect();
        let refs: Vec<&Signature> = signatures.iter().collect();
        let b = Boilerplate::find(&sentences, &refs, &IDS, &BoilerplateParams::default());
        assert!(b.contains(credit));
        assert_eq!(b.len(), 1);
    }

    #[test]
    fn a_sentence_shared_by_copies_of_one_story_is_not_boilerplate() {
        let quoted = 7;
        let owned: Vec<Vec<u64>> = (0..6).map(|d| vec![quoted, 100 + d]).collect();
        let sentences: Vec<&[u64]> = owned.iter().map(|v| v.as_slice()).collect();
        // The six documents are near-copies: equal signatures but one slot.
        let signatures: Vec<Signature> = (0..6u32).map(|d| sig(&[1, 2, 3, d])).collect();
        let refs: Vec<&Signature> = signatures.iter().collect();
        let b = Boilerplate::find(&sentences, &refs, &IDS, &BoilerplateParams::default());
        assert!(!b.contains(quoted));
    }

    #[test]
    fn a_sentence_in_fewer_documents_than_the_minimum_is_not_boilerplate() {
        let owned: Vec<Vec<u64>> = (0..4).map(|d| vec![7, 100 + d]).collect();
        let sentences: Vec<&[u64]> = owned.iter().map(|v| v.as_slice()).collect();
        let signatures: Vec<Signature> = (0..4u32).map(|d| sig(&[d, d + 10])).collect();
        let refs: Vec<&Signature> = signatures.iter().collect();
        assert!(
            Boilerplate::find(&sentences, &refs, &IDS[..4], &BoilerplateParams::default())
                .is_empty()
        );
    }
}
