//! Per-document features of both tiers: the normalized text's hash (exact
//! duplicates), its word shingles and their MinHash (near-duplicate tier),
//! its content bigrams (rewrite tier candidates), and, built on first use,
//! its content units and token trigrams (rewrite-tier verification and
//! alignment). The first stage after input; everything later reads these.

use crate::boilerplate::Boilerplate;
use crate::input::Document;
use crate::language::{language_of, DocumentLanguage};
use crate::normalize::{normalize, NormalizedText};
use crate::params::FeatureParams;
use crate::shingle::{content_hash, shingle_hash, span_shingles, word_shingles, Shingles};
use crate::sketch::{MinHasher, Signature};
use crate::units::{SentenceBigrams, Unit, UnitExtractor, UnitParams};
use std::sync::OnceLock;

/// Words per shingle of the passage verbatim test: a passage is verbatim
/// when most of its word trigrams are in the other side.
pub const TRIGRAM: usize = 3;

/// Everything the pipeline derives from one document.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Number of word tokens.
    pub tokens: usize,
    /// Hash of the normalized text (exact duplicates).
    pub content_hash: u64,
    /// Word-shingle set (near-duplicate tier, verification).
    pub shingles: Shingles,
    /// MinHash of the shingle set.
    pub signature: Signature,
    /// Content units (rewrite tier, alignment), built on first use: only
    /// documents that are part of a candidate pair ever need them.
    pub units: OnceLock<Vec<Unit>>,
    /// Hash of the word trigram starting at each token, built with the
    /// units: the verbatim test of a passage reads it instead of normalizing
    /// the passage text again.
    pub token_trigrams: OnceLock<Vec<u64>>,
    /// Sorted, unique bigrams of consecutive content terms, boilerplate
    /// sentences left out: the rewrite tier's candidate keys and its
    /// whole-document similarity.
    pub bigrams: Vec<u64>,
    /// The document's language (detected, or forced by the parameters).
    pub language: DocumentLanguage,
    /// The hash of each sentence, in text order (boilerplate counts).
    pub sentence_hashes: Vec<u64>,
    /// Indices of the sentences found to be boilerplate (sorted).
    pub boilerplate: Vec<u32>,
}

/// Reusable per-run state for feature extraction.
pub struct Extractor {
    params: FeatureParams,
    doc_hasher: MinHasher,
}

impl Extractor {
    /// An extractor for `params`.
    pub fn new(params: &FeatureParams) -> Self {
        Extractor {
            params: *params,
            doc_hasher: MinHasher::new(params.num_perm, params.seed),
        }
    }

    /// All features of one document, on its own: no sentence is
    /// boilerplate (what the index stores; a scan then drops the sentences
    /// the collection finds to be boilerplate, see [`Features::refine`]).
    pub fn features(&self, doc: &Document) -> Features {
        let (mut f, pending) = self.features_pending(doc);
        // Sorted while the bigrams are still in cache.
        f.finish(pending, &Boilerplate::default());
        f
    }

    /// The features of one document before the collection is known: the
    /// content bigrams stay by sentence until [`Features::finish`].
    pub fn features_pending(&self, doc: &Document) -> (Features, SentenceBigrams) {
        let norm = normalize(&doc.text);
        self.features_of(&doc.text, &norm)
    }

    /// [`Extractor::features_pending`] from an already normalized text.
    pub fn features_of(&self, text: &str, norm: &NormalizedText) -> (Features, SentenceBigrams) {
        let shingles = word_shingles(norm, self.params.shingle_size);
        let signature = if shingles.is_empty() {
            Signature::default()
        } else {
            self.doc_hasher.sketch(&shingles)
        };
        let language = language_of(text, self.params.language.map(|l| l.code()));
        let pending = if self.params.rewrite_tier {
            UnitExtractor::for_language(self.unit_params(), &language.code)
                .sentence_bigrams(text, norm)
        } else {
            SentenceBigrams::default()
        };
        let units = OnceLock::new();
        if !self.params.rewrite_tier {
            let _ = units.set(Vec::new());
        }
        let features = Features {
            tokens: norm.len(),
            content_hash: content_hash(norm),
            shingles,
            signature,
            units,
            token_trigrams: OnceLock::new(),
            bigrams: Vec::new(),
            language,
            sentence_hashes: pending.sentence_hashes().collect(),
            boilerplate: Vec::new(),
        };
        (features, pending)
    }

    fn unit_params(&self) -> UnitParams {
        UnitParams {
            max_tokens: self.params.unit_max_tokens,
        }
    }
}

impl Features {
    /// Sets the content bigrams from the sentences of `pending` that are
    /// not `boilerplate`, and records which ones were.
    pub fn finish(&mut self, pending: SentenceBigrams, boilerplate: &Boilerplate) {
        let (bigrams, dropped) = if boilerplate.is_empty() {
            pending.finish(|_| false)
        } else {
            pending.finish(|h| boilerplate.contains(h))
        };
        self.bigrams = bigrams;
        self.boilerplate = dropped;
    }

    /// Drops the content bigrams of the document's boilerplate sentences,
    /// if it has any: the bigrams are made again from the text (most
    /// documents have none, and keeping every document's bigrams by sentence
    /// until the collection is known costs more than redoing the few).
    pub fn refine(&mut self, doc: &Document, boilerplate: &Boilerplate) {
        if boilerplate.is_empty()
            || !self
                .sentence_hashes
                .iter()
                .any(|&h| boilerplate.contains(h))
        {
            return;
        }
        let norm = normalize(&doc.text);
        let pending = UnitExtractor::for_language(UnitParams::default(), &self.language.code)
            .sentence_bigrams(&doc.text, &norm);
        self.finish(pending, boilerplate);
    }

    /// The document's content units, built once on first use (boilerplate
    /// sentences without content terms).
    pub fn units(&self, doc: &Document) -> &[Unit] {
        self.units.get_or_init(|| {
            let norm = normalize(&doc.text);
            let trigrams = (0..norm.len().saturating_sub(TRIGRAM - 1))
                .map(|i| shingle_hash(norm.span(i, i + TRIGRAM)))
                .collect();
            let _ = self.token_trigrams.set(trigrams);
            UnitExtractor::for_language(UnitParams::default(), &self.language.code).units_without(
                &doc.text,
                &norm,
                &self.boilerplate,
            )
        })
    }

    /// The sorted, unique word-trigram hashes of the tokens `from..to`
    /// (the same set as normalizing that span's text and shingling it by 3).
    pub(crate) fn span_trigrams(&self, doc: &Document, from: usize, to: usize) -> Vec<u64> {
        match self.token_trigrams.get() {
            Some(all) if to >= from + TRIGRAM && to - (TRIGRAM - 1) <= all.len() => {
                let mut v = all[from..to - (TRIGRAM - 1)].to_vec();
                v.sort_unstable();
                v.dedup();
                v
            }
            // Spans under three tokens (one shingle of all their words), or
            // units built without trigrams.
            _ => span_shingles(&normalize(&doc.text), from, to, TRIGRAM).0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn span_trigrams_equal_shingling_the_span_text() {
        let text = std::fs::read_to_string("samples/001_0ae9a733e2d797e1.txt").unwrap();
        let doc = Document::from_text("d", &text);
        let params = Params::new(5, 16, 0.5).unwrap();
        let f = Extractor::new(&params.features).features(&doc);
        let units = f.units(&doc).to_vec();
        assert!(units.len() > 10);
        for w in units.windows(3) {
            let (from, to) = (w[0].first_token as usize, w[2].end_token as usize);
            let slice = &text[w[0].start as usize..w[2].end as usize];
            let expected = word_shingles(&normalize(slice), 3).0;
            assert_eq!(f.span_trigrams(&doc, from, to), expected, "{slice}");
        }
        // A one-token span: one shingle of that token.
        let u = &units[0];
        let first = u.first_token as usize;
        let one = &text[u.start as usize..];
        let word_end = one.find(' ').unwrap_or(one.len());
        assert_eq!(
            f.span_trigrams(&doc, first, first + 1),
            word_shingles(&normalize(&one[..word_end]), 3).0
        );
    }
}
