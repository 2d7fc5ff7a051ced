//! Sentence vectors: a document cut into sentences, each embedded as the
//! normalized mean of its tokens' rows.

use std::cell::RefCell;
use std::ops::ControlFlow;

use ahash::AHashMap;

use super::model::StaticModel;

/// Words whose tokens a thread keeps (about 12 MB); past this the cache
/// starts again, so a corpus of made-up words cannot grow it without
/// bound.
const CACHE_WORDS: usize = 1 << 18;

/// Sentences of fewer words carry too little meaning to align.
pub const MIN_WORDS: usize = 4;

/// A document's sentences and their vectors.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentenceVectors {
    /// Byte range of each sentence in the document's text.
    pub spans: Vec<[u32; 2]>,
    /// Words of each sentence.
    pub words: Vec<u32>,
    /// `spans.len() × dims` unit vectors.
    pub vectors: Vec<f32>,
    /// Dimensions of a vector.
    pub dims: usize,
}

impl SentenceVectors {
    /// Number of sentences.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no sentence is long enough to embed.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Vector of sentence `i`.
    pub fn vector(&self, i: usize) -> &[f32] {
        &self.vectors[i * self.dims..(i + 1) * self.dims]
    }

    /// Words in all sentences.
    pub fn total_words(&self) -> u64 {
        self.words.iter().map(|&w| w as u64).sum()
    }
}

/// Byte ranges of the sentences of `text`: a sentence ends at `.`, `!`,
/// `?` (and their CJK, Arabic-script and Devanagari forms) before a space
/// or the end, or at a line break. Ranges are trimmed of whitespace.
pub fn sentence_spans(text: &str) -> Vec<[usize; 2]> {
    let mut out = Vec::new();
    visit_spans(text, |span| {
        out.push(span);
        ControlFlow::Continue(())
    });
    out
}

/// Calls `visit` with each sentence's range, as [`sentence_spans`] cuts
/// them, until it breaks.
fn visit_spans(text: &str, mut visit: impl FnMut([usize; 2]) -> ControlFlow<()>) {
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mut end = i + c.len_utf8();
        let ends = match c {
            '\n' => true,
            '.' | '!' | '?' | '…' => {
                // Closing quotes and brackets belong to the sentence:
                // `he said: “Help me.” Then` ends after the quote.
                while let Some(&(k, q)) = chars.peek() {
                    if !matches!(q, '"' | '\'' | '”' | '’' | '»' | ')' | ']') {
                        break;
                    }
                    end = k + q.len_utf8();
                    chars.next();
                }
                chars.peek().is_none_or(|&(_, n)| n.is_whitespace())
            }
            '。' | '！' | '？' | '｡' | '۔' | '؟' | '।' | '॥' => true,
            _ => false,
        };
        if ends || chars.peek().is_none() {
            if let Some(span) = trimmed(text, start, end) {
                if visit(span).is_break() {
                    return;
                }
            }
            start = end;
        }
    }
}

/// The sentences [`embed`] embeds: those of at least [`MIN_WORDS`] words,
/// as byte ranges with their word counts.
pub fn sentences(text: &str) -> Vec<([usize; 2], u32)> {
    sentences_up_to(text, usize::MAX).unwrap_or_default()
}

/// [`sentences`], or `None` as soon as there are more than `max`: a text
/// too long for a rule is not cut to its end.
pub fn sentences_up_to(text: &str, max: usize) -> Option<Vec<([usize; 2], u32)>> {
    let mut out = Vec::new();
    let mut over = false;
    visit_spans(text, |[s, e]| {
        let words = text[s..e].split_whitespace().count();
        if words >= MIN_WORDS {
            if out.len() == max {
                over = true;
                return ControlFlow::Break(());
            }
            out.push(([s, e], words as u32));
        }
        ControlFlow::Continue(())
    });
    (!over).then_some(out)
}

/// The range of `text[start..end]` without its surrounding whitespace, if
/// anything is left.
fn trimmed(text: &str, start: usize, end: usize) -> Option<[usize; 2]> {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let len = piece.trim().len();
    (len > 0).then_some([start + lead, start + lead + len])
}

thread_local! {
    /// Per-thread memo of word tokens: (model id, word hash → range in
    /// `ids`). Keys are 64-bit hashes, not the words: two words of one
    /// cache colliding is a one-in-10^9 event, and costs one word's vector.
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::default());
}

#[derive(Default)]
struct WordCache {
    model: u64,
    words: AHashMap<u64, (u32, u32)>,
    ids: Vec<u32>,
}

/// Calls `visit` with each token of `word` (memoized per thread).
fn word_tokens(
    model: &StaticModel,
    cache: &mut WordCache,
    word: &str,
    visit: &mut impl FnMut(u32),
) {
    let key = xxhash_rust::xxh3::xxh3_64(word.as_bytes());
    let (from, len) = match cache.words.get(&key) {
        Some(&r) => r,
        None => {
            if cache.words.len() >= CACHE_WORDS {
                cache.words.clear();
                cache.ids.clear();
            }
            let from = cache.ids.len();
            model.word_tokens(word, &mut cache.ids);
            let r = (from as u32, (cache.ids.len() - from) as u32);
            cache.words.insert(key, r);
            r
        }
    };
    for &id in &cache.ids[from as usize..(from + len) as usize] {
        visit(id);
    }
}

/// Calls `visit` with each token of each whitespace-separated word of
/// `sentence`, as [`embed_sentences`] reads them.
pub fn sentence_tokens(model: &StaticModel, sentence: &str, mut visit: impl FnMut(u32)) {
    CACHE.with_borrow_mut(|cache| {
        cache.use_model(model);
        for w in sentence.split_whitespace() {
            word_tokens(model, cache, w, &mut visit);
        }
    });
}

impl WordCache {
    fn use_model(&mut self, model: &StaticModel) {
        if self.model != model.id() {
            *self = WordCache {
                model: model.id(),
                ..Default::default()
            };
        }
    }
}

/// Embeds the sentences of `text` of at least [`MIN_WORDS`] words.
pub fn embed(model: &StaticModel, text: &str) -> SentenceVectors {
    embed_sentences(model, text, &sentences(text))
}

/// Embeds the given [`sentences`] of `text` (a sentence of no token of the
/// model is left out).
pub fn embed_sentences(
    model: &StaticModel,
    text: &str,
    sentences: &[([usize; 2], u32)],
) -> SentenceVectors {
    let dims = model.dims();
    let mut out = SentenceVectors {
        dims,
        ..Default::default()
    };
    let mut sum = vec![0f32; dims];
    for &([s, e], words) in sentences {
        sum.iter_mut().for_each(|x| *x = 0.0);
        let mut tokens = 0;
        sentence_tokens(model, &text[s..e], |id| {
            model.add_row(id, &mut sum);
            tokens += 1;
        });
        let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
        if tokens == 0 || norm == 0.0 {
            continue;
        }
        out.spans.push([s as u32, e as u32]);
        out.words.push(words);
        out.vectors.extend(sum.iter().map(|x| x / norm));
    }
    out
}

/// `sum += row × scale`, element by element (a quantized token row into a
/// sentence's sum). On AVX2 it runs eight lanes at a time with the same
/// operations in the same order (no fused multiply-add), so the sums are
/// bit for bit those of the portable loop.
pub fn add_scaled(sum: &mut [f32], row: &[i8], scale: f32) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { simd::add_scaled_avx2(sum, row, scale) };
    }
    add_scaled_portable(sum, row, scale);
}

/// `sum += row`, element by element, as [`add_scaled`] dispatches.
pub fn add(sum: &mut [f32], row: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { simd::add_avx2(sum, row) };
    }
    add_portable(sum, row);
}

#[inline(always)]
fn add_scaled_portable(sum: &mut [f32], row: &[i8], scale: f32) {
    for (s, &q) in sum.iter_mut().zip(row) {
        *s += q as f32 * scale;
    }
}

#[inline(always)]
fn add_portable(sum: &mut [f32], row: &[f32]) {
    for (s, &r) in sum.iter_mut().zip(row) {
        *s += r;
    }
}

/// The portable loops compiled for AVX2 (the release binary is built for
/// any x86-64, like the sketch's own AVX2 path).
#[cfg(target_arch = "x86_64")]
mod simd {
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn add_scaled_avx2(sum: &mut [f32], row: &[i8], scale: f32) {
        super::add_scaled_portable(sum, row, scale)
    }

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn add_avx2(sum: &mut [f32], row: &[f32]) {
        super::add_portable(sum, row)
    }
}

/// Dot product of two vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight lanes, so the compiler vectorizes it.
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatched_sums_are_bit_for_bit_the_portable_ones() {
        let mut next = crate::test_support::xorshift(0x2545_f491_4f6c_dd1d);
        for len in [0, 1, 7, 8, 9, 128, 131, 192] {
            let row: Vec<i8> = (0..len).map(|_| next() as i8).collect();
            let floats: Vec<f32> = (0..len)
                .map(|_| (next() >> 40) as f32 / 3e5 - 27.0)
                .collect();
            let scale = (next() >> 40) as f32 / 1e9;
            let start: Vec<f32> = (0..len)
                .map(|_| (next() >> 40) as f32 / 7e4 - 100.0)
                .collect();
            let (mut fast, mut slow) = (start.clone(), start.clone());
            add_scaled(&mut fast, &row, scale);
            add_scaled_portable(&mut slow, &row, scale);
            assert_eq!(bits(&fast), bits(&slow), "add_scaled, {len}");
            let (mut fast, mut slow) = (start.clone(), start);
            add(&mut fast, &floats);
            add_portable(&mut slow, &floats);
            assert_eq!(bits(&fast), bits(&slow), "add, {len}");
        }
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn sentences_up_to_stops_past_the_maximum() {
        let t = "One two three four. Five six seven eight. Short. Nine ten eleven twelve.";
        let all = sentences(t);
        assert_eq!(all.len(), 3, "the short sentence is left out");
        assert_eq!(sentences_up_to(t, 3), Some(all.clone()));
        assert_eq!(sentences_up_to(t, 2), None);
        assert_eq!(sentences_up_to("", 0), Some(Vec::new()));
    }

    #[test]
    fn sentences_end_at_stops_and_lines() {
        let t = "One two three. Four “five six!” Seven\neight 3.5 nine\n\n  Ten.";
        let spans: Vec<&str> = sentence_spans(t).iter().map(|&[s, e]| &t[s..e]).collect();
        assert_eq!(
            spans,
            vec![
                "One two three.",
                "Four “five six!”",
                "Seven",
                "eight 3.5 nine",
                "Ten."
            ]
        );
        assert!(sentence_spans("").is_empty());
        assert!(sentences(t).is_empty());
        assert_eq!(
            sentences("One two three four. Five six. Seven eight nine ten."),
            vec![([0, 19], 4), ([30, 51], 4)]
        );
        assert_eq!(sentence_spans("東京です。大阪です。").len(), 2);
    }

    #[test]
    fn vectors_are_unit_length_and_short_sentences_are_skipped() {
        let m = StaticModel::builtin();
        let v = embed(
            m,
            "Too short. The committee approved the new budget for schools today.",
        );
        assert_eq!(v.len(), 1);
        let n: f32 = v.vector(0).iter().map(|x| x * x).sum();
        assert!((n - 1.0).abs() < 1e-4);
    }

    #[test]
    fn paraphrases_are_closer_than_unrelated_sentences() {
        let m = StaticModel::builtin();
        let a = embed(m, "The government raised taxes on imported cars last year.");
        let b = embed(
            m,
            "Last year the state increased the levy on foreign vehicles.",
        );
        let c = embed(m, "My grandmother bakes bread with rye flour every Sunday.");
        let ab = dot(a.vector(0), b.vector(0));
        let ac = dot(a.vector(0), c.vector(0));
        assert!(ab > ac + 0.1, "{ab} vs {ac}");
    }
}
