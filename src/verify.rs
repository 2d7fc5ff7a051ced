//! Verification and decision: a candidate pair's exact set similarity (no
//! finding rests on a MinHash estimate alone), its alignment, the rules that
//! make it a finding of some [`Verdict`], and the [`Finding`] that explains
//! it (passages and provenance).

use crate::align::{align, best_window, merge_crossing, UnitPassage, WindowGoal, WindowMatch};
use crate::candidates::{CandidatePair, CommonBigrams};
use crate::features::Features;
use crate::input::Document;
use crate::model::{round4, Finding, MatchKind, Passage, SentencePair, Tier, Verdict};
use crate::normalize::NormalizedText;
use crate::params::Params;
use crate::provenance::quotation::quotations;
use crate::provenance::{attribute, Cohesion, PairShape, Specifics};
use crate::shingle::{sorted_intersection_len, Shingles};
use crate::units::Unit;
use crate::verbatim::{self, Run};
use ahash::{AHashMap, AHashSet};
use std::borrow::Cow;

/// The "mostly" of "mostly the same words": a passage is verbatim when at
/// least this share of the smaller side's word trigrams is in the other,
/// and a whole-document rewrite is an edited copy (not a paraphrase) when
/// at least this share of one side's word shingles is in the other.
pub const VERBATIM_SHARE: f64 = 0.5;

/// A rewrite-tier finding covers a document "mostly" when at least this
/// share of its tokens lies in passages.
pub const MOSTLY_COVERED: f64 = 0.5;

/// Fewest words, on each side, of a reworded passage: a shorter one that is
/// not verbatim is a topic phrase two texts on one subject share (a title
/// against a sentence, "the Lib Dems also oppose the plans"), not evidence
/// of reuse. A verbatim passage may be shorter.
pub const MIN_REWORDED_WORDS: u32 = 10;

/// Fewest words of the shorter side of a verbatim passage whose other side
/// may be longer (a copied phrase inside an edited sentence); a shorter
/// one needs the same few words on both sides (a copied headline).
pub const MIN_VERBATIM_WORDS: u32 = 5;

/// Tokens of a run that may spill into a neighbouring sentence by
/// coincidence ("... by the Church. The" against "... by the Church. The"):
/// a run that starts or ends this close to a sentence edge is cut back to it.
const MAX_SPILL: u32 = 2;

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
    /// The best-matching window pair when it qualifies as a passage-level
    /// finding (or, for a whole-document finding with no aligned passage,
    /// the best one whatever its containment).
    pub window: Option<WindowMatch>,
    /// Verbatim runs that no unit passage already shows, in token indices.
    pub runs: Vec<Run>,
    /// Matched words of the longest verbatim run, shown or not (0: none).
    pub longest_run: u32,
    /// Words in verbatim runs as a share of the shorter document.
    pub run_share: f64,
}

/// Share of a document's tokens inside the given unit ranges (inclusive)
/// or token ranges (`[from, to)`).
fn coverage(
    units: &[Unit],
    unit_ranges: impl Iterator<Item = (u32, u32)>,
    token_ranges: impl Iterator<Item = (u32, u32)>,
    tokens: usize,
) -> f64 {
    if tokens == 0 {
        return 0.0;
    }
    let mut covered = vec![false; tokens];
    let spans = unit_ranges
        .map(|range| token_extent(units, range))
        .chain(token_ranges);
    for (from, to) in spans {
        let to = (to as usize).min(tokens);
        for c in &mut covered[(from as usize).min(to)..to] {
            *c = true;
        }
    }
    covered.iter().filter(|&&c| c).count() as f64 / tokens as f64
}

/// Whether a sentence passage carries evidence of its own: long enough on
/// both sides, or verbatim. A side of a few words found inside a longer
/// one is a name both texts use ("Germanwings Flight 9525" as a title,
/// against a headline that holds it), not a copied line: under
/// [`MIN_VERBATIM_WORDS`], both sides must be the same few words.
fn stands_on_its_own(
    (fa, ua): (&Features, &[Unit]),
    (fb, ub): (&Features, &[Unit]),
    p: &UnitPassage,
) -> bool {
    let (ea, eb) = (token_extent(ua, p.a_units), token_extent(ub, p.b_units));
    let shorter = (ea.1 - ea.0).min(eb.1 - eb.0);
    if shorter >= MIN_REWORDED_WORDS {
        return true;
    }
    match (fa.cached_span_trigrams(ea), fb.cached_span_trigrams(eb)) {
        (Some(ga), Some(gb)) => {
            let (of_smaller, of_larger) = trigram_shares(&ga, &gb);
            let share = if shorter >= MIN_VERBATIM_WORDS {
                of_smaller
            } else {
                of_larger
            };
            share >= VERBATIM_SHARE
        }
        _ => false,
    }
}

/// The verbatim test of a passage from its two sides' trigram sets.
fn is_verbatim(ga: &[u64], gb: &[u64]) -> bool {
    trigram_shares(ga, gb).0 >= VERBATIM_SHARE
}

/// The shared trigrams of a passage's two sides, as a share of the smaller
/// side's trigrams and of the larger side's.
fn trigram_shares(ga: &[u64], gb: &[u64]) -> (f64, f64) {
    let shared = sorted_intersection_len(ga, gb) as f64;
    (
        shared / (ga.len().min(gb.len()).max(1) as f64),
        shared / (ga.len().max(gb.len()).max(1) as f64),
    )
}

/// A token range `[from, to)`.
type TokenRange = (u32, u32);

/// Token range `[from, to)` of the inclusive unit range `(first, last)`.
fn token_extent(units: &[Unit], (first, last): (u32, u32)) -> (u32, u32) {
    (
        units[first as usize].first_token,
        units[last as usize].end_token,
    )
}

/// Tokens two ranges `[from, to)` share.
fn overlap(x: (u32, u32), y: (u32, u32)) -> u32 {
    x.1.min(y.1).saturating_sub(x.0.max(y.0))
}

/// The unit holding token `t`.
fn unit_of(units: &[Unit], t: u32) -> Option<&Unit> {
    units.get(units.partition_point(|u| u.end_token <= t))
}

/// Cuts a run's ends back to the sentence edge it spills over by at most
/// [`MAX_SPILL`] tokens on either side, so a passage neither stops
/// mid-sentence nor swallows a word of its neighbour.
fn trim_to_sentences(ua: &[Unit], ub: &[Unit], r: &mut Run) {
    // Tokens of the run inside the unit holding its last token, when the
    // run stops before that unit's end (and began before it).
    let tail = |units: &[Unit], (from, to): (u32, u32)| {
        unit_of(units, to - 1)
            .filter(|u| u.end_token > to && u.first_token > from)
            .map_or(0, |u| to - u.first_token)
    };
    let head = |units: &[Unit], (from, to): (u32, u32)| {
        unit_of(units, from)
            .filter(|u| u.first_token < from && u.end_token < to)
            .map_or(0, |u| u.end_token - from)
    };
    let spill = |x: u32, y: u32| {
        [x, y]
            .into_iter()
            .filter(|&s| s <= MAX_SPILL)
            .max()
            .unwrap_or(0)
    };
    let cut_tail = spill(tail(ua, r.a), tail(ub, r.b));
    let cut_head = spill(head(ua, r.a), head(ub, r.b));
    let len = r.a.1 - r.a.0;
    if cut_tail + cut_head == 0 || len < cut_tail + cut_head + verbatim::MIN_RUN_WORDS as u32 {
        return;
    }
    r.a = (r.a.0 + cut_head, r.a.1 - cut_tail);
    r.b = (r.b.0 + cut_head, r.b.1 - cut_tail);
    r.matched = r.matched.saturating_sub(cut_head + cut_tail);
}

/// Reconciles verbatim runs with the sentence passages, so that no two
/// passages overlap. Sentence passages lying mostly inside a run on both
/// sides give way to it, so one copied case is one passage with the run's
/// exact bounds; a run meeting a larger sentence passage (a stretch of an
/// edited copy) is shown by that passage, grown over it where it reaches
/// further.
fn merge_runs(ua: &[Unit], ub: &[Unit], passages: &mut Vec<UnitPassage>, runs: &mut Vec<Run>) {
    let extents: Vec<((u32, u32), (u32, u32))> = passages
        .iter()
        .map(|p| (token_extent(ua, p.a_units), token_extent(ub, p.b_units)))
        .collect();
    let mut absorbed = vec![false; passages.len()];
    // (sentence passage, run range in a, run range in b)
    let mut grown: Vec<(usize, TokenRange, TokenRange)> = Vec::new();
    // A run and a sentence passage claiming the same text on one side only
    // contradict each other: the larger of the two stays.
    runs.retain(|r| {
        let run_len = r.a.1 - r.a.0;
        let one_sided: Vec<(usize, u32)> = extents
            .iter()
            .enumerate()
            .filter(|&(i, _)| !absorbed[i])
            .filter_map(|(i, &(ea, eb))| {
                let (on_a, on_b) = (overlap(ea, r.a) > 0, overlap(eb, r.b) > 0);
                (on_a != on_b).then(|| (i, if on_a { ea.1 - ea.0 } else { eb.1 - eb.0 }))
            })
            .collect();
        if one_sided.iter().any(|&(_, len)| len > 2 * run_len) {
            return false;
        }
        for (i, _) in one_sided {
            absorbed[i] = true;
        }
        true
    });
    runs.retain(|r| {
        let meets = (0..extents.len())
            .filter(|&i| !absorbed[i])
            .filter(|&i| overlap(extents[i].0, r.a) > 0 && overlap(extents[i].1, r.b) > 0);
        let (yield_to_run, stay): (Vec<usize>, Vec<usize>) = meets.partition(|&i| {
            let (ea, eb) = extents[i];
            2 * overlap(ea, r.a) >= ea.1 - ea.0 && 2 * overlap(eb, r.b) >= eb.1 - eb.0
        });
        if let Some(&i) = stay.first() {
            // Part of a larger sentence passage: that passage grows over the
            // run (it is shown there), and passages it now meets merge.
            grown.push((i, r.a, r.b));
            return false;
        }
        for i in yield_to_run {
            absorbed[i] = true;
        }
        true
    });
    let unit_range = |units: &[Unit], (from, to): (u32, u32)| {
        let first = units.partition_point(|u| u.end_token <= from) as u32;
        let last = (units.partition_point(|u| u.end_token < to) as u32).min(units.len() as u32 - 1);
        (first, last)
    };
    let grew = !grown.is_empty();
    for (i, ra, rb) in grown {
        let (fa, la) = unit_range(ua, ra);
        let (fb, lb) = unit_range(ub, rb);
        let q = &mut passages[i];
        q.a_units = (q.a_units.0.min(fa), q.a_units.1.max(la));
        q.b_units = (q.b_units.0.min(fb), q.b_units.1.max(lb));
    }
    let mut keep = absorbed.iter().map(|&x| !x);
    passages.retain(|_| keep.next().unwrap_or(true));
    if grew {
        *passages = merge_crossing(ua, ub, std::mem::take(passages));
    }
}

/// Share of a run's tokens that match exactly, on its longer side.
fn run_similarity(r: &Run) -> f64 {
    let len = (r.a.1 - r.a.0).max(r.b.1 - r.b.0).max(1);
    (f64::from(r.matched) / f64::from(len)).min(1.0)
}

/// Verifies and aligns one pair (no decision yet).
pub fn evaluate(
    (fa, ua): (&Features, &[Unit]),
    (fb, ub): (&Features, &[Unit]),
    params: &Params,
    common: &CommonBigrams,
) -> PairEvaluation {
    let exact = fa.tokens > 0 && fa.content_hash == fb.content_hash;
    let sets = set_similarity(fa.shingle_set(), fb.shingle_set());
    let in_both: Vec<u64> = intersection(&fa.bigrams, &fb.bigrams);
    // Bigrams common in the collection are no evidence: only rare ones count
    // as shared (the documents' own counts stay whole, so that a pair's
    // containment needs no lookup beyond the bigrams it shares).
    let shared: Cow<[u64]> = if common.is_empty() {
        Cow::Borrowed(&in_both)
    } else {
        in_both
            .iter()
            .copied()
            .filter(|&x| !common.contains(x))
            .collect()
    };
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
    // Verbatim runs of two or more lines are evidence on their own, whatever
    // the content terms say (a quotation inside an article on one topic).
    // Winnowing: a run of `MIN_RUN_WORDS` words or more shares a
    // fingerprint, so pairs sharing none are spared the tracing.
    fn grams(f: &Features) -> Option<(&[u64], &[bool])> {
        Some((f.token_trigrams.get()?, f.token_unspaced.get()?))
    }
    let mut runs = match (grams(fa), grams(fb)) {
        (Some(ga), Some(gb))
            if params.rewrite_tier()
                && !exact
                && sorted_intersection_len(&fa.fingerprints, &fb.fingerprints) > 0 =>
        {
            verbatim::common_runs(ga, gb, verbatim::MIN_RUN_WORDS)
        }
        _ => Vec::new(),
    };
    // The window search is the costly part of a pair; it is only needed
    // when the whole-document rules have not already decided.
    let window = if !whole_document
        && params.rewrite_tier()
        && shared_bigrams >= params.candidates.min_shared_bigrams
    {
        let goal = WindowGoal::Qualifying {
            terms: params.decision.min_window_containment,
            bigrams: params.decision.min_window_bigram_containment,
        };
        best_window(ua, ub, (&shared, &in_both), &params.align, goal)
    } else {
        None
    };
    // Passages are only worth aligning for a pair that can be a finding.
    let can_be_finding =
        whole_document || window.is_some_and(|w| window_qualifies(&w, params)) || !runs.is_empty();
    let mut passages = if can_be_finding {
        align(ua, ub, &params.align)
    } else {
        Vec::new()
    };
    passages.retain(|p| stands_on_its_own((fa, ua), (fb, ub), p));
    let mut passages = merge_crossing(ua, ub, passages);
    // A whole-document finding whose sentences were all rewritten past the
    // seed threshold still shows where the two texts agree most: its best
    // window pair, so no finding comes without a passage to read.
    let needs_window = passages.is_empty() && whole_document && !exact && params.rewrite_tier();
    let window = match window {
        None if needs_window => {
            best_window(ua, ub, (&shared, &in_both), &params.align, WindowGoal::Best)
        }
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
    for r in &mut runs {
        trim_to_sentences(ua, ub, r);
    }
    let longest_run = runs.iter().map(|r| r.matched).max().unwrap_or(0);
    let run_words: u32 = runs.iter().map(|r| r.matched).sum();
    let run_share = f64::from(run_words) / fa.tokens.min(fb.tokens).max(1) as f64;
    merge_runs(ua, ub, &mut passages, &mut runs);
    let coverage_a = coverage(
        ua,
        passages.iter().map(|p| p.a_units),
        runs.iter().map(|r| r.a),
        fa.tokens,
    );
    let coverage_b = coverage(
        ub,
        passages.iter().map(|p| p.b_units),
        runs.iter().map(|r| r.b),
        fb.tokens,
    );
    // Each run weighs as one aligned unit.
    let aligned_units = passages.iter().map(|p| p.seeds.len().max(1)).sum::<usize>() + runs.len();
    let weight = aligned_units as f64;
    let mean_similarity = if weight > 0.0 {
        (passages
            .iter()
            .map(|p| p.similarity * p.seeds.len().max(1) as f64)
            .sum::<f64>()
            + runs.iter().map(run_similarity).sum::<f64>())
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
        runs,
        longest_run,
        run_share,
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
    w.reaches(
        params.decision.min_window_containment,
        params.decision.min_window_bigram_containment,
    )
}

/// The verdict and score of an evaluated pair, or `None` for no finding.
pub fn decide(e: &PairEvaluation, params: &Params) -> Option<(Verdict, f64)> {
    if e.exact {
        return Some((Verdict::Exact, 1.0));
    }
    if e.sets.jaccard >= params.decision.threshold {
        return Some((Verdict::NearDuplicate, e.sets.jaccard));
    }
    if !params.rewrite_tier() {
        return None;
    }
    let lexical = e.shared_bigrams >= params.candidates.min_shared_bigrams;
    let whole = lexical && e.bigram_containment >= params.decision.min_bigram_containment;
    let local =
        (lexical && e.window.is_some_and(|w| window_qualifies(&w, params))) || e.longest_run > 0;
    // A rewrite-tier finding must show where the texts agree: shared
    // content bigrams over two short texts (a few stock phrases of one
    // story) can reach the containment rule with no passage or run to
    // align, and such a pair is the semantic tier's to judge.
    if !(whole || local) || (e.passages.is_empty() && e.runs.is_empty()) {
        return None;
    }
    let cov_max = e.coverage_a.max(e.coverage_b);
    let cov_min = e.coverage_a.min(e.coverage_b);
    let score = 0.5 * cov_max + 0.5 * e.mean_similarity;
    // Mostly the same words: by shingles, or by the verbatim runs that make
    // up most of what is aligned (a copied half is no paraphrase).
    let verbatim = e.sets.containment_a_in_b.max(e.sets.containment_b_in_a) >= VERBATIM_SHARE
        || e.run_share >= VERBATIM_SHARE * cov_max;
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
    runs: &[Run],
) -> Vec<Passage> {
    let mut out: Vec<Passage> = passages
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
            let verbatim = is_verbatim(&ga, &gb);
            let unit_bytes = |u: &Unit| [u.start as usize, u.end as usize];
            let pairs: Vec<SentencePair> = p
                .seeds
                .iter()
                .map(|s| SentencePair {
                    a: unit_bytes(&ua[s.i as usize]),
                    b: unit_bytes(&ub[s.j as usize]),
                    similarity: round4(s.jaccard),
                })
                .collect();
            let shared_terms: u32 = p.seeds.iter().map(|s| s.shared).sum();
            let reason = if p.seeds.is_empty() {
                format!(
                    "paragraph windows: {:.0}% of content terms (numbers and names weighted) found in the other",
                    p.similarity * 100.0
                )
            } else {
                let share = sorted_intersection_len(&ga, &gb) as f64 / ga.len().min(gb.len()).max(1) as f64;
                format!(
                    "{} sentence pair{} sharing {shared_terms} content terms; {:.0}% of word trigrams shared",
                    pairs.len(),
                    if pairs.len() == 1 { "" } else { "s" },
                    share * 100.0
                )
            };
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
                reason,
                pairs,
            }
        })
        .collect();
    if runs.is_empty() {
        return out;
    }
    let (na, nb) = (fa.normalized(a), fb.normalized(b));
    for r in runs {
        let ra = run_bytes(ua, &na, r.a);
        let rb = run_bytes(ub, &nb, r.b);
        out.push(Passage {
            a: ra,
            b: rb,
            similarity: round4(run_similarity(r)),
            kind: MatchKind::Verbatim,
            text_a: a.text[ra[0]..ra[1]].to_string(),
            text_b: b.text[rb[0]..rb[1]].to_string(),
            reason: format!(
                "verbatim run of {} words (longest exact piece {} words)",
                r.matched, r.longest
            ),
            pairs: run_pairs(ua, (&na, &nb), r),
        });
    }
    // Stable: unit passages keep their order among themselves.
    out.sort_by_key(|p| (p.a[0], p.b[0]));
    out
}

/// A run's sentence pairs: the run cut at side a's sentence edges, each
/// piece against the same words on side b (a run is one diagonal).
fn run_pairs(
    ua: &[Unit],
    (na, nb): (&NormalizedText, &NormalizedText),
    r: &Run,
) -> Vec<SentencePair> {
    let shift = i64::from(r.b.0) - i64::from(r.a.0);
    let mut out = Vec::new();
    let mut from = r.a.0;
    while from < r.a.1 {
        let to = unit_of(ua, from).map_or(r.a.1, |u| u.end_token.min(r.a.1));
        // Pieces chained across unequal gaps shift the diagonal a little:
        // clamp to the run's range on side b.
        let on_b = |t: u32| (i64::from(t) + shift).clamp(i64::from(r.b.0), i64::from(r.b.1)) as u32;
        let bf = on_b(from).min(r.b.1 - 1);
        let bt = on_b(to).max(bf + 1);
        out.push(SentencePair {
            a: [
                na.tokens[from as usize].start as usize,
                na.tokens[to as usize - 1].end as usize,
            ],
            b: [
                nb.tokens[bf as usize].start as usize,
                nb.tokens[bt as usize - 1].end as usize,
            ],
            similarity: round4(run_similarity(r)),
        });
        from = to;
    }
    out
}

/// Byte range of the tokens `[from, to)`, widened to the edge of its
/// sentence where the run starts or ends with it (so a copied sentence
/// keeps its opening quote and closing stop).
fn run_bytes(units: &[Unit], norm: &NormalizedText, (from, to): (u32, u32)) -> [usize; 2] {
    let mut start = norm.tokens[from as usize].start;
    let mut end = norm.tokens[to as usize - 1].end;
    if let Some(u) = unit_of(units, from).filter(|u| u.first_token == from) {
        start = start.min(u.start);
    }
    if let Some(u) = unit_of(units, to - 1).filter(|u| u.end_token == to) {
        end = end.max(u.end);
    }
    [start as usize, end as usize]
}

/// Evaluates, decides and explains one pair; `None` when it is no finding.
///
/// The pair is evaluated in an order set by the two texts (token count,
/// then content hash), not by their ids, and the result mirrored when that
/// order is `b`, `a`: alignment breaks ties by position, so without this a
/// finding's passages and score could change with the documents' names.
pub fn finding(
    a: &Document,
    fa: &Features,
    b: &Document,
    fb: &Features,
    params: &Params,
    common: &CommonBigrams,
) -> Option<Finding> {
    if (fb.tokens, fb.content_hash) < (fa.tokens, fa.content_hash) {
        finding_in_order(b, fb, a, fa, params, common).map(mirrored)
    } else {
        finding_in_order(a, fa, b, fb, params, common)
    }
}

/// [`finding`] of a candidate pair of document numbers into `documents`
/// and their `features`.
pub fn pair_finding(
    documents: &[Document],
    features: &[Features],
    pair: CandidatePair,
    params: &Params,
    common: &CommonBigrams,
) -> Option<Finding> {
    let (a, b) = (pair.a as usize, pair.b as usize);
    finding(
        &documents[a],
        &features[a],
        &documents[b],
        &features[b],
        params,
        common,
    )
}

/// The same finding seen from the other document: sides swapped, passages
/// in the new `a` order.
fn mirrored(f: Finding) -> Finding {
    let mut passages: Vec<_> = f
        .passages
        .into_iter()
        .map(|p| {
            let mut pairs: Vec<SentencePair> = p
                .pairs
                .iter()
                .map(|s| SentencePair {
                    a: s.b,
                    b: s.a,
                    similarity: s.similarity,
                })
                .collect();
            pairs.sort_by_key(|s| (s.a, s.b));
            crate::model::Passage {
                a: p.b,
                b: p.a,
                text_a: p.text_b,
                text_b: p.text_a,
                pairs,
                ..p
            }
        })
        .collect();
    passages.sort_by_key(|p| (p.a, p.b));
    Finding {
        a: f.b,
        b: f.a,
        containment_a_in_b: f.containment_b_in_a,
        containment_b_in_a: f.containment_a_in_b,
        coverage_a: f.coverage_b,
        coverage_b: f.coverage_a,
        passages,
        ..f
    }
}

fn finding_in_order(
    a: &Document,
    fa: &Features,
    b: &Document,
    fb: &Features,
    params: &Params,
    common: &CommonBigrams,
) -> Option<Finding> {
    let (ua, ub) = (fa.units(a), fb.units(b));
    fa.shingles(a);
    fb.shingles(b);
    let e = evaluate((fa, ua), (fb, ub), params, common);
    // What the lexical tiers do not report, the semantic tier may: a pair
    // they compared whose sentences mean the same, in order.
    // `aligned` counts the passages the decision saw: the lexical tier's
    // unit passages (before runs join them for the report), or the semantic
    // tier's runs of sentence pairs.
    let (tier, verdict, score, coverage_a, coverage_b, aligned, passages) = match decide(&e, params)
    {
        Some((verdict, score)) => (
            Tier::Lexical,
            verdict,
            score,
            e.coverage_a,
            e.coverage_b,
            e.passages.len(),
            report_passages((a, fa, ua), (b, fb, ub), &e.passages, &e.runs),
        ),
        None if params.semantic.enabled => {
            let model = crate::semantic::model();
            if !(model.speaks(&fa.language.code) && model.speaks(&fb.language.code)) {
                return None;
            }
            let m = crate::semantic::compare(model, &a.text, &b.text, &params.semantic)?;
            (
                Tier::Semantic,
                m.verdict,
                m.score,
                m.coverage_a,
                m.coverage_b,
                m.passages.len(),
                m.passages,
            )
        }
        None => return None,
    };
    let contained = |own: usize| {
        if own == 0 {
            0.0
        } else {
            e.shared_bigrams as f64 / own as f64
        }
    };
    let spans_a: Vec<[usize; 2]> = passages.iter().map(|p| p.a).collect();
    let spans_b: Vec<[usize; 2]> = passages.iter().map(|p| p.b).collect();
    let cohesion = Cohesion {
        a: cohesion(ua, &spans_a),
        b: cohesion(ub, &spans_b),
    };
    let shape = PairShape {
        verdict,
        coverage_a,
        coverage_b,
        passages: aligned,
        containment_a: contained(fa.bigrams.len()),
        containment_b: contained(fb.bigrams.len()),
        cohesion,
        specifics: specifics(ua, ub),
        spread_a: spread(&spans_a),
        spread_b: spread(&spans_b),
        // Exact copies carry no direction evidence from their text.
        quotations: if verdict == Verdict::Exact {
            Default::default()
        } else {
            quotations(&a.text, &b.text, &passages)
        },
    };
    let prov = attribute(a, b, &shape);
    Some(Finding {
        a: a.id.clone(),
        b: b.id.clone(),
        verdict,
        tier,
        score: round4(score),
        jaccard: round4(e.sets.jaccard),
        containment_a_in_b: round4(e.sets.containment_a_in_b),
        containment_b_in_a: round4(e.sets.containment_b_in_a),
        coverage_a: round4(coverage_a),
        coverage_b: round4(coverage_b),
        source: prov.source,
        confidence: prov.confidence,
        evidence: prov.evidence,
        passages,
        cluster_a: None,
        cluster_b: None,
    })
}

/// Share of the stretch from the first to the last of `spans` (byte
/// ranges) that no span covers. Spans under a tenth of the total (a
/// headline echoed at the top of a page) do not stretch it.
fn spread(spans: &[[usize; 2]]) -> f64 {
    let total: usize = spans.iter().map(|s| s[1].saturating_sub(s[0])).sum();
    let spans: Vec<[usize; 2]> = spans
        .iter()
        .copied()
        .filter(|s| 10 * s[1].saturating_sub(s[0]) >= total)
        .collect();
    let (Some(first), Some(last)) = (
        spans.iter().map(|s| s[0]).min(),
        spans.iter().map(|s| s[1]).max(),
    ) else {
        return 0.0;
    };
    let mut sorted = spans;
    sorted.sort_unstable();
    let (mut covered, mut end) = (0usize, first);
    for s in sorted {
        let from = s[0].max(end);
        if s[1] > from {
            covered += s[1] - from;
            end = s[1];
        }
    }
    let stretch = last.saturating_sub(first).max(1);
    1.0 - covered as f64 / stretch as f64
}

/// Distinct names and numbers (terms of weight 2 or more) of two documents
/// and how many they share.
fn specifics(ua: &[Unit], ub: &[Unit]) -> Specifics {
    let set = |units: &[Unit]| -> AHashSet<u64> {
        units
            .iter()
            .flat_map(|u| u.terms.iter().zip(&u.weights))
            .filter(|(_, &w)| w >= 2)
            .map(|(&t, _)| t)
            .collect()
    };
    let (sa, sb) = (set(ua), set(ub));
    Specifics {
        a: sa.len(),
        b: sb.len(),
        shared: sa.intersection(&sb).count(),
    }
}

/// Below this much weight of content terms inside the passages, or this
/// share of the document's tokens outside them, cohesion says nothing.
const MIN_COHESION_TERMS: u32 = 10;
const MIN_COHESION_REST: f64 = 0.2;

/// The weighted share of the content terms of the units inside `spans`
/// (byte ranges) that also occur in a unit outside them ([`Cohesion`]).
fn cohesion(units: &[Unit], spans: &[[usize; 2]]) -> Option<f64> {
    let inside = |u: &Unit| {
        spans
            .iter()
            .any(|s| (u.start as usize) < s[1] && s[0] < u.end as usize)
    };
    let mut own: AHashMap<u64, u8> = AHashMap::new();
    let mut rest: AHashSet<u64> = AHashSet::new();
    let (mut rest_tokens, mut all_tokens) = (0usize, 0usize);
    for u in units {
        all_tokens += u.tokens();
        if inside(u) {
            for (&t, &w) in u.terms.iter().zip(&u.weights) {
                let e = own.entry(t).or_default();
                *e = (*e).max(w);
            }
        } else {
            rest_tokens += u.tokens();
            rest.extend(u.terms.iter().copied());
        }
    }
    let total: u32 = own.values().map(|&w| u32::from(w)).sum();
    if total < MIN_COHESION_TERMS || (rest_tokens as f64) < MIN_COHESION_REST * all_tokens as f64 {
        return None;
    }
    let recurring: u32 = own
        .iter()
        .filter(|(t, _)| rest.contains(t))
        .map(|(_, &w)| u32::from(w))
        .sum();
    Some(f64::from(recurring) / f64::from(total))
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
