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
pub fn normalize(text: &str) -> NormalizedText {
    let mut out = NormalizedText {
        norm: String::with_capacity(text.len()),
        tokens: Vec::with_capacity(text.len() / 5),
    };
    for (offset, word) in text.unicode_word_indices() {
        if word.is_ascii() {
            push_token(&mut out, offset, offset + word.len(), |s| {
                s.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char))
            });
        } else if word.chars().any(is_unspaced_script) {
            push_unspaced(&mut out, offset, word);
        } else {
            push_token(&mut out, offset, offset + word.len(), |s| {
                s.extend(word.nfkc().flat_map(char::to_lowercase))
            });
        }
    }
    out
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
