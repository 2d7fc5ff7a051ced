//! The semantic tier: sentence vectors from a static embedding model
//! (WordLlama by default, built into the binary) and a monotone alignment
//! of sentences by cosine, tried on the candidate pairs the lexical rules
//! do not report, and on the pairs its own sentence keys ([`keys`]) make.
//! It finds what rewords most words: a human paraphrase keeps the meaning
//! of each sentence, in order, but few of its words.
//!
//! Stages: [`model`] (table and tokenizer) → [`embed`] (sentences and
//! their vectors) → [`align`] (the chain of sentence pairs); [`keys`]
//! (SimHash keys of the sentence vectors, for candidates); [`recent`]
//! (what each thread cut and embedded, for the document's next pairs).

pub mod align;
pub mod embed;
pub mod keys;
pub mod model;
pub mod recent;

pub use align::{chain, coverage, Link};
pub use embed::{embed, SentenceVectors};
pub use model::StaticModel;

use std::sync::OnceLock;

use crate::model::{MatchKind, Passage, SentencePair, Verdict};
use crate::params::SemanticParams;

/// Most sentences a side of a compared pair has. The alignment is
/// quadratic in time and memory: two books of 20,000 sentences each that
/// the lexical rules had rejected took 7 s and 2.7 GB. A paraphrase that
/// long keeps enough rare word pairs for the lexical tiers.
pub const MAX_COMPARED_SENTENCES: usize = 1000;

/// The model a run embeds with, when not the built-in one.
static ACTIVE: OnceLock<&'static StaticModel> = OnceLock::new();

/// Makes `model` the one every later comparison uses (`--model DIR`).
/// Returns false, changing nothing, when a model was already chosen.
pub fn set_model(model: StaticModel) -> bool {
    ACTIVE.set(Box::leak(Box::new(model))).is_ok()
}

/// The model comparisons use: the one given to [`set_model`], else the
/// built-in one.
pub fn model() -> &'static StaticModel {
    ACTIVE.get().copied().unwrap_or_else(StaticModel::builtin)
}

/// What the semantic tier found in a pair.
#[derive(Debug, Clone, PartialEq)]
pub struct SemanticMatch {
    /// Paraphrase when both sides are mostly aligned, else partial reuse.
    pub verdict: Verdict,
    /// Mean cosine of the links times the longer side's aligned share.
    pub score: f64,
    /// Share of `a`'s words in aligned sentences.
    pub coverage_a: f64,
    /// Share of `b`'s words in aligned sentences.
    pub coverage_b: f64,
    /// The aligned sentences, runs of consecutive links one passage each.
    pub passages: Vec<Passage>,
}

/// Compares two texts by meaning with `model`. A finding needs
/// `min_links` mutually nearest sentence pairs in order, at `min_cosine` or
/// more, that are at least `min_coverage` of each side's sentences.
pub fn compare(
    model: &StaticModel,
    a: &str,
    b: &str,
    params: &SemanticParams,
) -> Option<SemanticMatch> {
    // Sentences first (a tenth of the cost of embedding): the rule cannot
    // hold when the shorter side has too few to cover the share of the
    // longer one. Both are kept for the next pairs of the same documents.
    let (side_a, side_b) = (recent::side(model, a), recent::side(model, b));
    let (Some(sa), Some(sb)) = (&side_a.cut, &side_b.cut) else {
        return None;
    };
    if !could_hold(sa.len(), sb.len(), params) {
        return None;
    }
    let (va, vb) = (side_a.vectors(model, a), side_b.vectors(model, b));
    if !could_hold(va.len(), vb.len(), params) {
        return None;
    }
    // The fewest links that make a finding: `min_links`, and a share of
    // the longer side's sentences. Both sides: a short answer and a longer
    // one on the same question align most of the short one's sentences by
    // topic alone (clough-dev's independent answers did), so meaning alone
    // makes no partial finding.
    let longer = va.len().max(vb.len());
    let share_of = |links: usize| links as f64 / longer as f64;
    let at_least = (params.min_links..=longer).find(|&k| share_of(k) >= params.min_coverage)?;
    let links = chain(va, vb, params.min_cosine as f32, at_least);
    if links.len() < at_least {
        return None;
    }
    let share = share_of(links.len());
    let (coverage_a, coverage_b) = coverage(va, vb, &links);
    let mostly = crate::verify::MOSTLY_COVERED;
    let verdict = if coverage_a >= mostly && coverage_b >= mostly {
        Verdict::Paraphrase
    } else {
        Verdict::PartialReuse
    };
    let mean = links.iter().map(|l| l.cosine as f64).sum::<f64>() / links.len() as f64;
    Some(SemanticMatch {
        verdict,
        score: mean * share.min(1.0),
        coverage_a,
        coverage_b,
        passages: passages(a, b, va, vb, &links),
    })
}

/// Whether `min_links` links covering `min_coverage` of each side can fit
/// in sides of `na` and `nb` sentences (at most one link a sentence).
fn could_hold(na: usize, nb: usize, params: &SemanticParams) -> bool {
    let shorter = na.min(nb);
    shorter >= params.min_links && shorter as f64 >= params.min_coverage * na.max(nb) as f64
}

/// Runs of consecutive links (next sentence on both sides), one passage
/// each, with every link as a sentence pair carrying its cosine.
fn passages(
    a: &str,
    b: &str,
    va: &SentenceVectors,
    vb: &SentenceVectors,
    links: &[Link],
) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < links.len() {
        let mut end = k + 1;
        while end < links.len()
            && links[end].a == links[end - 1].a + 1
            && links[end].b == links[end - 1].b + 1
        {
            end += 1;
        }
        let run = &links[k..end];
        let span = |v: &SentenceVectors, i: usize| v.spans[i].map(|x| x as usize);
        let ra = [span(va, run[0].a)[0], span(va, run[run.len() - 1].a)[1]];
        let rb = [span(vb, run[0].b)[0], span(vb, run[run.len() - 1].b)[1]];
        let mean = run.iter().map(|l| l.cosine as f64).sum::<f64>() / run.len() as f64;
        out.push(Passage {
            a: ra,
            b: rb,
            similarity: crate::model::round4(mean),
            kind: MatchKind::Reworded,
            text_a: a[ra[0]..ra[1]].to_string(),
            text_b: b[rb[0]..rb[1]].to_string(),
            reason: format!(
                "{} sentence pair{} of the same meaning (mean cosine {:.2})",
                run.len(),
                if run.len() == 1 { "" } else { "s" },
                mean
            ),
            pairs: run
                .iter()
                .map(|l| SentencePair {
                    a: span(va, l.a),
                    b: span(vb, l.b),
                    similarity: crate::model::round4(l.cosine as f64),
                })
                .collect(),
        });
        k = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` sentences of 8 words each from a fixed list, none repeated.
    fn text(n: usize) -> String {
        const WORDS: [&str; 16] = [
            "river", "garden", "market", "winter", "letter", "doctor", "window", "forest",
            "captain", "kitchen", "station", "village", "bridge", "teacher", "harbour", "engine",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut out = String::new();
        for _ in 0..n {
            for k in 0..8 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                out.push_str(WORDS[(state >> 60) as usize]);
                out.push(if k == 7 { '.' } else { ' ' });
            }
            out.push(' ');
        }
        out
    }

    #[test]
    fn sides_over_the_sentence_bound_are_not_compared() {
        let params = SemanticParams::default();
        let model = StaticModel::builtin();
        let at = text(MAX_COMPARED_SENTENCES);
        assert!(
            compare(model, &at, &at, &params).is_some(),
            "a text and itself"
        );
        let over = text(MAX_COMPARED_SENTENCES + 1);
        assert!(compare(model, &over, &over, &params).is_none());
        assert!(compare(model, &over, &at, &params).is_none());
    }
}
