//! Normalization: Unicode NFKC + lowercase, punctuation and whitespace
//! folded, tokens split by UAX#29 word boundaries. Every token keeps its byte
//! range in the original text so later stages can point back into the file.
//!
//! Scripts written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) are
//! split into one token per character, so shingles over them are character
//! n-grams.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// One normalized word with its place in both texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the token in the original text.
    pub start: u32,
    /// Byte offset one past the token in the original text.
    pub end: u32,
    /// Byte offset of the normalized form in [`NormalizedText::norm`].
    pub norm_start: u32,
    /// Byte offset one past the normalized form.
    pub norm_end: u32,
}

/// A document's text as normalized tokens.
#[derive(Debug, Clone, Default)]
pub struct NormalizedText {
    /// The normalized tokens joined by single spaces. A run of tokens is a
    /// contiguous slice of this string, which is what shingles hash.
    pub norm: String,
    /// The tokens in text order.
    pub tokens: Vec<Token>,
}

impl NormalizedText {
    /// The normalized form of token `i`.
    pub fn word(&self, i: usize) -> &str {
        let t = self.tokens[i];
        &self.norm[t.norm_start as usize..t.norm_end as usize]
    }

    /// The normalized text of tokens `from..to` (exclusive), space-joined.
    pub fn span(&self, from: usize, to: usize) -> &str {
        if from >= to {
            return "";
        }
        let a = self.tokens[from].norm_start as usize;
        let b = self.tokens[to - 1].norm_end as usize;
        &self.norm[a..b]
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when the text has no tokens.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// True for characters of scripts that are written without spaces between
/// words, where UAX#29 gives runs too long to be useful tokens.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F  // CJK Extensions B..
    )
}

/// Normalizes `text` into tokens. Offsets are `u32`: documents are capped
/// well below 4 GiB by the input stage.
///
/// ASCII stretches take a byte-table fast path that implements the UAX#29
/// word rules for ASCII (tested against `unicode-segmentation`); the rest
/// goes through the full segmenter. The split between the two is only made
/// where UAX#29 always breaks and looks no further: after ASCII whitespace
/// followed by another ASCII character (see [`is_region_start`]).
pub fn normalize(text: &str) -> NormalizedText {
    let mut out = NormalizedText {
        // Room for the text and one word copy's overrun: an ASCII text
        // never needs more (see `ascii_words`), and a second allocation of
        // twice the size would double the memory normalized texts hold.
        norm: String::with_capacity(text.len() + ASCII_SLACK),
        tokens: Vec::with_capacity(text.len() / 5),
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let Some(q) = first_non_ascii(bytes, pos) else {
            ascii_words(text, pos, bytes.len(), &mut out);
            break;
        };
        let start = (pos + 1..=q)
            .rev()
            .find(|&p| is_region_start(bytes, p))
            .unwrap_or(pos);
        let end = (q + 1..bytes.len())
            .find(|&p| is_region_start(bytes, p))
            .unwrap_or(bytes.len());
        ascii_words(text, pos, start, &mut out);
        unicode_words(text, start, end, &mut out);
        pos = end;
    }
    // The ASCII words were copied as they are: one pass lowercases them
    // all (every other token is lowercase already, NFKC then
    // `to_lowercase`, and the pass leaves non-ASCII bytes alone).
    out.norm.make_ascii_lowercase();
    out
}

/// True when `p` starts a region that can be segmented on its own: the byte
/// before is ASCII whitespace and the byte at `p` is another ASCII
/// character. No UAX#29 rule joins whitespace to what follows, and the rules
/// that look back (WB7, WB12, WB4) never see past such a character.
fn is_region_start(bytes: &[u8], p: usize) -> bool {
    p > 0
        && p < bytes.len()
        && bytes[p - 1].is_ascii_whitespace()
        && bytes[p].is_ascii()
        && !bytes[p].is_ascii_whitespace()
}

/// Index of the first non-ASCII byte at or after `from`.
fn first_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    // `is_ascii` on blocks is word-at-a-time; only a block that fails is
    // searched byte by byte.
    const BLOCK: usize = 64;
    let mut i = from;
    while i + BLOCK <= bytes.len() && bytes[i..i + BLOCK].is_ascii() {
        i += BLOCK;
    }
    bytes[i..]
        .iter()
        .position(|&b| !b.is_ascii())
        .map(|r| i + r)
}

/// UAX#29 word-break classes of the ASCII characters that matter for words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AsciiClass {
    /// Breaks on both sides (whitespace, most punctuation).
    Other,
    /// ALetter: `A-Z a-z`.
    Letter,
    /// Numeric: `0-9`.
    Digit,
    /// ExtendNumLet: `_`, joins letters and digits.
    Underscore,
    /// MidLetter: `:`, joins two letters.
    MidLetter,
    /// MidNumLet and Single_Quote: `.` `'`, join two letters or two digits.
    MidNumLet,
    /// MidNum: `,` `;`, join two digits.
    MidNum,
}

/// [`AsciiClass`] of every ASCII byte.
const ASCII_CLASS: [AsciiClass; 128] = {
    let mut t = [AsciiClass::Other; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'A'..=b'Z' | b'a'..=b'z' => AsciiClass::Letter,
            b'0'..=b'9' => AsciiClass::Digit,
            b'_' => AsciiClass::Underscore,
            b':' => AsciiClass::MidLetter,
            b'.' | b'\'' => AsciiClass::MidNumLet,
            b',' | b';' => AsciiClass::MidNum,
            _ => AsciiClass::Other,
        };
        b += 1;
    }
    t
};

/// Words of the ASCII text `text[from..to]` by the UAX#29 rules for ASCII:
/// runs of letters, digits and `_` (WB5, WB8-10, WB13a/b), continued across
/// one `:` `.` `'` between letters (WB6/7) or one `.` `'` `,` `;` between
/// digits (WB11/12). A word needs a letter or digit, like
/// `unicode_word_indices`. Words are copied as they are: `normalize`
/// lowercases the whole text at the end.
///
/// The word bytes are found sixteen at a time into a bitmap
/// ([`word_bitmap`]) and runs are read off it with bit scans: a loop
/// testing byte by byte mispredicted a branch at both ends of every word,
/// which cost more than the rest of normalization.
fn ascii_words(text: &str, from: usize, to: usize, out: &mut NormalizedText) {
    use AsciiClass::*;
    let bytes = &text.as_bytes()[..to];
    let class = |b: u8| ASCII_CLASS[b as usize & 0x7F];
    let (bitmap, between) = word_bitmap(&bytes[from..]);
    let len = to - from;
    // The region's words and single spaces never outgrow it (a space
    // before the first word at most); the slack takes the overrun of the
    // sixteen-byte copies. Already there when the whole text is ASCII.
    out.norm.reserve(len + ASCII_SLACK);
    let mut i = 0;
    while let Some(start) = next_bit(&bitmap, i, len, true) {
        let mut end = start;
        loop {
            end = next_bit(&bitmap, end, len, false).unwrap_or(len);
            // A run goes on across one middle character between two
            // letters or two digits; `end - 1` is the last consumed. Only
            // a middle character between word bytes can join, and the
            // `between` bitmap marks exactly those (without a branch that
            // mispredicts at every comma).
            if end < len && bit(&between, end) {
                let at = from + end;
                let (last, mid, next) =
                    (class(bytes[at - 1]), class(bytes[at]), class(bytes[at + 1]));
                let joins = (last == Letter && next == Letter && mid != MidNum)
                    || (last == Digit && next == Digit && mid != MidLetter);
                if joins {
                    end += 2;
                    continue;
                }
            }
            break;
        }
        i = end;
        let (a, b) = (from + start, from + end);
        if bytes[a..b].iter().any(|&c| c != b'_') {
            push_ascii_word(out, text, a, b, to);
        }
    }
}

/// Room beyond an ASCII region's own length that [`ascii_words`] asks for:
/// one space and the overrun of a [`push_ascii_word`] copy.
const ASCII_SLACK: usize = 1 + 16;

/// Appends the ASCII word `text[start..end]` (inside an ASCII region ending
/// at `region_end`) as a token. Most words are short: when sixteen bytes of
/// the region follow the start, they are copied at once (a fixed-size copy
/// the compiler inlines) and cut back, instead of a call to `memcpy` for a
/// few bytes.
#[inline]
fn push_ascii_word(
    out: &mut NormalizedText,
    text: &str,
    start: usize,
    end: usize,
    region_end: usize,
) {
    const COPY: usize = ASCII_SLACK - 1;
    if !out.norm.is_empty() {
        out.norm.push(' ');
    }
    let norm_start = out.norm.len();
    if end - start <= COPY && start + COPY <= region_end {
        out.norm.push_str(&text[start..start + COPY]);
        out.norm.truncate(norm_start + (end - start));
    } else {
        out.norm.push_str(&text[start..end]);
    }
    out.tokens.push(Token {
        start: start as u32,
        end: end as u32,
        norm_start: norm_start as u32,
        norm_end: out.norm.len() as u32,
    });
}

/// One bit per byte of the ASCII `bytes` (bit `i % 64` of word `i / 64`),
/// set for the bytes words are made of (letters, digits, `_`); and a second
/// bitmap of the middle characters (`:` `.` `'` `,` `;`) that stand between
/// two such bytes, the only places a word can go on across a character.
fn word_bitmap(bytes: &[u8]) -> (Vec<u64>, Vec<u64>) {
    let words = bytes.len().div_ceil(64);
    let (mut word_bytes, mut middle) = (vec![0u64; words], vec![0u64; words]);
    for (k, chunk) in bytes.chunks(16).enumerate() {
        let mut sixteen = [0u8; 16];
        sixteen[..chunk.len()].copy_from_slice(chunk);
        let (marks, mids) = classify16(&sixteen);
        word_bytes[k / 4] |= (marks as u64) << (16 * (k % 4));
        middle[k / 4] |= (mids as u64) << (16 * (k % 4));
    }
    // A middle character with a word byte on either side.
    let between = (0..words)
        .map(|k| {
            let before = (word_bytes[k] << 1) | k.checked_sub(1).map_or(0, |p| word_bytes[p] >> 63);
            let after = (word_bytes[k] >> 1) | word_bytes.get(k + 1).map_or(0, |n| n << 63);
            middle[k] & before & after
        })
        .collect();
    (word_bytes, between)
}

/// Bit `j` set where byte `j` of sixteen ASCII bytes is a word byte, and
/// where it is a middle character: SSE2 compares, which every x86-64 CPU
/// has (sixteen bytes in a dozen instructions).
#[cfg(target_arch = "x86_64")]
#[inline]
fn classify16(bytes: &[u8; 16]) -> (u16, u16) {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86-64 baseline; the load reads the
    // sixteen bytes of `bytes`.
    unsafe {
        let x = _mm_loadu_si128(bytes.as_ptr().cast());
        let splat = |b: u8| _mm_set1_epi8(b as i8);
        // Bytes are below 0x80, so signed compares order them as unsigned.
        let within = |v: __m128i, lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, splat(lo - 1)),
                _mm_cmplt_epi8(v, splat(hi + 1)),
            )
        };
        let letters = within(_mm_or_si128(x, splat(0x20)), b'a', b'z');
        let word = _mm_or_si128(
            _mm_or_si128(letters, within(x, b'0', b'9')),
            _mm_cmpeq_epi8(x, splat(b'_')),
        );
        let mids = _mm_or_si128(
            _mm_or_si128(
                _mm_cmpeq_epi8(x, splat(b',')),
                _mm_cmpeq_epi8(x, splat(b'.')),
            ),
            _mm_or_si128(within(x, b':', b';'), _mm_cmpeq_epi8(x, splat(b'\''))),
        );
        (
            _mm_movemask_epi8(word) as u16,
            _mm_movemask_epi8(mids) as u16,
        )
    }
}

/// [`classify16`] without SIMD instructions: eight bytes at a time with
/// integer arithmetic (every byte is below 0x80, so no sum carries into the
/// next byte). The reference the SSE2 path is tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn classify16_portable(bytes: &[u8; 16]) -> (u16, u16) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each byte set where the byte is in `lo..=hi`.
    let within = |x: u64, lo: u8, hi: u8| {
        let at_least = x.wrapping_add((0x80 - lo as u64) * ONES);
        let above = x.wrapping_add((0x7F - hi as u64) * ONES);
        at_least & !above & HIGH
    };
    // Gathers the eight high bits into one byte, byte `j` to bit `j`.
    let pack =
        |marks: u64| (((marks >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) & 0xFF) as u16;
    let (mut marks, mut mids) = (0u16, 0u16);
    for half in 0..2 {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&bytes[8 * half..8 * half + 8]);
        let x = u64::from_le_bytes(eight);
        let letters = within(x | (0x20 * ONES), b'a', b'z');
        let word = letters | within(x, b'0', b'9') | within(x, b'_', b'_');
        let middle = within(x, b',', b',')
            | within(x, b'.', b'.')
            | within(x, b':', b';')
            | within(x, b'\'', b'\'');
        marks |= pack(word) << (8 * half);
        mids |= pack(middle) << (8 * half);
    }
    (marks, mids)
}

#[cfg(not(target_arch = "x86_64"))]
use classify16_portable as classify16;

/// Whether bit `i` of `bitmap` is set.
#[inline]
fn bit(bitmap: &[u64], i: usize) -> bool {
    bitmap[i / 64] >> (i % 64) & 1 == 1
}

/// The first position at or after `from` (below `len`) whose bit is `set`.
#[inline]
fn next_bit(bitmap: &[u64], from: usize, len: usize, set: bool) -> Option<usize> {
    let mut k = from / 64;
    let flip = if set { 0 } else { u64::MAX };
    let mut word = (bitmap.get(k)? ^ flip) & (u64::MAX << (from % 64));
    loop {
        if word != 0 {
            let at = k * 64 + word.trailing_zeros() as usize;
            return (at < len).then_some(at);
        }
        k += 1;
        word = bitmap.get(k)? ^ flip;
    }
}

/// Words of `text[from..to]` by the full UAX#29 segmenter, NFKC-folded and
/// lowercased; unspaced scripts are split per character.
fn unicode_words(text: &str, from: usize, to: usize, out: &mut NormalizedText) {
    for (rel, word) in text[from..to].unicode_word_indices() {
        let offset = from + rel;
        if word.is_ascii() {
            push_token(out, offset, offset + word.len(), |s| {
                let at = s.len();
                s.push_str(word);
                s[at..].make_ascii_lowercase();
            });
        } else if word.chars().any(is_unspaced_script) {
            push_unspaced(out, offset, word);
        } else {
            push_token(out, offset, offset + word.len(), |s| {
                s.extend(word.nfkc().flat_map(char::to_lowercase))
            });
        }
    }
}

/// Splits a word that contains unspaced-script characters: each such
/// character is a token, runs of other characters stay whole.
fn push_unspaced(out: &mut NormalizedText, offset: usize, word: &str) {
    let mut run_start: Option<usize> = None;
    for (i, c) in word.char_indices() {
        if is_unspaced_script(c) {
            if let Some(s) = run_start.take() {
                let part = &word[s..i];
                push_token(out, offset + s, offset + i, |n| {
                    n.extend(part.nfkc().flat_map(char::to_lowercase))
                });
            }
            let end = i + c.len_utf8();
            push_token(out, offset + i, offset + end, |n| {
                n.extend(std::iter::once(c).nfkc().flat_map(char::to_lowercase))
            });
        } else if run_start.is_none() {
            run_start = Some(i);
        }
    }
    if let Some(s) = run_start {
        let part = &word[s..];
        push_token(out, offset + s, offset + word.len(), |n| {
            n.extend(part.nfkc().flat_map(char::to_lowercase))
        });
    }
}

fn push_token(out: &mut NormalizedText, start: usize, end: usize, write: impl FnOnce(&mut String)) {
    if !out.norm.is_empty() {
        out.norm.push(' ');
    }
    let norm_start = out.norm.len();
    write(&mut out.norm);
    if out.norm.len() == norm_start {
        // Normalization erased the token (e.g. a lone combining mark).
        out.norm.pop();
        return;
    }
    out.tokens.push(Token {
        start: start as u32,
        end: end as u32,
        norm_start: norm_start as u32,
        norm_end: out.norm.len() as u32,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The original normalizer: every word through the full segmenter. The
    /// fast path must give exactly the same tokens.
    fn normalize_reference(text: &str) -> NormalizedText {
        let mut out = NormalizedText::default();
        unicode_words(text, 0, text.len(), &mut out);
        out
    }

    fn assert_same(text: &str) {
        let (fast, reference) = (normalize(text), normalize_reference(text));
        assert_eq!(fast.norm, reference.norm, "text {text:?}");
        assert_eq!(fast.tokens, reference.tokens, "text {text:?}");
    }

    #[test]
    fn ascii_fast_path_follows_uax29_on_tricky_punctuation() {
        for text in [
            "it's e.g. 3.14 1,000,000 a:b a.1 1.a _x x_ __ a__b 12_ab ab'cd' 'tis",
            "end. Start,again;now 1;2 a;b a,b a:1 1:2 x.y.z a..b 1..2 a'.b",
            "http://example.com/a_b?q=1&r=2 -- \"quoted\" (paren) [x]",
            "trailing apostrophe' and: colon, at. end.",
            "\r\n\t\x0b\x0c mixed\tspace\r\nlines",
        ] {
            assert_same(text);
        }
    }

    #[test]
    fn mixed_scripts_match_the_full_segmenter() {
        for text in [
            "café naïve “quoted” it’s e\u{301}t\u{301}e 日本と中央アジア summit",
            " \u{301}abc x\u{200d}y a.\u{301}b 1.\u{301}2 👍🏽 ok 🇫🇷🇩🇪 flags",
            "ﬁne Straße ΑΒΓ αβγ. Привет, мир! 3.14€ a\u{00ad}b",
        ] {
            assert_same(text);
        }
    }

    /// The normalized text of an ASCII text fits the room made for it at
    /// the start: growing it would double what every kept text holds.
    #[test]
    fn ascii_text_is_normalized_without_growing_its_buffer() {
        let text = "Short words, longer wordsmithing and 3.5 e.g. don't stop. ".repeat(40);
        for len in [0, 1, 15, 16, 17, 100, text.len()] {
            let t = &text[..len];
            let n = normalize(t);
            assert_eq!(n.norm.capacity(), t.len() + ASCII_SLACK, "{len}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Random ASCII over the characters that drive the word rules.
        #[test]
        fn ascii_fast_path_equals_segmenter(text in "[aZ09_.,;:'\" \t\r\n!-]{0,40}") {
            assert_same(&text);
        }

        /// ASCII mixed with non-ASCII characters that interact with the
        /// rules (combining marks, ZWJ, curly quotes, CJK, emoji, NBSP).
        #[test]
        fn mixed_text_equals_segmenter(text in "[a1_.,:' \n\u{301}\u{200d}\u{2019}\u{a0}é日👍\u{1F1EB}]{0,30}") {
            assert_same(&text);
        }

        /// The SSE2 byte classes equal the portable ones on any ASCII.
        #[test]
        fn byte_classes_equal_the_portable_twin(bytes in proptest::array::uniform16(0u8..0x80)) {
            prop_assert_eq!(classify16(&bytes), classify16_portable(&bytes));
        }

        /// Long texts: words cross the bitmap's 64-byte words and the
        /// 16-byte copies run up to the end of a region.
        #[test]
        fn long_text_equals_segmenter(text in "([a-zA-Z]{1,20}|[0-9]{1,4}|[_.,;:' \n]|é日){0,120}") {
            assert_same(&text);
        }
    }

    #[test]
    fn punctuation_case_and_whitespace_are_folded() {
        let n = normalize("Hello,   WORLD!\n\tIt's  “quoted”.");
        assert_eq!(n.norm, "hello world it's quoted");
        assert_eq!(n.len(), 4);
    }

    #[test]
    fn offsets_point_back_into_the_original() {
        let text = "Ünïcode  Straße, ﬁne.";
        let n = normalize(text);
        let words: Vec<&str> = n
            .tokens
            .iter()
            .map(|t| &text[t.start as usize..t.end as usize])
            .collect();
        assert_eq!(words, ["Ünïcode", "Straße", "ﬁne"]);
        // NFKC expands the ligature.
        assert_eq!(n.word(2), "fine");
    }

    #[test]
    fn cjk_is_split_into_characters() {
        let n = normalize("日本と中央アジア summit");
        assert_eq!(n.word(0), "日");
        assert_eq!(n.word(n.len() - 1), "summit");
        assert_eq!(n.len(), 9);
    }

    #[test]
    fn empty_text_has_no_tokens() {
        assert!(normalize("  ,.;  ").is_empty());
    }

    #[test]
    fn span_joins_tokens_with_single_spaces() {
        let n = normalize("a  b,c");
        assert_eq!(n.span(0, 3), "a b c");
        assert_eq!(n.span(1, 1), "");
    }
}
