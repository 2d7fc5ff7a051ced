//! The sentences and vectors of the documents a thread compared last.
//!
//! Verification walks candidate pairs in sorted order, so one document
//! comes back in many pairs (on real passages about nine a document), and
//! cutting and embedding it again for each was most of the tier's cost.
//! Each thread keeps what it cut and embedded, keyed by a 128-bit hash of
//! the text and the model, up to a bound on bytes: memory stays bounded
//! whatever the collection, and a kept side is exactly what embedding
//! again would give.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use ahash::AHashMap;

use super::embed::{embed_sentences, sentences_up_to, SentenceVectors};
use super::model::StaticModel;
use super::MAX_COMPARED_SENTENCES;

/// Bytes of sentence vectors the threads of a process keep in all: a
/// share of it each, never under [`MIN_THREAD_BYTES`].
const KEPT_BYTES: usize = 32 << 20;
/// The least a thread keeps (a few sides of the most sentences compared).
const MIN_THREAD_BYTES: usize = 4 << 20;

/// One side of a comparison: its sentences, and their vectors once asked.
#[derive(Debug)]
pub struct Side {
    /// The sentences, `None` for a text over [`MAX_COMPARED_SENTENCES`].
    pub cut: Option<Vec<([usize; 2], u32)>>,
    vectors: OnceCell<SentenceVectors>,
}

impl Side {
    /// The vectors of the sentences of `text` (the text this side was
    /// made from), embedded on first use.
    pub fn vectors(&self, model: &StaticModel, text: &str) -> &SentenceVectors {
        self.vectors
            .get_or_init(|| embed_sentences(model, text, self.cut.as_deref().unwrap_or(&[])))
    }
}

type Key = (u64, u128, usize);

fn key(model: &StaticModel, text: &str) -> Key {
    (
        model.id(),
        xxhash_rust::xxh3::xxh3_128(text.as_bytes()),
        text.len(),
    )
}

/// Two generations: sides are looked up in both and kept in the young
/// one; when it holds half the thread's share, it becomes the old one and
/// the old one is dropped. What a thread still uses survives, what it
/// stopped using goes, without the bookkeeping of an exact LRU.
#[derive(Default)]
struct Recent {
    young: AHashMap<Key, Rc<Side>>,
    old: AHashMap<Key, Rc<Side>>,
    /// What the young sides' vectors take, or will once embedded.
    bytes: usize,
}

thread_local! {
    static RECENT: RefCell<Recent> = RefCell::new(Recent::default());
}

/// The side of `text` under `model`: kept from an earlier comparison on
/// this thread, or cut now and kept (a thread keeps at most its share of
/// [`KEPT_BYTES`], so memory stays bounded).
pub fn side(model: &StaticModel, text: &str) -> Rc<Side> {
    let key = key(model, text);
    let share = (KEPT_BYTES / rayon::current_num_threads().max(1)).max(MIN_THREAD_BYTES);
    RECENT.with_borrow_mut(|recent| recent.side(key, share, model, text))
}

impl Recent {
    /// [`side`] with a share of `share` bytes.
    fn side(&mut self, key: Key, share: usize, model: &StaticModel, text: &str) -> Rc<Side> {
        if let Some(side) = self.young.get(&key) {
            return Rc::clone(side);
        }
        let side = match self.old.remove(&key) {
            Some(side) => side,
            None => Rc::new(Side {
                cut: sentences_up_to(text, MAX_COMPARED_SENTENCES),
                vectors: OnceCell::new(),
            }),
        };
        // A sentence's vector, its span and word count, and its cut entry.
        let per_sentence = model.dims() * 4 + 36;
        let bytes = side.cut.as_ref().map_or(0, Vec::len) * per_sentence + 64;
        if self.bytes + bytes > share / 2 {
            self.old = std::mem::take(&mut self.young);
            self.bytes = 0;
        }
        self.bytes += bytes;
        self.young.insert(key, Rc::clone(&side));
        side
    }
}

/// Drops what this thread keeps (the end of a scan: the next one compares
/// other documents).
pub fn forget() {
    RECENT.with_borrow_mut(|recent| *recent = Recent::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::embed::embed;

    #[test]
    fn a_kept_side_is_what_embedding_again_gives() {
        let model = StaticModel::builtin();
        let texts: Vec<String> = (0..20)
            .map(|i| format!("The river rose {i} feet in the night. The village moved to the hill above it. Nobody was hurt."))
            .collect();
        for round in 0..2 {
            for t in &texts {
                let side = side(model, t);
                assert_eq!(side.vectors(model, t), &embed(model, t), "round {round}");
            }
        }
        // The same text twice in a row is one side, not two.
        let (x, y) = (side(model, &texts[0]), side(model, &texts[0]));
        assert!(Rc::ptr_eq(&x, &y));
        RECENT.with_borrow(|r| assert!(r.bytes <= KEPT_BYTES.max(MIN_THREAD_BYTES) / 2));
        forget();
        RECENT.with_borrow(|r| assert!(r.young.is_empty() && r.old.is_empty() && r.bytes == 0));
    }

    #[test]
    fn a_full_generation_ages_and_the_oldest_goes() {
        let model = StaticModel::builtin();
        let texts: Vec<String> = (0..12)
            .map(|i| format!("Ship {i} left the harbour at dawn. The crew sang as they rowed out. The sea was calm."))
            .collect();
        // Three sentences a side: two sides fill a generation of this share.
        let one = 3 * (model.dims() * 4 + 36) + 64;
        let share = 4 * one + 1;
        let mut recent = Recent::default();
        for t in &texts {
            let side = recent.side(key(model, t), share, model, t);
            assert_eq!(side.vectors(model, t), &embed(model, t));
            assert!(recent.bytes <= share / 2);
            assert!(recent.young.len() + recent.old.len() <= 4);
        }
        let last = &texts[11];
        assert!(recent.young.contains_key(&key(model, last)));
        assert!(!recent.young.contains_key(&key(model, &texts[0])));
        assert!(!recent.old.contains_key(&key(model, &texts[0])));
        // A side found in the old generation comes back to the young one.
        let aged = recent.old.keys().next().copied().expect("an old side");
        let text = texts.iter().find(|t| key(model, t) == aged).unwrap();
        recent.side(aged, share, model, text);
        assert!(recent.young.contains_key(&aged) && !recent.old.contains_key(&aged));
    }
}
