//! Verbatim runs: exact word-for-word passages shared by two documents,
//! found independently of the rewrite tier's content terms.
//!
//! A pasted quotation of two or three lines keeps every word, but inside an
//! article on the same topic it moves neither the shingle Jaccard nor the
//! content-bigram containment far enough to be noticed. This stage finds
//! such runs directly, in two steps, over hashes the pipeline already has:
//!
//! - **Candidates** ([`fingerprints`]): the document's word `k`-shingle
//!   hashes in text order, winnowed (Schleimer, Wilkerson and Aiken,
//!   "Winnowing: local algorithms for document fingerprinting", SIGMOD
//!   2003). With `k`-grams and windows of `w` hashes, any run of at least
//!   `w + k - 1` words shared by two texts gives both the same fingerprint,
//!   so an inverted index over fingerprints finds every pair sharing such a
//!   run while keeping about `2 / (w + 1)` of the positions.
//! - **Runs** ([`common_runs`]): maximal exact matches between the two
//!   texts' per-token word-trigram hashes, seeded by a few matching
//!   positions and extended one by one; runs separated by a few edited
//!   words on both sides are chained into one passage (granularity one per
//!   copied case).
//!
//! Everything here is pure and works on stable, seeded hashes.

use crate::normalize::{is_unspaced_script, NormalizedText};

/// The shortest shared run that is guaranteed to share a fingerprint, in
/// words. It is also the documented minimum of a verbatim passage that
/// stands on its own evidence (about two lines of prose).
pub const MIN_RUN_WORDS: usize = 15;

/// Words per position hash that [`common_runs`] reads: the pipeline's
/// per-token word-trigram hashes.
pub const GRAM_WORDS: usize = 3;

/// Words per seed when runs are traced inside one pair: short enough to
/// pick up the pieces of a lightly edited copy, long enough that common
/// phrases seldom seed.
const SEED_WORDS: usize = 5;

/// Runs at most this many words apart on both sides chain into one
/// passage (a word or two changed inside a copied passage).
const MAX_CHAIN_GAP: usize = 4;

/// One shared run (or chain of runs) in token indices, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Token range in document a.
    pub a: (u32, u32),
    /// Token range in document b.
    pub b: (u32, u32),
    /// Words inside the ranges that match exactly (gaps excluded), in
    /// word-equivalents: a character of a script written without spaces
    /// counts half (see [`unspaced_tokens`]).
    pub matched: u32,
    /// Length of the longest exact piece, in tokens.
    pub longest: u32,
}

/// Which tokens are single characters of a script written without spaces
/// (where the normalizer makes every character a token, and two characters
/// carry about as much as an English word). Empty when there are none, the
/// usual case, so most documents keep nothing.
pub fn unspaced_tokens(text: &NormalizedText) -> Vec<bool> {
    let flags: Vec<bool> = (0..text.len())
        .map(|i| text.word(i).chars().next().is_some_and(is_unspaced_script))
        .collect();
    if flags.iter().any(|&f| f) {
        flags
    } else {
        Vec::new()
    }
}

/// Winnowing window for `k`-word grams: `MIN_RUN_WORDS - k + 1` hashes, so
/// the guarantee holds for runs of [`MIN_RUN_WORDS`] words.
pub fn winnow_window(k: usize) -> usize {
    (MIN_RUN_WORDS + 1).saturating_sub(k.max(1)).max(1)
}

/// Winnowed fingerprints of a document from its `k`-gram hashes in text
/// order: sorted, duplicate-free, such that two documents sharing a run of
/// at least `window + k - 1` words share at least one of them. In each
/// window of `window` consecutive hashes the smallest is selected (the
/// rightmost on ties, as in the paper, so fewer positions are kept). Cost:
/// linear (a monotone queue of window minima).
pub fn fingerprints(grams: &[u64], window: usize) -> Vec<u64> {
    let w = window.max(1);
    let mut out = Vec::with_capacity(grams.len() * 2 / (w + 1) + 1);
    if grams.len() <= w {
        // Too short for a full window: its smallest gram stands for it.
        out.extend(grams.iter().min().copied());
        return out;
    }
    // `best` is the window's rightmost minimum. When it leaves the window
    // the window is searched again: with hashes in random order that
    // happens about every `w / 2` steps, so the cost stays linear, with
    // fewer branches than a queue of minima.
    let mut best = 0usize;
    let mut selected = usize::MAX;
    for (i, &h) in grams.iter().enumerate() {
        let first = (i + 1).saturating_sub(w);
        if best < first {
            best = first;
            for j in first + 1..=i {
                if grams[j] <= grams[best] {
                    best = j;
                }
            }
        } else if h <= grams[best] {
            best = i;
        }
        if i + 1 >= w && best != selected {
            selected = best;
            out.push(grams[best]);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Maximal exact runs of at least [`SEED_WORDS`] tokens shared by two texts
/// given as per-token trigram hashes (`grams[i]` stands for tokens
/// `i..i + 3`), as `(start in a, start in b, tokens)`, in order. Cost:
/// linear in the two lengths (after a sort) plus the number of seed
/// matches.
fn exact_runs(a: &[u64], b: &[u64]) -> Vec<(u32, u32, u32)> {
    // A seed of SEED_WORDS words is SEED_WORDS - 2 consecutive trigrams.
    let seed = SEED_WORDS + 1 - GRAM_WORDS;
    if a.len() < seed || b.len() < seed {
        return Vec::new();
    }
    // b's positions sorted by hash: the matches of a hash are one run of
    // this list (cheaper than a hash map for a few hundred words).
    let mut positions: Vec<(u64, u32)> =
        b.iter().enumerate().map(|(j, &h)| (h, j as u32)).collect();
    positions.sort_unstable();
    // Per diagonal (j - i), the end in a of the run last found there, so
    // the positions inside a run are not extended again.
    let mut covered: ahash::AHashMap<i64, usize> = ahash::AHashMap::new();
    let mut runs = Vec::new();
    for i in 0..=a.len() - seed {
        let h = a[i];
        let first = positions.partition_point(|&(g, _)| g < h);
        for &(_, j) in positions[first..].iter().take_while(|&&(g, _)| g == h) {
            let j = j as usize;
            let diagonal = j as i64 - i as i64;
            if covered.get(&diagonal).is_some_and(|&end| i < end) {
                continue;
            }
            if j + seed > b.len() || a[i..i + seed] != b[j..j + seed] {
                continue;
            }
            let (mut s, mut t) = (i, j);
            while s > 0 && t > 0 && a[s - 1] == b[t - 1] {
                s -= 1;
                t -= 1;
            }
            let (mut e, mut f) = (i + seed, j + seed);
            while e < a.len() && f < b.len() && a[e] == b[f] {
                e += 1;
                f += 1;
            }
            covered.insert(diagonal, e);
            // Trigram positions s..e cover tokens s..e + 2.
            runs.push((s as u32, t as u32, (e - s + GRAM_WORDS - 1) as u32));
        }
    }
    runs.sort_unstable();
    runs.dedup();
    runs
}

/// Shared verbatim passages of two documents, from their per-token trigram
/// hashes and [`unspaced_tokens`] flags: exact runs chained across small
/// edits, kept when they carry at least `min_words` matched words (in
/// word-equivalents).
///
/// Each token of either side belongs to at most one returned run: where
/// runs overlap (a phrase repeated in one text), the longest is kept.
pub fn common_runs(
    (a, unspaced_a): (&[u64], &[bool]),
    (b, unspaced_b): (&[u64], &[bool]),
    min_words: usize,
) -> Vec<Run> {
    let mut pieces = exact_runs(a, b);
    // Token counts: trigram positions plus the two trailing words.
    let (tokens_a, tokens_b) = (a.len() + GRAM_WORDS - 1, b.len() + GRAM_WORDS - 1);
    // Longest pieces first claim their tokens; overlapping shorter ones are
    // echoes of a phrase that repeats within one text.
    pieces.sort_by_key(|&(s, t, len)| (std::cmp::Reverse(len), s, t));
    let (mut used_a, mut used_b) = (vec![false; tokens_a], vec![false; tokens_b]);
    let mut kept: Vec<(u32, u32, u32)> = Vec::new();
    for (s, t, len) in pieces {
        let (s, t, l) = (s as usize, t as usize, len as usize);
        if used_a[s..s + l].iter().any(|&u| u) || used_b[t..t + l].iter().any(|&u| u) {
            continue;
        }
        used_a[s..s + l].iter_mut().for_each(|u| *u = true);
        used_b[t..t + l].iter_mut().for_each(|u| *u = true);
        kept.push((s as u32, t as u32, len));
    }
    kept.sort_unstable();
    // Doubled weights, to stay integral: 2 a word, 1 an unspaced character.
    let weight = |flags: &[bool], from: u32, len: u32| -> u32 {
        if flags.is_empty() {
            return 2 * len;
        }
        flags[from as usize..(from + len) as usize]
            .iter()
            .map(|&f| if f { 1 } else { 2 })
            .sum::<u32>()
    };
    // Chain pieces that follow each other closely on both sides.
    let mut chains: Vec<Run> = Vec::new();
    for (s, t, len) in kept {
        let matched = weight(unspaced_a, s, len).min(weight(unspaced_b, t, len));
        if let Some(last) = chains.last_mut() {
            let gap_a = s as i64 - last.a.1 as i64;
            let gap_b = t as i64 - last.b.1 as i64;
            let close = |g: i64| (0..=MAX_CHAIN_GAP as i64).contains(&g);
            if close(gap_a) && close(gap_b) {
                last.a.1 = s + len;
                last.b.1 = t + len;
                last.matched += matched;
                last.longest = last.longest.max(len);
                continue;
            }
        }
        chains.push(Run {
            a: (s, s + len),
            b: (t, t + len),
            matched,
            longest: len,
        });
    }
    chains.retain(|r| r.matched as usize >= 2 * min_words);
    for r in &mut chains {
        r.matched /= 2;
    }
    chains
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use crate::shingle::shingle_hash;
    use proptest::prelude::*;

    /// Per-token trigram hashes and unspaced flags, as the pipeline has them.
    fn hashes(text: &str) -> (Vec<u64>, Vec<bool>) {
        let n = normalize(text);
        let grams = (0..n.len().saturating_sub(2))
            .map(|i| shingle_hash(n.span(i, i + 3)))
            .collect();
        (grams, unspaced_tokens(&n))
    }

    /// Word 5-shingle hashes in text order, as the pipeline has them.
    fn shingles(text: &str) -> Vec<u64> {
        let n = normalize(text);
        (0..=n.len().saturating_sub(5))
            .map(|i| shingle_hash(n.span(i, (i + 5).min(n.len()))))
            .collect()
    }

    fn prints(text: &str) -> Vec<u64> {
        fingerprints(&shingles(text), winnow_window(5))
    }

    fn runs(a: &str, b: &str) -> Vec<Run> {
        let (ha, wa) = hashes(a);
        let (hb, wb) = hashes(b);
        common_runs((&ha, &wa), (&hb, &wb), MIN_RUN_WORDS)
    }

    const QUOTE: &str = "The Bishop of Durham described the novel as a great thriller \
        but lousy history, and said the book had sold more than seven million copies";

    fn filler(seed: u64, words: usize) -> String {
        // Distinct pseudo-words, so no accidental shared run.
        (0..words)
            .map(|i| format!("w{}x{}", seed, i))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn quote_inside_unrelated_article_is_one_run() {
        let a = format!("{} {} {}", filler(1, 200), QUOTE, filler(2, 150));
        let b = format!("{} {} {}", filler(3, 40), QUOTE, filler(4, 300));
        let found = runs(&a, &b);
        assert_eq!(found.len(), 1, "{found:?}");
        let words = QUOTE.split_whitespace().count() as u32;
        assert_eq!(found[0].matched, words);
        assert_eq!(found[0].a, (200, 200 + words));
        assert_eq!(found[0].b, (40, 40 + words));
    }

    #[test]
    fn one_changed_word_keeps_one_passage() {
        let edited = QUOTE.replace("lousy", "poor");
        let a = format!("{} {}", filler(1, 50), QUOTE);
        let b = format!("{} {}", edited, filler(2, 50));
        let found = runs(&a, &b);
        assert_eq!(found.len(), 1, "{found:?}");
        let words = QUOTE.split_whitespace().count() as u32;
        assert_eq!(found[0].matched, words - 1);
    }

    #[test]
    fn short_shared_phrase_is_not_a_run() {
        let a = format!(
            "{} prime minister said in a statement {}",
            filler(1, 30),
            filler(2, 30)
        );
        let b = format!(
            "{} prime minister said in a statement {}",
            filler(3, 30),
            filler(4, 30)
        );
        assert!(runs(&a, &b).is_empty());
    }

    #[test]
    fn repeated_phrase_claims_tokens_once() {
        let a = format!("{QUOTE} {QUOTE}");
        let b = QUOTE.to_string();
        let found = runs(&a, &b);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn unspaced_characters_count_half() {
        // 20 Han characters are about ten words: below the minimum.
        let han = "中华人民共和国国务院总理今天在北京会见了外国";
        let a = format!("{} {han} {}", filler(1, 10), filler(2, 10));
        let b = format!("{} {han} {}", filler(3, 10), filler(4, 10));
        assert!(runs(&a, &b).is_empty());
        let long = han.repeat(2) + "代表团并举行会谈双方";
        let a = format!("{} {long} {}", filler(1, 10), filler(2, 10));
        let b = format!("{} {long} {}", filler(3, 10), filler(4, 10));
        assert_eq!(runs(&a, &b).len(), 1);
    }

    #[test]
    fn fingerprints_are_sorted_and_repeatable() {
        let f = prints(QUOTE);
        assert!(!f.is_empty());
        assert_eq!(f, prints(QUOTE));
        assert!(f.windows(2).all(|w| w[0] < w[1]));
    }

    /// The plain definition of winnowing: every window's rightmost minimum.
    fn naive_fingerprints(grams: &[u64], w: usize) -> Vec<u64> {
        if grams.len() <= w {
            return grams.iter().min().copied().into_iter().collect();
        }
        let mut out: Vec<u64> = (0..=grams.len() - w)
            .map(|start| {
                let window = &grams[start..start + w];
                let best = (0..w).rev().min_by_key(|&i| window[i]).unwrap();
                window[best]
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    proptest! {
        /// The monotone queue selects what the definition selects.
        #[test]
        fn winnowing_matches_its_definition(
            grams in proptest::collection::vec(0u64..50, 0..200), w in 1usize..16,
        ) {
            prop_assert_eq!(fingerprints(&grams, w), naive_fingerprints(&grams, w));
        }

        /// The winnowing guarantee: a shared run of `w + k - 1` words always
        /// gives the two texts a common fingerprint, whatever surrounds it.
        #[test]
        fn shared_run_shares_a_fingerprint(
            pre_a in 0usize..60, post_a in 0usize..60,
            pre_b in 0usize..60, post_b in 0usize..60,
            seed in 0u64..1000, extra in 0usize..10,
        ) {
            let run = filler(seed + 10_000, MIN_RUN_WORDS + extra);
            let a = format!("{} {run} {}", filler(seed, pre_a), filler(seed + 1, post_a));
            let b = format!("{} {run} {}", filler(seed + 2, pre_b), filler(seed + 3, post_b));
            let (fa, fb) = (prints(&a), prints(&b));
            prop_assert!(crate::shingle::sorted_intersection_len(&fa, &fb) >= 1);
            let found = runs(&a, &b);
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].matched as usize, MIN_RUN_WORDS + extra);
        }

        /// Runs are symmetric: swapping the documents swaps the ranges.
        #[test]
        fn runs_are_mirrored(pre in 0usize..40, seed in 0u64..500) {
            let a = format!("{} {QUOTE} {}", filler(seed, pre), filler(seed + 1, 20));
            let b = format!("{QUOTE} {}", filler(seed + 2, pre));
            let ab = runs(&a, &b);
            let ba = runs(&b, &a);
            let mirrored: Vec<Run> = ba.iter().map(|r| Run { a: r.b, b: r.a, ..*r }).collect();
            prop_assert_eq!(ab, mirrored);
        }
    }
}
