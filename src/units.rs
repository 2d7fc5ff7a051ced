//! Content units for the rewrite tier: a document cut into sentences (long
//! sentences into windows), each reduced to the set of its content terms
//! (stopwords dropped, English words stemmed with Porter2, numbers and names
//! kept). A rewrite changes the wording between the facts but keeps most
//! content terms of each sentence, so units of a rewrite and its source
//! overlap even when no 5-word run survives.

use crate::hash::stable_hash;
use crate::normalize::NormalizedText;
use rust_stemmers::{Algorithm, Stemmer};

/// Seed of the content-term hash (the bytes "dedup-t1").
pub const TERM_SEED: u64 = 0x6465_6475_702d_7431;

/// One sentence (or window) of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// First token (index into the document's tokens).
    pub first_token: u32,
    /// One past the last token.
    pub end_token: u32,
    /// Byte offset of the unit's first character in the original text.
    pub start: u32,
    /// Byte offset one past its last character.
    pub end: u32,
    /// Sorted, unique hashes of its content terms.
    pub terms: Vec<u64>,
    /// Weight of each entry of `terms`: 3 for a term with a digit, 2 for a
    /// capitalized word inside the sentence (a name), 1 otherwise. Numbers
    /// and names are what a rewrite cannot change without changing the facts.
    pub weights: Vec<u8>,
    /// The content terms in text order, repeats kept (for bigrams).
    pub sequence: Vec<u64>,
}

impl Unit {
    /// Number of word tokens.
    pub fn tokens(&self) -> usize {
        (self.end_token - self.first_token) as usize
    }
}

/// Tunables of unit extraction.
#[derive(Debug, Clone, Copy)]
pub struct UnitParams {
    /// Sentences longer than this many tokens are cut into windows.
    pub max_tokens: usize,
}

impl Default for UnitParams {
    fn default() -> Self {
        UnitParams { max_tokens: 48 }
    }
}

/// English stopwords: function words that carry no content. Kept short and
/// conservative; everything else counts as content.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "including",
    "into",
    "is",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "like",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "s",
    "said",
    "same",
    "say",
    "says",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thus",
    "to",
    "too",
    "two",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
];

/// True for a normalized word that carries no content.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Extracts content-term units. Reusable across documents (holds the
/// stemmer).
pub struct UnitExtractor {
    stemmer: Stemmer,
    params: UnitParams,
    memo_hasher: ahash::RandomState,
}

impl UnitExtractor {
    /// A new extractor.
    pub fn new(params: UnitParams) -> Self {
        UnitExtractor {
            stemmer: Stemmer::create(Algorithm::English),
            params,
            memo_hasher: memo_hasher(),
        }
    }

    /// The hash of one content term, or `None` for a stopword.
    pub fn term(&self, word: &str) -> Option<u64> {
        with_term_cache(|cache| self.cached_term(cache, word))
    }

    /// [`UnitExtractor::term`] through a memo the caller already holds, so a
    /// whole document pays for the thread-local access once.
    fn cached_term(&self, cache: &mut [(u64, u64)], word: &str) -> Option<u64> {
        self.cached_term_keyed(cache, self.memo_key(word.as_bytes()), word)
    }

    /// [`UnitExtractor::cached_term`] with the word's memo key already
    /// computed (see [`prefetch_slot`]).
    #[inline]
    fn cached_term_keyed(&self, cache: &mut [(u64, u64)], key: u64, word: &str) -> Option<u64> {
        // A set of `MEMO_WAYS` slots (one cache line), most recently used
        // first: a hit moves to the front, a miss evicts the last.
        let set = &mut cache[memo_slot(key)..memo_slot(key) + MEMO_WAYS];
        if key != 0 {
            if let Some(way) = set.iter().position(|s| s.0 == key) {
                let value = set[way].1;
                set[..=way].rotate_right(1);
                return (value != STOPWORD).then_some(value);
            }
        }
        let value = self.term_uncached(word);
        set.rotate_right(1);
        set[0] = (key, value.unwrap_or(STOPWORD));
        value
    }

    /// The memo key of a word: a 64-bit hash, so a hit needs no string
    /// compare (a collision, odds 2^-64 per pair of words, is harmless). Only
    /// a key in memory, never stored: a fast in-memory hash, not the stable
    /// one, which costs several times more per word.
    #[inline]
    fn memo_key(&self, word: &[u8]) -> u64 {
        self.memo_hasher.hash_one(word)
    }

    /// The memo keys of all words of a text, in order.
    fn memo_keys(&self, norm: &NormalizedText) -> Vec<u64> {
        let bytes = norm.norm.as_bytes();
        norm.tokens
            .iter()
            .map(|t| self.memo_key(&bytes[t.norm_start as usize..t.norm_end as usize]))
            .collect()
    }

    fn term_uncached(&self, word: &str) -> Option<u64> {
        if is_stopword(word) {
            return None;
        }
        let stem = if word.bytes().all(|b| b.is_ascii_lowercase()) {
            self.stemmer.stem(word)
        } else {
            std::borrow::Cow::Borrowed(word)
        };
        Some(stable_hash(stem.as_bytes(), TERM_SEED))
    }

    /// The sorted, unique content bigrams of a whole text: the same set as
    /// [`content_bigrams`] over its units, without building the units.
    pub fn bigrams(&self, norm: &NormalizedText) -> Vec<u64> {
        // Up to one bigram per token: growing the vector mid-document
        // costs more than the room.
        let mut out = Vec::with_capacity(norm.len());
        with_term_cache(|cache| {
            let keys = self.memo_keys(norm);
            let mut prev: Option<u64> = None;
            for (i, &key) in keys.iter().enumerate() {
                if let Some(&ahead) = keys.get(i + PREFETCH_AHEAD) {
                    prefetch_slot(cache, ahead);
                }
                if let Some(t) = self.cached_term_keyed(cache, key, norm.word(i)) {
                    if let Some(p) = prev {
                        out.push(bigram(p, t));
                    }
                    prev = Some(t);
                }
            }
        });
        out.sort_unstable();
        out.dedup();
        // Kept for the whole run: give back the room of the repeats.
        out.shrink_to_fit();
        out
    }

    /// The units of `text` (the original) given its normalized tokens.
    pub fn units(&self, text: &str, norm: &NormalizedText) -> Vec<Unit> {
        with_term_cache(|cache| self.units_with(cache, text, norm))
    }

    fn units_with(&self, cache: &mut [(u64, u64)], text: &str, norm: &NormalizedText) -> Vec<Unit> {
        let keys = self.memo_keys(norm);
        let mut units = Vec::new();
        for (first, next) in sentences(text, norm) {
            let mut from = first;
            while from < next {
                let to = (from + self.params.max_tokens).min(next);
                // Avoid a tiny tail window: fold it into this one.
                let to = if next - to < self.params.max_tokens / 4 {
                    next
                } else {
                    to
                };
                units.push(self.unit(cache, &keys, text, norm, from, to));
                from = to;
            }
        }
        units
    }

    fn unit(
        &self,
        cache: &mut [(u64, u64)],
        keys: &[u64],
        text: &str,
        norm: &NormalizedText,
        from: usize,
        to: usize,
    ) -> Unit {
        let mut weighted: Vec<(u64, u8)> = Vec::with_capacity(to - from);
        for i in from..to {
            let word = norm.word(i);
            if let Some(&ahead) = keys.get(i + PREFETCH_AHEAD) {
                prefetch_slot(cache, ahead);
            }
            if let Some(term) = self.cached_term_keyed(cache, keys[i], word) {
                let t = norm.tokens[i];
                let original = &text[t.start as usize..t.end as usize];
                let weight = if word.bytes().any(|b| b.is_ascii_digit()) {
                    3
                } else if i > from && original.chars().next().is_some_and(char::is_uppercase) {
                    2
                } else {
                    1
                };
                weighted.push((term, weight));
            }
        }
        let sequence: Vec<u64> = weighted.iter().map(|&(t, _)| t).collect();
        weighted.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
        weighted.dedup_by_key(|x| x.0);
        Unit {
            first_token: from as u32,
            end_token: to as u32,
            start: norm.tokens[from].start,
            end: norm.tokens[to - 1].end,
            terms: weighted.iter().map(|x| x.0).collect(),
            weights: weighted.iter().map(|x| x.1).collect(),
            sequence,
        }
    }
}

/// Seed of the content-bigram hash (the bytes "dedup-b1").
pub const BIGRAM_SEED: u64 = 0x6465_6475_702d_6231;

/// Hash of two consecutive content terms.
#[inline]
pub fn bigram(first: u64, second: u64) -> u64 {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&first.to_le_bytes());
    bytes[8..].copy_from_slice(&second.to_le_bytes());
    stable_hash(&bytes, BIGRAM_SEED)
}

/// Sorted, unique bigrams of consecutive content terms over a run of units
/// (bigrams cross unit boundaries: the content words of a document read as
/// one sequence).
pub fn content_bigrams<'a>(units: impl IntoIterator<Item = &'a Unit>) -> Vec<u64> {
    let mut out = Vec::new();
    let mut prev: Option<u64> = None;
    for u in units {
        for &t in &u.sequence {
            if let Some(p) = prev {
                out.push(bigram(p, t));
            }
            prev = Some(t);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Sentence spans as token ranges: a sentence ends where the gap between
/// two tokens holds a line break or sentence-final punctuation. Working on
/// the gaps is linear and much cheaper than full UAX#29 sentence rules,
/// which give the same cuts on prose; headings and list items, which often
/// end without punctuation, end at their line break.
fn sentences(text: &str, norm: &NormalizedText) -> Vec<(usize, usize)> {
    let tokens = &norm.tokens;
    let mut out = Vec::new();
    let mut first = 0;
    for i in 1..tokens.len() {
        let gap = &text.as_bytes()[tokens[i - 1].end as usize..tokens[i].start as usize];
        let ends = gap.iter().any(|&b| matches!(b, b'.' | b'!' | b'?' | b'\n'))
            || (!gap.is_ascii()
                && std::str::from_utf8(gap).is_ok_and(|g| g.contains(['。', '！', '？', '…'])));
        if ends {
            out.push((first, i));
            first = i;
        }
    }
    if first < tokens.len() {
        out.push((first, tokens.len()));
    }
    out
}

/// Slots of the per-thread memo of [`UnitExtractor::term`] (16 bytes each:
/// 4 MiB).
const TERM_CACHE_SLOTS: usize = 1 << 18;

/// How many words ahead the memo slot is prefetched: the memo is larger than
/// the L2 cache, and a probe that waits on memory costs more than the rest of
/// a word's work on a hit.
const PREFETCH_AHEAD: usize = 8;

/// The hasher of memo keys: fixed seeds, so every extractor and thread
/// agrees (the memo lives per thread, not per extractor).
fn memo_hasher() -> ahash::RandomState {
    ahash::RandomState::with_seeds(TERM_SEED, TERM_SEED ^ 1, TERM_SEED ^ 2, TERM_SEED ^ 3)
}

/// Slots per memo set: four 16-byte slots fill one 64-byte cache line, so
/// the associativity (far fewer words evicted by a collision) costs no extra
/// memory traffic.
const MEMO_WAYS: usize = 4;

/// The first memo slot of a key's set.
#[inline]
fn memo_slot(key: u64) -> usize {
    (key as usize) & (TERM_CACHE_SLOTS - 1) & !(MEMO_WAYS - 1)
}

/// Asks the CPU to start loading the memo slot of `key` (a hint only).
#[inline]
fn prefetch_slot(cache: &[(u64, u64)], key: u64) {
    #[cfg(target_arch = "x86_64")]
    {
        let slot: *const (u64, u64) = &cache[memo_slot(key)];
        // SAFETY: prefetching is a hint with no effect on memory; the
        // pointer is to a live element of `cache`.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(slot.cast())
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (cache, key);
}

/// Marks a stopword in the memo (a term hash equal to it would read as a
/// stopword: odds 2^-64).
const STOPWORD: u64 = u64::MAX;

thread_local! {
    static TERM_CACHE: std::cell::RefCell<Vec<(u64, u64)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's term memo. Stemming dominates extraction and
/// vocabularies are Zipf-shaped, so a small per-thread memo answers most
/// words; it is bounded to keep memory flat.
fn with_term_cache<R>(f: impl FnOnce(&mut [(u64, u64)]) -> R) -> R {
    TERM_CACHE.with(|cache| {
        // A re-entrant call (none today) gets a fresh memo instead of a
        // panic from a second borrow.
        match cache.try_borrow_mut() {
            Ok(mut cache) => {
                if cache.is_empty() {
                    cache.resize(TERM_CACHE_SLOTS, (0, 0));
                }
                f(&mut cache)
            }
            Err(_) => f(&mut vec![(0, 0); TERM_CACHE_SLOTS]),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    #[test]
    fn stopword_list_is_sorted_for_binary_search() {
        assert!(
            STOPWORDS.windows(2).all(|w| w[0] < w[1]),
            "STOPWORDS must stay sorted"
        );
    }

    #[test]
    fn sentences_and_lines_become_units() {
        let text =
            "Heading line\nThe ministers met in Astana. They signed agreements on transport.";
        let ex = UnitExtractor::new(UnitParams::default());
        let units = ex.units(text, &normalize(text));
        assert_eq!(units.len(), 3);
        assert_eq!(
            &text[units[1].start as usize..units[1].end as usize],
            "The ministers met in Astana"
        );
    }

    #[test]
    fn rewording_keeps_content_terms() {
        let ex = UnitExtractor::new(UnitParams::default());
        let a = "The ministers signed agreements on transport.";
        let b = "Agreements on transportation were signed by the minister.";
        let ua = &ex.units(a, &normalize(a))[0];
        let ub = &ex.units(b, &normalize(b))[0];
        assert_eq!(ua.terms, ub.terms);
    }

    #[test]
    fn numbers_and_names_weigh_more() {
        let ex = UnitExtractor::new(UnitParams::default());
        let text = "Revenue at Google rose to $86m.";
        let u = &ex.units(text, &normalize(text))[0];
        let weight_of =
            |w: &str| u.weights[u.terms.iter().position(|&t| Some(t) == ex.term(w)).unwrap()];
        assert_eq!(weight_of("86m"), 3);
        assert_eq!(weight_of("google"), 2);
        assert_eq!(
            weight_of("revenue"),
            1,
            "sentence-initial capital is not a name"
        );
    }

    #[test]
    fn bigrams_follow_content_word_order() {
        let ex = UnitExtractor::new(UnitParams::default());
        let a = "The minister signed. The deal was big.";
        let b = "The deal was big. The minister signed.";
        let (ua, ub) = (ex.units(a, &normalize(a)), ex.units(b, &normalize(b)));
        let (ba, bb) = (content_bigrams(&ua), content_bigrams(&ub));
        assert_eq!(ba.len(), 3);
        assert_eq!(crate::shingle::sorted_intersection_len(&ba, &bb), 2);
        assert_eq!(
            ex.bigrams(&normalize(a)),
            ba,
            "whole-text bigrams equal the units' bigrams"
        );
    }

    #[test]
    fn long_sentences_are_windowed() {
        let text = "word ".repeat(200);
        let ex = UnitExtractor::new(UnitParams { max_tokens: 50 });
        let units = ex.units(&text, &normalize(&text));
        assert_eq!(units.len(), 4);
        assert!(units.iter().all(|u| u.tokens() == 50));
    }
}
