//! Verification and decision: a candidate pair's exact set similarity (no
//! finding rests on a MinHash estimate alone), its alignment, the rules that
//! make it a finding of some [`Verdict`], and the [`Finding`] that explains
//! it (passages and provenance).

use crate::align::{align, best_window, UnitPassage, WindowMatch};
use crate::candidates::CommonBigrams;
use crate::features::Features;
use crate::input::Document;
use crate::model::{round4, Finding, MatchKind, Passage, Verdict};
use crate::params::Params;
use crate::provenance::{attribute, PairShape};
use crate::shingle::{sorted_intersection_len, Shingles};
use crate::units::Unit;

/// The "mostly" of "mostly the same words": a passage is verbatim when at
/// least this share of the smaller side's word trigrams is in the other,
/// and a whole-document rewrite is an edited copy (not a paraphrase) when
/// at least this share of one side's word shingles is in the other.
pub const VERBATIM_SHARE: f64 = 0.5;

/// A rewrite-tier finding covers a document "mostly" when at least this
/// share of its tokens lies in passages.
pub const MOSTLY_COVERED: f64 = 0.5;

/// Exact similarity of two shingle sets.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SetSimilarity {
    /// |A ∩ B| / |A ∪ B|.
    pub jaccard: f64,
    /// |A ∩ B| / |A|: how much of A is in B.
    pub containment_a_in_b: f64,
    /// |A ∩ B| / |B|: how much of B is in A.
    pub containment_b_in_a: f64,
}

/// Exact Jaccard and containment both ways. Empty sets compare as 0.
pub fn set_similarity(a: &Shingles, b: &Shingles) -> SetSimilarity {
    if a.is_empty() || b.is_empty() {
        return SetSimilarity::default();
    }
    let common = a.intersection_len(b) as f64;
    let union = (a.len() + b.len()) as f64 - common;
    SetSimilarity {
        jaccard: common / union,
        containment_a_in_b: common / a.len() as f64,
        containment_b_in_a: common / b.len() as f64,
    }
}

/// The evaluation of one candidate pair, before it is decided.
#[derive(Debug, Clone)]
pub struct PairEvaluation {
    /// Identical normalized text.
    pub exact: bool,
    /// Exact shingle-set similarity.
    pub sets: SetSimilarity,
    /// Aligned passages in unit indices.
    pub passages: Vec<UnitPassage>,
    /// Share of a's tokens in passages.
    pub coverage_a: f64,
    /// Share of b's tokens in passages.
    pub coverage_b: f64,
    /// Unit pairs backing the passages.
    pub aligned_units: usize,
    /// Mean passage similarity, weighted by tokens.
    pub mean_similarity: f64,
    /// Content bigrams the two documents share.
    pub shared_bigrams: usize,
    /// Share of the smaller document's content bigrams found in the other.
    pub bigram_containment: f64,
    /// The best-matching window pair, if any window shares bigrams.
    pub window: Option<WindowMatch>,
}

/// Share of a document's tokens inside the given unit ranges.
fn coverage(units: &[Unit], ranges: impl Iterator<Item = (u32, u32)>, tokens: usize) -> f64 {
    if tokens == 0 {
        return 0.0;
    }
    let mut covered = vec![false; units.len()];
    for (from, to) in ranges {
        for c in &mut covered[from as usize..=to as usize] {
            *c = true;
        }
    }
    let n: usize = units
        .iter()
        .zip(&covered)
        .filter(|(_, &c)| c)
        .map(|(u, _)| u.tokens())
        .sum();
    n as f64 / tokens as f64
}

/// Verifies and aligns one pair (no decision yet).
pub fn evaluate(
    (fa, ua): (&Features, &[Unit]),
    (fb, ub): (&Features, &[Unit]),
    params: &Params,
    common: &CommonBigrams,
) -> PairEvaluation {
    let exact = fa.tokens > 0 && fa.content_hash == fb.content_hash;
    let sets = set_similarity(&fa.shingles, &fb.shingles);
    let mut shared: Vec<u64> = intersection(&fa.bigrams, &fb.bigrams);
    // Bigrams common in the collection are no evidence: only rare ones count
    // as shared (the documents' own counts stay whole, so that a pair's
    // containment needs no lookup beyond the bigrams it shares).
    if !common.is_empty() {
        shared.retain(|&x| !common.contains(x));
    }
    let shared_bigrams = shared.len();
    let smaller = fa.bigrams.len().min(fb.bigrams.len());
    let bigram_containment = if smaller == 0 {
        0.0
    } else {
        shared_bigrams as f64 / smaller as f64
    };
    let whole_document = exact
        || sets.jaccard >= params.decision.threshold
        || (shared_bigrams >= params.candidates.min_shared_bigrams
            && bigram_containment >= params.decision.min_bigram_containment);
    // The window search is the costly part of a pair; it is only needed
    // when the whole-document rules have not already decided.
    let window = if !whole_document
        && params.rewrite_tier()
        && shared_bigrams >= params.candidates.min_shared_bigrams
    {
        best_window(ua, ub, &shared, &params.align)
    } else {
        None
    };
    // Passages are only worth aligning for a pair that can be a finding.
    let can_be_finding = whole_document || window.is_some_and(|w| window_qualifies(&w, params));
    let mut passages = if can_be_finding {
        align(ua, ub, &params.align)
    } else {
        Vec::new()
    };
    // A whole-document finding whose sentences were all rewritten past the
    // seed threshold still shows where the two texts agree most: its best
    // window pair, so no finding comes without a passage to read.
    let needs_window = passages.is_empty() && whole_document && !exact && params.rewrite_tier();
    let window = match window {
        None if needs_window => best_window(ua, ub, &shared, &params.align),
        w => w,
    };
    let shown_window = window.filter(|w| needs_window || window_qualifies(w, params));
    // A window match that no sentence-level passage covers is a passage of
    // its own (a paraphrased paragraph whose sentences were merged or split).
    if let Some(w) = shown_window {
        let overlaps = passages
            .iter()
            .any(|p| p.a_units.0 <= w.a_units.1 && w.a_units.0 <= p.a_units.1);
        if !overlaps {
            passages.push(UnitPassage {
                a_units: w.a_units,
                b_units: w.b_units,
                seeds: Vec::new(),
                similarity: w.term_containment,
            });
            passages.sort_by_key(|q| (q.a_units, q.b_units));
        }
    }
    let coverage_a = coverage(ua, passages.iter().map(|p| p.a_units), fa.tokens);
    let coverage_b = coverage(ub, passages.iter().map(|p| p.b_units), fb.tokens);
    let aligned_units = passages.iter().map(|p| p.seeds.len().max(1)).sum();
    let weight: f64 = passages.iter().map(|p| p.seeds.len().max(1) as f64).sum();
    let mean_similarity = if weight > 0.0 {
        passages
            .iter()
            .map(|p| p.similarity * p.seeds.len().max(1) as f64)
            .sum::<f64>()
            / weight
    } else {
        0.0
    };
    PairEvaluation {
        exact,
        sets,
        passages,
        coverage_a,
        coverage_b,
        aligned_units,
        mean_similarity,
        shared_bigrams,
        bigram_containment,
        window,
    }
}

/// Elements common to two sorted, duplicate-free slices.
fn intersection(a: &[u64], b: &[u64]) -> Vec<u64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Whether a window match is strong enough to be reuse on its own.
fn window_qualifies(w: &WindowMatch, params: &Params) -> bool {
    w.term_containment >= params.decision.min_window_containment
        && w.bigram_containment >= params.decision.min_window_bigram_containment
}

/// The verdict and score of an evaluated pair, or `None` for no finding.
pub fn decide(e: &PairEvaluation, params: &Params) -> Option<(Verdict, f64)> {
    if e.exact {
        return Some((Verdict::Exact, 1.0));
    }
    if e.sets.jaccard >= params.decision.threshold {
        return Some((Verdict::NearDuplicate, e.sets.jaccard));
    }
    if !params.rewrite_tier() || e.shared_bigrams < params.candidates.min_shared_bigrams {
        return None;
    }
    let whole = e.bigram_containment >= params.decision.min_bigram_containment;
    let local = e.window.is_some_and(|w| window_qualifies(&w, params));
    if !(whole || local) {
        return None;
    }
    let cov_max = e.coverage_a.max(e.coverage_b);
    let cov_min = e.coverage_a.min(e.coverage_b);
    let score = 0.5 * cov_max + 0.5 * e.mean_similarity;
    let verbatim = e.sets.containment_a_in_b.max(e.sets.containment_b_in_a) >= VERBATIM_SHARE;
    // Both texts mostly aligned and mostly the same wording: an edited copy
    // (too many words changed for the Jaccard threshold, still the same
    // text). Reworded throughout: a paraphrase. A verbatim block covering
    // only one side is partial reuse.
    if verbatim && cov_min >= MOSTLY_COVERED {
        Some((Verdict::NearDuplicate, score))
    } else if cov_max >= MOSTLY_COVERED && !verbatim {
        Some((Verdict::Paraphrase, score))
    } else {
        Some((Verdict::PartialReuse, score))
    }
}

/// Turns unit passages into report passages with byte ranges and texts.
fn report_passages(
    (a, fa, ua): (&Document, &Features, &[Unit]),
    (b, fb, ub): (&Document, &Features, &[Unit]),
    passages: &[UnitPassage],
) -> Vec<Passage> {
    passages
        .iter()
        .map(|p| {
            let ra = [
                ua[p.a_units.0 as usize].start as usize,
                ua[p.a_units.1 as usize].end as usize,
            ];
            let rb = [
                ub[p.b_units.0 as usize].start as usize,
                ub[p.b_units.1 as usize].end as usize,
            ];
            let (ta, tb) = (&a.text[ra[0]..ra[1]], &b.text[rb[0]..rb[1]]);
            let tokens = |u: &[Unit], (first, last): (u32, u32)| {
                (
                    u[first as usize].first_token as usize,
                    u[last as usize].end_token as usize,
                )
            };
            let (a0, a1) = tokens(ua, p.a_units);
            let (b0, b1) = tokens(ub, p.b_units);
            let (ga, gb) = (fa.span_trigrams(a, a0, a1), fb.span_trigrams(b, b0, b1));
            let shared = sorted_intersection_len(&ga, &gb) as f64;
            let verbatim = shared / (ga.len().min(gb.len()).max(1) as f64) >= VERBATIM_SHARE;
            Passage {
                a: ra,
                b: rb,
                similarity: round4(p.similarity),
                kind: if verbatim {
                    MatchKind::Verbatim
                } else {
                    MatchKind::Reworded
                },
                text_a: ta.to_string(),
                text_b: tb.to_string(),
            }
        })
        .collect()
}

/// Evaluates, decides and explains one pair; `None` when it is no finding.
pub fn finding(
    a: &Document,
    fa: &Features,
    b: &Document,
    fb: &Features,
    params: &Params,
    common: &CommonBigrams,
) -> Option<Finding> {
    let (ua, ub) = (fa.units(a), fb.units(b));
    let e = evaluate((fa, ua), (fb, ub), params, common);
    let (verdict, score) = decide(&e, params)?;
    let contained = |own: usize| {
        if own == 0 {
            0.0
        } else {
            e.shared_bigrams as f64 / own as f64
        }
    };
    let shape = PairShape {
        verdict,
        coverage_a: e.coverage_a,
        coverage_b: e.coverage_b,
        passages: e.passages.len(),
        containment_a: contained(fa.bigrams.len()),
        containment_b: contained(fb.bigrams.len()),
    };
    let prov = attribute(a, b, &shape);
    Some(Finding {
        a: a.id.clone(),
        b: b.id.clone(),
        verdict,
        score: round4(score),
        jaccard: round4(e.sets.jaccard),
        containment_a_in_b: round4(e.sets.containment_a_in_b),
        containment_b_in_a: round4(e.sets.containment_b_in_a),
        coverage_a: round4(e.coverage_a),
        coverage_b: round4(e.coverage_b),
        source: prov.source,
        confidence: prov.confidence,
        evidence: prov.evidence,
        passages: report_passages((a, fa, ua), (b, fb, ub), &e.passages),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_and_containment_are_exact() {
        let a = Shingles(vec![1, 2, 3, 4]);
        let b = Shingles(vec![3, 4, 5, 6, 7, 8]);
        let s = set_similarity(&a, &b);
        assert!((s.jaccard - 2.0 / 8.0).abs() < 1e-12);
        assert!((s.containment_a_in_b - 0.5).abs() < 1e-12);
        assert!((s.containment_b_in_a - 2.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn empty_sets_are_not_similar() {
        assert_eq!(
            set_similarity(&Shingles::default(), &Shingles::default()).jaccard,
            0.0
        );
    }
}
