//! Quotations as direction evidence. A writer working from a text keeps
//! its direct quotations or turns them into reported speech ("I am very
//! sorry", he said → he said he was very sorry); the reverse, putting
//! reworded text between quotation marks, would invent someone's words.
//! So a quotation of one document whose aligned counterpart in the other
//! rewords it without quotation marks points to the first as the source.
//!
//! Only the one-way case counts. A quotation found word for word in the
//! other text without marks fits "the copy dropped the marks" and "this
//! text quoted the other" alike, and says nothing.

use crate::model::{Passage, SentencePair};
use crate::normalize::normalize;

/// A quotation needs at least this many words to count: shorter ones are
/// scare quotes and titles ("PageRank", "very talented"), which a rewrite
/// drops or keeps at will.
pub const MIN_QUOTED_WORDS: usize = 4;

/// A quotation is kept when at least this share of its distinct words is
/// quoted in the counterpart (a quotation trimmed or split in two).
pub const KEPT_SHARE: f64 = 0.5;

/// Quotations of each side of a pair that the other side rewords without
/// quotation marks, with one example each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quotations {
    /// Quotations of a reported in b's own words.
    pub a: usize,
    /// Quotations of b reported in a's own words.
    pub b: usize,
    /// The first such quotation of a, for the evidence text.
    pub example_a: Option<String>,
    /// The first such quotation of b.
    pub example_b: Option<String>,
}

/// Opening mark and its closing mark. Straight double quotes pair with
/// themselves; `‘…’` needs care because `’` is also the apostrophe.
const MARKS: [(char, char); 7] = [
    ('"', '"'),
    ('“', '”'),
    ('«', '»'),
    ('„', '“'),
    ('「', '」'),
    ('『', '』'),
    ('‘', '’'),
];

fn closing(open: char) -> Option<char> {
    MARKS.iter().find(|m| m.0 == open).map(|m| m.1)
}

/// Marks that also serve other ends (the straight double quote opens and
/// closes; `‘` and `’` are apostrophes too) must stand where a mark can:
/// the others are unambiguous, and CJK text has no spaces around them.
fn ambiguous(mark: char) -> bool {
    matches!(mark, '"' | '‘' | '’' | '“' | '”')
}

/// What may stand before an opening mark: a line start, a space, a bracket
/// or dash, or another opening mark (a quotation inside a quotation).
fn opens_after(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || "([{—–-/:\"“«„‘「『".contains(c))
}

/// What may follow a closing mark: a line end, a space or punctuation.
fn closes_before(c: Option<char>) -> bool {
    c.is_none_or(|c| {
        c.is_whitespace() || c.is_ascii_punctuation() || "—–”»“’」』。，、！？".contains(c)
    })
}

/// False when `line` has none of the [`MARKS`]: each is `"` or starts with
/// the UTF-8 lead byte 0xC2 (`«»`), 0xE2 (`“”„‘’`) or 0xE3 (`「」『』`).
/// A byte test, so the usual line without quotations costs no decoding.
fn may_hold_a_mark(line: &str) -> bool {
    line.bytes().any(|b| matches!(b, b'"' | 0xC2 | 0xE2 | 0xE3))
}

/// Byte ranges of the text inside quotation marks, without the marks.
///
/// Marks must look like marks: an opening one after a space or line start
/// and before a non-space, a closing one after a non-space and before a
/// space or punctuation. Quotations do not run over a line end, except the
/// news convention of a quotation that opens a paragraph and carries on in
/// the next one with a new opening mark: such a line counts up to its end.
/// Messy marks (a student's `” measuring"`) are dropped, not guessed at.
pub fn quoted_spans(text: &str) -> Vec<[usize; 2]> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if !may_hold_a_mark(body) {
            line_start += line.len();
            continue;
        }
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let mut open: Option<(usize, char, usize)> = None; // (char index, mark, byte)
        for (k, &(byte, c)) in chars.iter().enumerate() {
            let prev = k.checked_sub(1).map(|j| chars[j].1);
            let next = chars.get(k + 1).map(|x| x.1);
            if let Some((_, mark, from)) = open {
                let close = closing(mark).unwrap_or(mark);
                let apostrophe = close == '’' && next.is_some_and(char::is_alphabetic);
                let placed = !ambiguous(close)
                    || (prev.is_some_and(|p| !p.is_whitespace()) && closes_before(next));
                if c == close && placed && !apostrophe {
                    out.push([line_start + from, line_start + byte]);
                    open = None;
                    continue;
                }
            }
            let placed =
                !ambiguous(c) || (opens_after(prev) && next.is_some_and(|n| !n.is_whitespace()));
            if closing(c).is_some() && placed {
                // A new opening mark while one is open: the earlier one was
                // stray, start again here.
                open = Some((k, c, byte + c.len_utf8()));
            }
        }
        if let Some((k, _, from)) = open {
            if chars[..k].iter().all(|x| x.1.is_whitespace()) {
                out.push([line_start + from, line_start + body.len()]);
            }
        }
        line_start += line.len();
    }
    out
}

/// The text's words as the rest of the pipeline sees them (NFKC, case
/// folded, UAX #29 words: [`normalize`]).
fn words(text: &str) -> Vec<String> {
    let norm = normalize(text);
    (0..norm.len()).map(|i| norm.word(i).to_string()).collect()
}

/// Whether `needle` occurs as a contiguous run of `hay`.
fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn overlaps(x: [usize; 2], y: [usize; 2]) -> bool {
    x[0] < y[1] && y[0] < x[1]
}

/// Quotations of `x` (at least [`MIN_QUOTED_WORDS`] words, inside a
/// sentence aligned with `y`) that `y` rewords without quotation marks:
/// neither [`KEPT_SHARE`] of their words quoted in the aligned sentences of
/// `y` nor their words verbatim there. `quotes_x` and `quotes_y` are the
/// texts' [`quoted_spans`]. Returns the count and the first one.
fn reported(
    (x, quotes_x): (&str, &[[usize; 2]]),
    (y, quotes_y): (&str, &[[usize; 2]]),
    pairs: &[(SentenceSpan, SentenceSpan)],
) -> (usize, Option<String>) {
    let mut count = 0;
    let mut example = None;
    for &q in quotes_x {
        let Some(quote) = x.get(q[0]..q[1]) else {
            continue;
        };
        let qwords = words(quote);
        if qwords.len() < MIN_QUOTED_WORDS {
            continue;
        }
        let counterpart: Vec<[usize; 2]> = pairs
            .iter()
            .filter(|(sx, _)| overlaps(*sx, q))
            .map(|(_, sy)| *sy)
            .collect();
        if counterpart.is_empty() {
            continue;
        }
        let mut quoted_in_y = ahash::AHashSet::new();
        let mut said_in_y = Vec::new();
        for s in &counterpart {
            said_in_y.extend(words(y.get(s[0]..s[1]).unwrap_or("")));
            for r in quotes_y.iter().filter(|r| overlaps(**r, *s)) {
                let part = y.get(r[0].max(s[0])..r[1].min(s[1])).unwrap_or("");
                quoted_in_y.extend(words(part));
            }
        }
        let distinct: ahash::AHashSet<&String> = qwords.iter().collect();
        let kept = distinct
            .iter()
            .filter(|w| quoted_in_y.contains(**w))
            .count();
        if kept as f64 >= KEPT_SHARE * distinct.len() as f64 || contains_run(&said_in_y, &qwords) {
            continue;
        }
        count += 1;
        example.get_or_insert_with(|| quote.to_string());
    }
    (count, example)
}

type SentenceSpan = [usize; 2];

/// The [`Quotations`] of a pair from its passages' aligned sentence pairs
/// (`a` and `b` are the full texts the byte ranges point into).
pub fn quotations(a: &str, b: &str, passages: &[Passage]) -> Quotations {
    let pairs: Vec<(SentenceSpan, SentenceSpan)> = passages
        .iter()
        .flat_map(|p| p.pairs.iter())
        .map(|s: &SentencePair| (s.a, s.b))
        .collect();
    if pairs.is_empty() {
        return Quotations::default();
    }
    let mirrored: Vec<(SentenceSpan, SentenceSpan)> = pairs.iter().map(|&(x, y)| (y, x)).collect();
    let (qa, qb) = (quoted_spans(a), quoted_spans(b));
    let (na, ea) = reported((a, &qa), (b, &qb), &pairs);
    let (nb, eb) = reported((b, &qb), (a, &qa), &mirrored);
    Quotations {
        a: na,
        b: nb,
        example_a: ea,
        example_b: eb,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        quoted_spans(text)
            .iter()
            .map(|r| &text[r[0]..r[1]])
            .collect()
    }

    #[test]
    fn finds_quotations_in_several_scripts() {
        assert_eq!(
            quoted(r#"He said: "I am very sorry," and left."#),
            ["I am very sorry,"]
        );
        assert_eq!(
            quoted("Sie sagte: „Wir kommen morgen.“ Dann"),
            ["Wir kommen morgen."]
        );
        assert_eq!(
            quoted("Он сказал: «Мы придём завтра». И"),
            ["Мы придём завтра"]
        );
        assert_eq!(quoted("他说：「我们明天来。」然后"), ["我们明天来。"]);
        assert_eq!(quoted("She said ‘we won’t go’ today"), ["we won’t go"]);
    }

    #[test]
    fn every_mark_passes_the_byte_test() {
        for (open, close) in MARKS {
            assert!(may_hold_a_mark(&open.to_string()), "{open}");
            assert!(may_hold_a_mark(&close.to_string()), "{close}");
        }
        assert!(!may_hold_a_mark("plain words, no marks: it's 3.5 (or so)"));
    }

    #[test]
    fn a_paragraph_quotation_runs_to_the_line_end() {
        let text = "\"You could see he was moved.\n\"He healed rifts,\" he said.\n";
        assert_eq!(
            quoted(text),
            ["You could see he was moved.", "He healed rifts,"]
        );
    }

    #[test]
    fn stray_marks_are_dropped() {
        // An unmatched mark inside a line, and a closing mark as an opener.
        assert_eq!(
            quoted(r#"with the purpose of ” measuring" its value"#),
            Vec::<&str>::new()
        );
        assert_eq!(
            quoted(r#"of "measuring references. The name "PageRank" is"#),
            ["PageRank"]
        );
    }

    fn passage(pairs: &[([usize; 2], [usize; 2])]) -> Passage {
        Passage {
            a: [0, 0],
            b: [0, 0],
            similarity: 0.5,
            kind: crate::model::MatchKind::Reworded,
            text_a: String::new(),
            text_b: String::new(),
            reason: String::new(),
            pairs: pairs
                .iter()
                .map(|&(a, b)| SentencePair {
                    a,
                    b,
                    similarity: 0.5,
                })
                .collect(),
        }
    }

    fn whole(a: &str, b: &str) -> Vec<Passage> {
        vec![passage(&[([0, a.len()], [0, b.len()])])]
    }

    #[test]
    fn reported_speech_counts_for_the_quoting_side_only() {
        let a = r#"Blair said: "I am very sorry that they suffered such an ordeal.""#;
        let b = "Blair said he was deeply sorry about the ordeal they had suffered.";
        let q = quotations(a, b, &whole(a, b));
        assert_eq!((q.a, q.b), (1, 0));
        assert_eq!(
            q.example_a.as_deref(),
            Some("I am very sorry that they suffered such an ordeal.")
        );
        let q = quotations(b, a, &whole(b, a));
        assert_eq!((q.a, q.b), (0, 1));
    }

    #[test]
    fn kept_or_verbatim_quotations_say_nothing() {
        let a = r#"Blair said: "I am very sorry that they suffered such an ordeal.""#;
        // Kept, trimmed.
        let b = r#"He said he was "very sorry that they suffered" it."#;
        assert_eq!(quotations(a, b, &whole(a, b)), Quotations::default());
        // The same words without marks: a copy that dropped them, or a text
        // that quoted this one; either way no direction.
        let b = "Blair said: I am very sorry that they suffered such an ordeal.";
        assert_eq!(quotations(a, b, &whole(a, b)), Quotations::default());
        // Too short to count.
        let a = r#"It was "very talented" work."#;
        let b = "It was gifted work.";
        assert_eq!(quotations(a, b, &whole(a, b)), Quotations::default());
    }

    #[test]
    fn a_quotation_outside_the_aligned_sentences_says_nothing() {
        let a = r#"Plain text here. "An added quotation of some length," he said."#;
        let b = "Plain text here.";
        let passages = vec![passage(&[([0, 16], [0, 16])])];
        assert_eq!(quotations(a, b, &passages), Quotations::default());
    }
}
