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
use crate::shingle::{
    content_hash, ordered_shingles, shingle_hash, span_shingles, word_shingles, Shingles,
};
use crate::sketch::{MinHasher, Signature};
use crate::units::{SentenceBigrams, Unit, UnitExtractor, UnitParams};
use crate::verbatim;
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
    /// Word-shingle set (near-duplicate tier, verification): kept from
    /// extraction, or, when the extractor drops it to save memory, built
    /// again on first use ([`Features::shingles`]).
    pub shingles: OnceLock<Shingles>,
    /// Words per shingle, to build the set again.
    pub shingle_size: usize,
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
    /// Winnowed shingle fingerprints: candidate keys of pairs sharing a
    /// verbatim run (see [`crate::verbatim`]).
    pub fingerprints: Vec<u64>,
    /// The semantic tier's sentence keys (see [`crate::semantic::keys`]):
    /// empty unless the tier is on, the model speaks the document's
    /// language and the document is short enough.
    pub sentence_keys: Vec<u64>,
    /// [`verbatim::unspaced_tokens`], built with the units (empty for the
    /// usual document with none).
    pub token_unspaced: OnceLock<Vec<bool>>,
    /// The normalized text, kept with the units: verification reads it for
    /// the shingle set and the passages' byte ranges, so a document in many
    /// pairs is normalized once, not once per pair.
    pub norm: OnceLock<NormalizedText>,
}

/// Reusable per-run state for feature extraction.
pub struct Extractor {
    params: FeatureParams,
    doc_hasher: MinHasher,
    keep_shingles: bool,
}

impl Extractor {
    /// An extractor for `params`.
    pub fn new(params: &FeatureParams) -> Self {
        Extractor {
            params: *params,
            doc_hasher: MinHasher::new(params.num_perm, params.seed),
            keep_shingles: true,
        }
    }

    /// The same extractor, but the shingle sets are not kept once the
    /// signature is made: a scan builds them again only for the documents
    /// in a candidate pair, so memory holds sketches, not shingle sets.
    pub fn dropping_shingles(mut self) -> Self {
        self.keep_shingles = false;
        self
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
        let k = self.params.shingle_size;
        let ordered = ordered_shingles(norm, 0, norm.len(), k);
        let fingerprints = if self.params.rewrite_tier {
            // Winnowing keeps about 3 in 4 of its reserve: the rest is
            // given back, as these stay for the whole scan.
            let mut prints = verbatim::fingerprints(&ordered, verbatim::winnow_window(k));
            prints.shrink_to_fit();
            prints
        } else {
            Vec::new()
        };
        // The signature is the same over the hashes in text order (a minimum
        // does not care about order or repeats): a scan that drops the set
        // never sorts it.
        let signature = if ordered.is_empty() {
            Signature::default()
        } else {
            self.doc_hasher.sketch_hashes(&ordered)
        };
        let shingles = self.keep_shingles.then(|| Shingles::from_hashes(ordered));
        let language = language_of(text, self.params.language.map(|l| l.code()));
        let pending = if self.params.rewrite_tier {
            UnitExtractor::for_language(self.unit_params(), &language.code)
                .sentence_bigrams(text, norm)
        } else {
            SentenceBigrams::default()
        };
        // Sentences first: the model loads only when a document can have
        // keys, and most documents of a collection are too long to.
        use crate::semantic::keys::{keyed_sentences, keys_of_sentences};
        let keyed = self.params.rewrite_tier && self.params.semantic_keys;
        let sentence_keys = match keyed.then(|| keyed_sentences(text)).flatten() {
            Some(cut) => {
                let model = crate::semantic::model();
                if model.speaks(&language.code) {
                    keys_of_sentences(model, text, &cut)
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        };
        let units = OnceLock::new();
        if !self.params.rewrite_tier {
            let _ = units.set(Vec::new());
        }
        let kept = OnceLock::new();
        if let Some(shingles) = shingles {
            let _ = kept.set(shingles);
        }
        let features = Features {
            tokens: norm.len(),
            content_hash: content_hash(norm),
            shingles: kept,
            shingle_size: self.params.shingle_size,
            signature,
            units,
            token_trigrams: OnceLock::new(),
            bigrams: Vec::new(),
            language,
            sentence_hashes: pending.sentence_hashes().collect(),
            boilerplate: Vec::new(),
            fingerprints,
            sentence_keys,
            token_unspaced: OnceLock::new(),
            norm: OnceLock::new(),
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
    /// Frees what only candidate generation reads (content bigrams,
    /// verbatim fingerprints, sentence keys and hashes) once a scan knows
    /// the document is in no candidate pair.
    pub fn release_candidate_keys(&mut self) {
        self.bigrams = Vec::new();
        self.fingerprints = Vec::new();
        self.sentence_keys = Vec::new();
        self.sentence_hashes = Vec::new();
    }

    /// Frees what verification builds on first use (units, token trigrams,
    /// the shingle set when the extractor did not keep it) once a scan has
    /// verified the document's last candidate pair: built again if asked.
    pub fn release_verification_cache(&mut self, keep_shingles: bool) {
        self.units = OnceLock::new();
        self.token_trigrams = OnceLock::new();
        self.token_unspaced = OnceLock::new();
        self.norm = OnceLock::new();
        if !keep_shingles {
            self.shingles = OnceLock::new();
        }
    }

    /// The document's shingle set, built again from its text on first use
    /// when the extractor did not keep it.
    pub fn shingles(&self, doc: &Document) -> &Shingles {
        self.shingles
            .get_or_init(|| word_shingles(&self.normalized(doc), self.shingle_size))
    }

    /// The document's normalized text: the one kept with the units, or
    /// made now (and not kept) when the units are not built.
    pub fn normalized(&self, doc: &Document) -> std::borrow::Cow<'_, NormalizedText> {
        match self.norm.get() {
            Some(norm) => std::borrow::Cow::Borrowed(norm),
            None => std::borrow::Cow::Owned(normalize(&doc.text)),
        }
    }

    /// The shingle set, which [`Features::shingles`] must have built (or the
    /// extractor kept).
    pub fn shingle_set(&self) -> &Shingles {
        self.shingles
            .get()
            .expect("shingles are built (Features::shingles) before verification")
    }

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
            let norm = self.norm.get_or_init(|| normalize(&doc.text));
            let mut trigrams: Vec<u64> = (0..norm.len().saturating_sub(TRIGRAM - 1))
                .map(|i| shingle_hash(norm.span(i, i + TRIGRAM)))
                .collect();
            // Boilerplate sentences are no verbatim run either: their
            // trigrams are made unique to this document, so that no run
            // with another document goes through them.
            if !self.boilerplate.is_empty() {
                let spans = crate::units::sentences(&doc.text, norm);
                for &s in &self.boilerplate {
                    if let Some(&(first, next)) = spans.get(s as usize) {
                        let from = first.saturating_sub(TRIGRAM - 1);
                        for (i, t) in trigrams.iter_mut().enumerate().take(next).skip(from) {
                            *t = stable_unique(self.content_hash, i);
                        }
                    }
                }
            }
            let _ = self.token_trigrams.set(trigrams);
            let _ = self.token_unspaced.set(verbatim::unspaced_tokens(norm));
            UnitExtractor::for_language(UnitParams::default(), &self.language.code).units_without(
                &doc.text,
                norm,
                &self.boilerplate,
            )
        })
    }

    /// The sorted, unique word-trigram hashes of the tokens `from..to`
    /// (the same set as normalizing that span's text and shingling it by 3).
    pub(crate) fn span_trigrams(&self, doc: &Document, from: usize, to: usize) -> Vec<u64> {
        self.cached_span_trigrams((from as u32, to as u32))
            // Spans under three tokens (one shingle of all their words), or
            // units built without trigrams.
            .unwrap_or_else(|| span_shingles(&self.normalized(doc), from, to, TRIGRAM).0)
    }

    /// [`Features::span_trigrams`] from the trigrams kept with the units,
    /// when they are there and the span has [`TRIGRAM`] tokens or more.
    pub(crate) fn cached_span_trigrams(&self, (from, to): (u32, u32)) -> Option<Vec<u64>> {
        let (from, to) = (from as usize, to as usize);
        let all = self.token_trigrams.get()?;
        (to >= from + TRIGRAM && to - (TRIGRAM - 1) <= all.len()).then(|| {
            let mut v = all[from..to - (TRIGRAM - 1)].to_vec();
            v.sort_unstable();
            v.dedup();
            v
        })
    }
}

/// A trigram hash standing for position `i` of the document with content
/// hash `doc` only (a boilerplate position, matching no other document's).
fn stable_unique(doc: u64, i: usize) -> u64 {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&doc.to_le_bytes());
    bytes[8..].copy_from_slice(&(i as u64).to_le_bytes());
    crate::hash::stable_hash(&bytes, 0xb011_e4ba_7e00_0001)
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
