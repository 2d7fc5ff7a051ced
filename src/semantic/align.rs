//! Monotone alignment of two documents' sentences by cosine: the longest
//! chain of sentence pairs, in the order of both texts, each at or above
//! the threshold and each the other's nearest sentence.
//!
//! Mutual nearness is what separates a paraphrase from a text on the same
//! topic: there every sentence is fairly close to many, here each sentence
//! has one counterpart.

use super::embed::{dot, SentenceVectors};

/// One aligned sentence pair: indices into each side and their cosine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// Sentence of side a.
    pub a: usize,
    /// Sentence of side b.
    pub b: usize,
    /// Their cosine.
    pub cosine: f32,
}

/// The longest chain of mutually nearest sentence pairs with cosine
/// `>= min_cosine`, in order (among equally long chains, the one with the
/// most words); empty as soon as fewer than `at_least` links are possible.
pub fn chain(
    a: &SentenceVectors,
    b: &SentenceVectors,
    min_cosine: f32,
    at_least: usize,
) -> Vec<Link> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 || at_least > n.min(m) {
        return Vec::new();
    }
    // Sentence by sentence of the shorter side: each link needs a sentence
    // there with a cosine of `min_cosine` to some sentence of the other, so
    // a pair of unrelated texts is given up about halfway, with the same
    // answer as the whole matrix would give.
    let a_rows = n <= m;
    let (short, long) = if a_rows { (a, b) } else { (b, a) };
    let mut cos = vec![0f32; n * m];
    let mut row_max = vec![f32::MIN; n];
    let mut col_max = vec![f32::MIN; m];
    let mut hits = 0;
    for s in 0..short.len() {
        let v = short.vector(s);
        for l in 0..long.len() {
            let c = dot(v, long.vector(l));
            let (i, j) = if a_rows { (s, l) } else { (l, s) };
            cos[i * m + j] = c;
            row_max[i] = row_max[i].max(c);
            col_max[j] = col_max[j].max(c);
        }
        // Complete now: every cosine of short-side sentence `s` is in.
        let best = if a_rows { row_max[s] } else { col_max[s] };
        hits += usize::from(best >= min_cosine);
        if hits + (short.len() - s - 1) < at_least {
            return Vec::new();
        }
    }
    let linked = |i: usize, j: usize| {
        let c = cos[i * m + j];
        c >= min_cosine && c >= row_max[i] && c >= col_max[j]
    };
    // best[i][j]: the best chain within a[..i], b[..j]; a link counts one,
    // and its words a millionth each (at most 2^20 words a sentence).
    let w = m + 1;
    let mut best = vec![0f64; (n + 1) * w];
    for i in 1..=n {
        for j in 1..=m {
            let mut v = best[(i - 1) * w + j].max(best[i * w + j - 1]);
            if linked(i - 1, j - 1) {
                let words = (a.words[i - 1] + b.words[j - 1]).min(1 << 20);
                let gain = 1.0 + words as f64 * 1e-7;
                v = v.max(best[(i - 1) * w + j - 1] + gain);
            }
            best[i * w + j] = v;
        }
    }
    let mut links = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let here = best[i * w + j];
        if here == best[(i - 1) * w + j] {
            i -= 1;
        } else if here == best[i * w + j - 1] {
            j -= 1;
        } else {
            links.push(Link {
                a: i - 1,
                b: j - 1,
                cosine: cos[(i - 1) * m + j - 1],
            });
            i -= 1;
            j -= 1;
        }
    }
    links.reverse();
    links
}

/// Share of each side's words in the chain's sentences.
pub fn coverage(a: &SentenceVectors, b: &SentenceVectors, links: &[Link]) -> (f64, f64) {
    let share = |v: &SentenceVectors, words: u64| {
        let total = v.total_words();
        if total == 0 {
            0.0
        } else {
            words as f64 / total as f64
        }
    };
    let wa: u64 = links.iter().map(|l| a.words[l.a] as u64).sum();
    let wb: u64 = links.iter().map(|l| b.words[l.b] as u64).sum();
    (share(a, wa), share(b, wb))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors(rows: &[[f32; 2]], words: &[u32]) -> SentenceVectors {
        SentenceVectors {
            spans: rows.iter().map(|_| [0, 0]).collect(),
            words: words.to_vec(),
            vectors: rows.iter().flat_map(|r| r.iter().copied()).collect(),
            dims: 2,
        }
    }

    #[test]
    fn chain_keeps_order_and_prefers_more_words() {
        let x = [1.0, 0.0];
        let y = [0.0, 1.0];
        let a = vectors(&[x, y, x], &[10, 10, 30]);
        let b = vectors(&[x, y], &[10, 10]);
        let links = chain(&a, &b, 0.9, 0);
        // a0-b0 then a1-b1: two links beat a2-b0 alone, though a2 has more
        // words.
        assert_eq!(
            links.iter().map(|l| (l.a, l.b)).collect::<Vec<_>>(),
            [(0, 0), (1, 1)]
        );
        assert!(links.windows(2).all(|w| w[0].a < w[1].a && w[0].b < w[1].b));
        assert!(chain(&a, &b, 1.5, 0).is_empty());
        let (ca, cb) = coverage(&a, &b, &links);
        assert!(ca > 0.0 && ca <= 1.0 && cb > 0.0 && cb <= 1.0);
    }

    #[test]
    fn only_mutually_nearest_sentences_link() {
        // b0 is close to both a0 and a1, nearer a1: a0 links to nothing.
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let a = vectors(&[[1.0, 0.0], [s, s]], &[5, 5]);
        let b = vectors(&[[0.8, 0.6]], &[5]);
        let links = chain(&a, &b, 0.5, 0);
        assert_eq!(
            links.iter().map(|l| (l.a, l.b)).collect::<Vec<_>>(),
            [(1, 0)]
        );
    }

    #[test]
    fn a_chain_that_cannot_reach_at_least_is_given_up() {
        let (x, y) = ([1.0, 0.0], [0.0, 1.0]);
        let s = std::f32::consts::FRAC_1_SQRT_2;
        // Two of a's three sentences have a counterpart in b; the shorter
        // side is read sentence by sentence whichever argument it is.
        let a = vectors(&[x, [-s, -s], y], &[5, 5, 5]);
        let b = vectors(&[x, [-1.0, 0.0], y, [0.0, -1.0]], &[5, 5, 5, 5]);
        let whole = chain(&a, &b, 0.9, 0);
        assert_eq!(whole.len(), 2);
        assert_eq!(chain(&a, &b, 0.9, 2), whole);
        assert!(chain(&a, &b, 0.9, 3).is_empty());
        assert_eq!(chain(&b, &a, 0.9, 2).len(), 2, "the shorter side second");
        assert!(chain(&b, &a, 0.9, 3).is_empty());
    }

    #[test]
    fn empty_sides_align_nothing() {
        let a = vectors(&[], &[]);
        let b = vectors(&[[1.0, 0.0]], &[5]);
        assert!(chain(&a, &b, 0.0, 0).is_empty());
        assert_eq!(coverage(&a, &b, &[]), (0.0, 0.0));
    }
}
