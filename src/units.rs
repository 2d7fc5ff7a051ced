//! Content units for the rewrite tier: a document cut into sentences (long
//! sentences into windows), each reduced to the set of its content terms
//! (the document language's stopwords dropped, words stemmed where Snowball
//! has the language, numbers and names kept; see [`crate::language`]). A rewrite changes the wording between the facts but keeps most
//! content terms of each sentence, so units of a rewrite and its source
//! overlap even when no 5-word run survives.

use crate::hash::stable_hash;
use crate::language::{profile, Profile};
use crate::normalize::NormalizedText;

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

/// True for a normalized English word that carries no content.
pub fn is_stopword(word: &str) -> bool {
    static ENGLISH: std::sync::LazyLock<Stopwords> =
        std::sync::LazyLock::new(|| Stopwords::new(STOPWORDS.iter().copied()));
    ENGLISH.contains(word)
}

/// A stopword list, looked up fast: most words are short, and those are
/// integers in an open-addressing table (one multiply and usually one
/// compare; a binary search of the sorted keys mispredicted a branch per
/// step, and a string search spent its time in `memcmp`); longer ones by a
/// binary search of the strings.
#[derive(Debug, Clone, Default)]
pub struct Stopwords {
    /// The words of up to eight bytes as [`packed`] keys, by hash with
    /// linear probing; a slot of length 0 is empty (no word is empty).
    short: Vec<(u64, u8)>,
    /// `64 - log2(short.len())`: the hash's top bits index the table.
    shift: u32,
    /// The longer words, sorted.
    long: Vec<String>,
}

impl Stopwords {
    /// The set of `words` (repeats allowed).
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut keys = Vec::new();
        let mut long = Vec::new();
        for w in words.into_iter().filter(|w| !w.is_empty()) {
            match packed(w) {
                Some(key) => keys.push(key),
                None => long.push(w.to_string()),
            }
        }
        keys.sort_unstable();
        keys.dedup();
        long.sort_unstable();
        long.dedup();
        // At most a quarter full: probes stay short for words not in the
        // set, which are most words looked up.
        let slots = (keys.len() * 4).next_power_of_two().max(16);
        let mut set = Stopwords {
            short: vec![(0, 0); slots],
            shift: 64 - slots.trailing_zeros(),
            long,
        };
        for key in keys {
            let mut i = set.slot(key.0);
            while set.short[i].1 != 0 {
                i = (i + 1) & (slots - 1);
            }
            set.short[i] = key;
        }
        set
    }

    /// The home slot of a packed word.
    #[inline]
    fn slot(&self, packed: u64) -> usize {
        (packed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Whether `word` is one of the set.
    pub fn contains(&self, word: &str) -> bool {
        match packed(word) {
            Some(_) if word.is_empty() || self.short.is_empty() => false,
            Some(key) => {
                let mask = self.short.len() - 1;
                let mut i = self.slot(key.0);
                loop {
                    let s = self.short[i];
                    if s == key {
                        return true;
                    }
                    if s.1 == 0 {
                        return false;
                    }
                    i = (i + 1) & mask;
                }
            }
            None => self.long.binary_search_by(|w| w.as_str().cmp(word)).is_ok(),
        }
    }
}

/// A word of up to eight bytes as an integer and its length (the length
/// keeps `"a"` and `"a\0"` apart).
fn packed(word: &str) -> Option<(u64, u8)> {
    let bytes = word.as_bytes();
    (bytes.len() <= 8).then(|| {
        let mut b = [0u8; 8];
        b[..bytes.len()].copy_from_slice(bytes);
        (u64::from_le_bytes(b), bytes.len() as u8)
    })
}

/// Extracts content-term units of one language. Cheap to make (one per
/// document is fine): the stopwords and stemmer are built once per language.
pub struct UnitExtractor {
    language: &'static Profile,
    params: UnitParams,
    memo_hasher: ahash::RandomState,
    memo_salt: u64,
}

impl UnitExtractor {
    /// A new extractor for English (and undetermined) text.
    pub fn new(params: UnitParams) -> Self {
        UnitExtractor::for_language(params, "en")
    }

    /// A new extractor for the language `code` (see [`profile`]).
    pub fn for_language(params: UnitParams, code: &str) -> Self {
        let language = profile(code);
        UnitExtractor {
            language,
            params,
            memo_hasher: memo_hasher(),
            memo_salt: language.memo_salt(),
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

    /// The content term of token `i` of `norm`. A character of a script
    /// written without spaces (Han, Kana, Thai, ...) is no word on its own:
    /// its term is the pair it forms with the character right before it
    /// (most Chinese words are two characters), when both carry content and
    /// nothing stands between them. Single characters shared by unrelated
    /// texts on one topic (州, 城, 江) are no evidence; pairs (苏州, 长江)
    /// are, as words are in spaced scripts.
    #[inline]
    fn token_term(
        &self,
        cache: &mut [(u64, u64)],
        keys: &[u64],
        norm: &NormalizedText,
        i: usize,
    ) -> Option<u64> {
        let word = norm.word(i);
        let own = self.cached_term_keyed(cache, keys[i], word)?;
        if !is_unspaced_character(word) {
            return Some(own);
        }
        let prev = norm.word(i.checked_sub(1)?);
        if !is_unspaced_character(prev) || norm.tokens[i - 1].end != norm.tokens[i].start {
            return None;
        }
        self.cached_term_keyed(cache, keys[i - 1], prev)?;
        let pair = norm.span(i - 1, i + 1);
        self.cached_term_keyed(cache, self.memo_key(pair.as_bytes()), pair)
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
                // Moved to the front by a swap: near enough to most
                // recently used first, without a rotation per hit.
                set.swap(0, way);
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
        // The memo is shared by the languages of a thread's documents: the
        // salt keeps one language's terms from answering for another's.
        let key = if word.len() <= SHORT_WORD {
            let mut padded = [0u8; SHORT_WORD];
            padded[..word.len()].copy_from_slice(word);
            short_word_key(u128::from_le_bytes(padded), word.len())
        } else {
            self.memo_hasher.hash_one(word)
        };
        key ^ self.memo_salt
    }

    /// The memo keys of all words of a text, in order: [`memo_key`] of
    /// each, where a short word is read as sixteen bytes of the text at
    /// once and masked to its length (no copy of a few bytes per word).
    ///
    /// [`memo_key`]: UnitExtractor::memo_key
    fn memo_keys(&self, norm: &NormalizedText) -> Vec<u64> {
        let bytes = norm.norm.as_bytes();
        norm.tokens
            .iter()
            .map(|t| {
                let (start, end) = (t.norm_start as usize, t.norm_end as usize);
                let len = end - start;
                match bytes.get(start..start + SHORT_WORD) {
                    Some(sixteen) if len < SHORT_WORD => {
                        let mut window = [0u8; SHORT_WORD];
                        window.copy_from_slice(sixteen);
                        let word = u128::from_le_bytes(window) & ((1u128 << (8 * len)) - 1);
                        short_word_key(word, len) ^ self.memo_salt
                    }
                    _ => self.memo_key(&bytes[start..end]),
                }
            })
            .collect()
    }

    fn term_uncached(&self, word: &str) -> Option<u64> {
        if self.language.is_stopword(word) {
            return None;
        }
        Some(stable_hash(self.language.stem(word).as_bytes(), TERM_SEED))
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
            for i in 0..keys.len() {
                if let Some(&ahead) = keys.get(i + PREFETCH_AHEAD) {
                    prefetch_slot(cache, ahead);
                }
                if let Some(t) = self.token_term(cache, &keys, norm, i) {
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
        self.units_without(text, norm, &[])
    }

    /// [`UnitExtractor::units`], where the sentences numbered in
    /// `boilerplate` (sorted, indices into [`sentences`]) keep their units
    /// but no content terms: they can neither seed a passage nor count in a
    /// window or a bigram.
    pub fn units_without(
        &self,
        text: &str,
        norm: &NormalizedText,
        boilerplate: &[u32],
    ) -> Vec<Unit> {
        with_term_cache(|cache| self.units_with(cache, text, norm, boilerplate))
    }

    fn units_with(
        &self,
        cache: &mut [(u64, u64)],
        text: &str,
        norm: &NormalizedText,
        boilerplate: &[u32],
    ) -> Vec<Unit> {
        let keys = self.memo_keys(norm);
        let mut units = Vec::new();
        let mut skip = boilerplate.iter().peekable();
        for (s, (first, next)) in sentences(text, norm).into_iter().enumerate() {
            let empty = skip.next_if(|&&b| b as usize == s).is_some();
            let mut from = first;
            while from < next {
                let to = (from + self.params.max_tokens).min(next);
                // Avoid a tiny tail window: fold it into this one.
                let to = if next - to < self.params.max_tokens / 4 {
                    next
                } else {
                    to
                };
                let mut unit = self.unit(cache, &keys, text, norm, from, to);
                if empty {
                    unit.terms.clear();
                    unit.weights.clear();
                    unit.sequence.clear();
                }
                units.push(unit);
                from = to;
            }
        }
        units
    }

    /// The content bigrams of a text sentence by sentence, with each
    /// sentence's hash: the collection decides later which sentences are
    /// boilerplate ([`SentenceBigrams::finish`]).
    pub fn sentence_bigrams(&self, text: &str, norm: &NormalizedText) -> SentenceBigrams {
        let mut pieces = Vec::with_capacity(norm.len());
        let spans = sentences(text, norm);
        let mut out = Vec::with_capacity(spans.len());
        with_term_cache(|cache| {
            let keys = self.memo_keys(norm);
            let mut prev: Option<u64> = None;
            for &(first, next) in &spans {
                let mut s = SentenceTerms {
                    hash: sentence_hash(norm, first, next),
                    from: pieces.len() as u32,
                    to: 0,
                    first: None,
                    last: 0,
                    joins_previous: false,
                };
                for i in first..next {
                    if let Some(&ahead) = keys.get(i + PREFETCH_AHEAD) {
                        prefetch_slot(cache, ahead);
                    }
                    if let Some(t) = self.token_term(cache, &keys, norm, i) {
                        if let Some(p) = prev {
                            pieces.push(bigram(p, t));
                        }
                        if s.first.is_none() {
                            s.first = Some(t);
                            s.joins_previous = prev.is_some();
                        }
                        s.last = t;
                        prev = Some(t);
                    }
                }
                s.to = pieces.len() as u32;
                out.push(s);
            }
        });
        SentenceBigrams {
            pieces,
            sentences: out,
        }
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
            if let Some(term) = self.token_term(cache, keys, norm, i) {
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

/// True for a token that is one character of a script written without
/// spaces (see [`crate::normalize::is_unspaced_script`]).
#[inline]
fn is_unspaced_character(word: &str) -> bool {
    // Those scripts' characters take three or four bytes in UTF-8: most
    // words fail on their length or first byte without being decoded.
    let b = word.as_bytes();
    if !(3..=4).contains(&b.len()) || b[0] < 0xE0 {
        return false;
    }
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if crate::normalize::is_unspaced_script(c))
}

/// Seed of the content-bigram hash (the bytes "dedup-b1").
pub const BIGRAM_SEED: u64 = 0x6465_6475_702d_6231;

/// Seed of the sentence hash (the bytes "dedup-l1").
pub const SENTENCE_SEED: u64 = 0x6465_6475_702d_6c31;

/// The hash of the normalized text of tokens `from..to`: equal for two
/// sentences that read the same after normalization (case, width, spacing
/// and punctuation folded).
pub fn sentence_hash(norm: &NormalizedText, from: usize, to: usize) -> u64 {
    stable_hash(norm.span(from, to).as_bytes(), SENTENCE_SEED)
}

/// One sentence's share of [`SentenceBigrams`].
#[derive(Debug, Clone)]
struct SentenceTerms {
    /// [`sentence_hash`] of the sentence.
    hash: u64,
    /// Its bigrams' range in the pieces: each bigram belongs to the sentence
    /// of its second term.
    from: u32,
    to: u32,
    /// Its first and last content term (`first` is `None` for a sentence
    /// of stopwords only).
    first: Option<u64>,
    last: u64,
    /// Whether its first bigram joins the last term of an earlier sentence.
    joins_previous: bool,
}

/// The content bigrams of a document, kept by sentence until the collection
/// has said which sentences are boilerplate.
#[derive(Debug, Clone, Default)]
pub struct SentenceBigrams {
    pieces: Vec<u64>,
    sentences: Vec<SentenceTerms>,
}

impl SentenceBigrams {
    /// The hash of each sentence, in text order.
    pub fn sentence_hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.sentences.iter().map(|s| s.hash)
    }

    /// The sorted, unique content bigrams of the text without its
    /// boilerplate sentences (those whose hash `is_boilerplate` accepts),
    /// and the indices of those sentences. Bigrams join the content terms
    /// either side of a dropped sentence, as [`content_bigrams`] does over
    /// the units of [`UnitExtractor::units_without`].
    pub fn finish(self, is_boilerplate: impl Fn(u64) -> bool) -> (Vec<u64>, Vec<u32>) {
        let dropped: Vec<u32> = (0..self.sentences.len() as u32)
            .filter(|&i| is_boilerplate(self.sentences[i as usize].hash))
            .collect();
        let mut out = if dropped.is_empty() {
            self.pieces
        } else {
            let mut out = Vec::with_capacity(self.pieces.len());
            let mut prev: Option<u64> = None;
            let mut skip = dropped.iter().peekable();
            for (i, s) in self.sentences.iter().enumerate() {
                if skip.next_if(|&&d| d as usize == i).is_some() {
                    continue;
                }
                let Some(first) = s.first else { continue };
                let own = &self.pieces[s.from as usize..s.to as usize];
                let inner = if s.joins_previous { &own[1..] } else { own };
                if let Some(p) = prev {
                    out.push(bigram(p, first));
                }
                out.extend_from_slice(inner);
                prev = Some(s.last);
            }
            out
        };
        out.sort_unstable();
        out.dedup();
        // Kept for the whole run: give back the room of the repeats.
        out.shrink_to_fit();
        (out, dropped)
    }
}

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
/// two tokens holds a line break or sentence-final punctuation (Latin,
/// CJK 。！？｡, Urdu ۔, Arabic ؟, Devanagari । ॥). Working on
/// the gaps is linear and much cheaper than full UAX#29 sentence rules,
/// which give the same cuts on prose; headings and list items, which often
/// end without punctuation, end at their line break.
pub fn sentences(text: &str, norm: &NormalizedText) -> Vec<(usize, usize)> {
    let tokens = &norm.tokens;
    // Sentences run to a dozen words or more: a guess that saves most of
    // the vector's growth.
    let mut out = Vec::with_capacity(tokens.len() / 12 + 1);
    let mut first = 0;
    for i in 1..tokens.len() {
        let gap = &text.as_bytes()[tokens[i - 1].end as usize..tokens[i].start as usize];
        // Most gaps are one space: no test of their bytes.
        if gap == b" " {
            continue;
        }
        let ends = gap.iter().any(|&b| matches!(b, b'.' | b'!' | b'?' | b'\n'))
            || (!gap.is_ascii()
                && std::str::from_utf8(gap)
                    .is_ok_and(|g| g.contains(['。', '！', '？', '…', '｡', '۔', '؟', '।', '॥'])));
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

/// Words of up to this many bytes get their memo key from
/// [`short_word_key`]; longer ones from the general hasher.
const SHORT_WORD: usize = 16;

/// The memo key of a word of at most [`SHORT_WORD`] bytes, given as its
/// bytes zero-padded (little-endian) and its length: two folded 64x64-bit
/// multiplies (wyhash's mixing for short inputs), a third of the general
/// hasher's time on words this short.
#[inline]
fn short_word_key(word: u128, len: usize) -> u64 {
    const K0: u64 = 0xa076_1d64_78bd_642f;
    const K1: u64 = 0xe703_7ed1_a0b4_28db;
    const K2: u64 = 0x8ebc_6af0_9c88_c6e3;
    let fold = |a: u64, b: u64| {
        let r = (a as u128) * (b as u128);
        (r as u64) ^ ((r >> 64) as u64)
    };
    fold(
        fold(word as u64 ^ K0, (word >> 64) as u64 ^ K1) ^ len as u64,
        K2,
    )
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
    fn packed_stopword_lookup_equals_the_list() {
        for w in STOPWORDS {
            assert!(is_stopword(w), "{w}");
            let longer = format!("{w}s");
            assert_eq!(is_stopword(&longer), STOPWORDS.contains(&longer.as_str()));
            assert!(!is_stopword(&format!("{w}\0")));
        }
        for w in [
            "",
            "a\0",
            "thee",
            "x",
            "abcdefgh",
            "abcdefghi",
            "themselvesx",
        ] {
            assert_eq!(is_stopword(w), STOPWORDS.contains(&w), "{w:?}");
        }
        // Words of several bytes a character, either side of eight bytes.
        let list = ["и", "было", "между", "کے", "میں", "में", "的"];
        let set = Stopwords::new(list);
        for w in list {
            assert!(set.contains(w), "{w}");
            assert!(!set.contains(&format!("{w}a")), "{w}a");
        }
        assert!(!set.contains("") && !set.contains("бы"));
    }

    proptest::proptest! {
        /// A text's memo keys, read sixteen bytes at a time, are each
        /// word's own key, whatever the word's length or place.
        #[test]
        fn memo_keys_equal_each_words_key(text in "([a-z]{1,20}|[0-9]{1,3}|é|日)( [a-z]{1,20}| [0-9]{1,3}| é| 日){0,40}") {
            let norm = normalize(&text);
            let ex = UnitExtractor::new(UnitParams::default());
            let keys = ex.memo_keys(&norm);
            for (i, key) in keys.iter().enumerate() {
                proptest::prop_assert_eq!(*key, ex.memo_key(norm.word(i).as_bytes()), "{}", norm.word(i));
            }
            let distinct: std::collections::BTreeSet<&str> = (0..norm.len()).map(|i| norm.word(i)).collect();
            let keyed: std::collections::BTreeSet<u64> = keys.iter().copied().collect();
            proptest::prop_assert_eq!(distinct.len(), keyed.len());
        }
    }

    proptest::proptest! {
        /// The hashed table answers as the list does, for words in it and
        /// near misses, whatever the list's size.
        #[test]
        fn stopword_table_equals_a_set(
            words in proptest::collection::vec("[a-d]{1,10}", 0..200),
            probes in proptest::collection::vec("[a-d]{0,10}", 0..200),
        ) {
            let set = Stopwords::new(words.iter().map(String::as_str));
            let truth: std::collections::BTreeSet<&str> = words.iter().map(String::as_str).collect();
            for w in words.iter().chain(&probes) {
                proptest::prop_assert_eq!(set.contains(w), truth.contains(w.as_str()), "{}", w);
            }
        }
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
    fn sentence_bigrams_equal_whole_text_bigrams_and_drop_boilerplate_like_units() {
        let text = "(dpa)\nThe minister signed the transport deal in Astana. \
                    Read more: news from the region every day on our front page.\n\
                    Officials said the deal covers rail and road freight.";
        let norm = normalize(text);
        let ex = UnitExtractor::new(UnitParams::default());
        let (all, none) = ex.sentence_bigrams(text, &norm).finish(|_| false);
        assert!(none.is_empty());
        assert_eq!(all, ex.bigrams(&norm));
        let hashes: Vec<u64> = ex.sentence_bigrams(text, &norm).sentence_hashes().collect();
        assert_eq!(hashes.len(), 4);
        let boilerplate = [hashes[0], hashes[2]];
        let (kept, dropped) = ex
            .sentence_bigrams(text, &norm)
            .finish(|h| boilerplate.contains(&h));
        assert_eq!(dropped, vec![0, 2]);
        let units = ex.units_without(text, &norm, &dropped);
        assert_eq!(kept, content_bigrams(&units));
        assert!(kept.len() < all.len());
        assert!(units[0].terms.is_empty() && units[2].terms.is_empty());
        assert!(!units[1].terms.is_empty() && !units[3].terms.is_empty());
    }

    #[test]
    fn sentences_end_at_urdu_hindi_and_chinese_full_stops() {
        for (code, text) in [
            ("ur", "لاہور ایک بڑا شہر ہے۔ کراچی ایک بندرگاہ ہے۔"),
            ("hi", "वाराणसी एक प्राचीन शहर है। लखनऊ राजधानी है।"),
            ("zh", "苏州位于江苏省南部。杭州位于浙江省北部。"),
        ] {
            let ex = UnitExtractor::for_language(UnitParams::default(), code);
            assert_eq!(ex.units(text, &normalize(text)).len(), 2, "{code}");
        }
    }

    #[test]
    fn urdu_function_words_make_no_content_bigrams() {
        // Two unrelated sentences that share only grammar: کے، میں، نے، سے.
        let a = "کھلاڑی نے میچ میں سنچری بنائی اور ٹیم کے کپتان سے بات کی۔";
        let b = "وزیر نے اجلاس میں بجٹ پیش کیا اور عوام کے نمائندوں سے خطاب کیا۔";
        let ur = UnitExtractor::for_language(UnitParams::default(), "ur");
        let (ba, bb) = (ur.bigrams(&normalize(a)), ur.bigrams(&normalize(b)));
        assert_eq!(crate::shingle::sorted_intersection_len(&ba, &bb), 0);
        assert!(ur.term("میں").is_none() && ur.term("کھلاڑی").is_some());
    }

    #[test]
    fn chinese_terms_are_character_pairs() {
        let zh = UnitExtractor::for_language(UnitParams::default(), "zh");
        // 的 is a stopword: 苏州 and 园林 are terms, 州的 and 的园 are not.
        let text = "苏州的园林";
        let u = &zh.units(text, &normalize(text))[0];
        assert_eq!(u.sequence.len(), 2);
        // Two texts sharing characters but no character pair share no term.
        let (a, b) = ("州城江", "城州江");
        let (ua, ub) = (
            &zh.units(a, &normalize(a))[0],
            &zh.units(b, &normalize(b))[0],
        );
        assert_eq!(
            crate::shingle::sorted_intersection_len(&ua.terms, &ub.terms),
            0
        );
        let text = "长江三峡。长江上游";
        let units = zh.units(text, &normalize(text));
        assert_eq!(
            crate::shingle::sorted_intersection_len(&units[0].terms, &units[1].terms),
            1,
            "长江 in both sentences"
        );
        assert_eq!(zh.bigrams(&normalize(text)), content_bigrams(&units));
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
