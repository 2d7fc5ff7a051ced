//! Passage alignment for one candidate pair, in the manner of the PAN
//! text-alignment systems (seed, extend, merge, filter): unit pairs with
//! enough content-term overlap are seeds; seeds close to each other in both
//! documents merge into passages; passages backed by too little evidence are
//! dropped.

use crate::units::Unit;
use ahash::AHashMap;

/// Tunables of alignment.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlignParams {
    /// A unit pair is a seed when the Jaccard of its content terms reaches this.
    pub seed_jaccard: f64,
    /// ...or when this share of the smaller unit's terms is in the other
    /// (condensed sentences), with at least `seed_min_shared` terms shared.
    pub seed_overlap: f64,
    /// Minimum shared content terms for any seed.
    pub seed_min_shared: usize,
    /// Units with fewer content terms never seed.
    pub min_unit_terms: usize,
    /// Seeds at most this many units apart (in both documents) merge.
    pub max_gap: usize,
    /// A passage of one seed survives only at this Jaccard or above.
    pub single_seed_jaccard: f64,
    /// Content terms per window in the window match (the size of a short
    /// paragraph: a paraphrased passage inside an otherwise new text).
    pub window_terms: usize,
    /// Windows sharing fewer content bigrams with the other document are
    /// not compared (pruning; they cannot reach the bigram bar).
    pub window_min_shared_bigrams: usize,
}

impl Default for AlignParams {
    fn default() -> Self {
        AlignParams {
            seed_jaccard: 0.35,
            seed_overlap: 1.01,
            seed_min_shared: 3,
            min_unit_terms: 3,
            max_gap: 3,
            single_seed_jaccard: 0.35,
            window_terms: 40,
            window_min_shared_bigrams: 3,
        }
    }
}

/// A matching unit pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seed {
    /// Unit index in document a.
    pub i: u32,
    /// Unit index in document b.
    pub j: u32,
    /// Jaccard of the two units' content terms.
    pub jaccard: f64,
    /// Number of shared content terms.
    pub shared: u32,
}

/// An aligned passage, in unit indices (inclusive ranges).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPassage {
    /// First and last unit in a.
    pub a_units: (u32, u32),
    /// First and last unit in b.
    pub b_units: (u32, u32),
    /// The seeds inside it.
    pub seeds: Vec<Seed>,
    /// Jaccard of all content terms of the two sides.
    pub similarity: f64,
}

/// All seeds between two documents' units. Cost: linear in the units plus
/// the number of unit pairs that share a term.
pub fn seeds(a: &[Unit], b: &[Unit], p: &AlignParams) -> Vec<Seed> {
    // Postings as one sorted (term, unit) list and a map from each term to
    // its run: no vector per term.
    let mut entries: Vec<(u64, u32)> = b
        .iter()
        .enumerate()
        .filter(|(_, u)| u.terms.len() >= p.min_unit_terms)
        .flat_map(|(j, u)| u.terms.iter().map(move |&t| (t, j as u32)))
        .collect();
    entries.sort_unstable();
    let mut postings: AHashMap<u64, (u32, u32)> = AHashMap::with_capacity(entries.len());
    let mut from = 0;
    for run in entries.chunk_by(|x, y| x.0 == y.0) {
        postings.insert(run[0].0, (from as u32, (from + run.len()) as u32));
        from += run.len();
    }
    let mut out = Vec::new();
    // Shared terms per unit of b, dense, reset through the touched list.
    let mut counts = vec![0u32; b.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (i, u) in a.iter().enumerate() {
        if u.terms.len() < p.min_unit_terms {
            continue;
        }
        for &j in &touched {
            counts[j as usize] = 0;
        }
        touched.clear();
        for t in &u.terms {
            if let Some(&(from, to)) = postings.get(t) {
                for &(_, j) in &entries[from as usize..to as usize] {
                    if counts[j as usize] == 0 {
                        touched.push(j);
                    }
                    counts[j as usize] += 1;
                }
            }
        }
        for &j in &touched {
            let shared = counts[j as usize];
            if (shared as usize) < p.seed_min_shared {
                continue;
            }
            let (na, nb) = (u.terms.len() as f64, b[j as usize].terms.len() as f64);
            let jaccard = shared as f64 / (na + nb - shared as f64);
            let overlap = shared as f64 / na.min(nb);
            if jaccard >= p.seed_jaccard || overlap >= p.seed_overlap {
                out.push(Seed {
                    i: i as u32,
                    j,
                    jaccard,
                    shared,
                });
            }
        }
    }
    out.sort_by_key(|s| (s.i, s.j));
    out
}

/// Keeps, for every unit on either side, only its best seed(s), so one
/// generic sentence cannot pair with every sentence of the other document.
pub fn best_seeds(seeds: &[Seed]) -> Vec<Seed> {
    let mut best_i: AHashMap<u32, f64> = AHashMap::new();
    let mut best_j: AHashMap<u32, f64> = AHashMap::new();
    for s in seeds {
        let e = best_i.entry(s.i).or_insert(0.0);
        *e = e.max(s.jaccard);
        let e = best_j.entry(s.j).or_insert(0.0);
        *e = e.max(s.jaccard);
    }
    seeds
        .iter()
        .copied()
        .filter(|s| s.jaccard >= best_i[&s.i] || s.jaccard >= best_j[&s.j])
        .collect()
}

/// Merges seeds into passages and drops weak ones.
pub fn passages(a: &[Unit], b: &[Unit], seeds: &[Seed], p: &AlignParams) -> Vec<UnitPassage> {
    let gap = p.max_gap as i64 + 1;
    let mut out: Vec<UnitPassage> = Vec::new();
    for s in seeds {
        let joined = out.iter_mut().rev().take(4).find(|q| {
            let (a0, a1) = (q.a_units.0 as i64, q.a_units.1 as i64);
            let (b0, b1) = (q.b_units.0 as i64, q.b_units.1 as i64);
            let (i, j) = (s.i as i64, s.j as i64);
            i >= a0 - gap && i <= a1 + gap && j >= b0 - gap && j <= b1 + gap
        });
        match joined {
            Some(q) => {
                q.a_units = (q.a_units.0.min(s.i), q.a_units.1.max(s.i));
                q.b_units = (q.b_units.0.min(s.j), q.b_units.1.max(s.j));
                q.seeds.push(*s);
            }
            None => out.push(UnitPassage {
                a_units: (s.i, s.i),
                b_units: (s.j, s.j),
                seeds: vec![*s],
                similarity: 0.0,
            }),
        }
    }
    out.retain(|q| q.seeds.len() >= 2 || q.seeds[0].jaccard >= p.single_seed_jaccard);
    for q in &mut out {
        q.similarity = range_jaccard(a, q.a_units, b, q.b_units);
    }
    out.sort_by_key(|q| (q.a_units, q.b_units));
    out
}

/// Merges passages whose ranges overlap on either side into one, until
/// none do: a passage never claims text on one side whose match lies in
/// another passage (their colours would contradict each other), and the
/// pieces of one reordered case become one passage.
pub fn merge_crossing(a: &[Unit], b: &[Unit], mut passages: Vec<UnitPassage>) -> Vec<UnitPassage> {
    let meets = |x: (u32, u32), y: (u32, u32)| x.0 <= y.1 && y.0 <= x.1;
    loop {
        let mut merged = false;
        let mut out: Vec<UnitPassage> = Vec::with_capacity(passages.len());
        for q in passages {
            match out
                .iter_mut()
                .find(|o| meets(o.a_units, q.a_units) || meets(o.b_units, q.b_units))
            {
                Some(o) => {
                    o.a_units = (o.a_units.0.min(q.a_units.0), o.a_units.1.max(q.a_units.1));
                    o.b_units = (o.b_units.0.min(q.b_units.0), o.b_units.1.max(q.b_units.1));
                    o.seeds.extend(q.seeds);
                    merged = true;
                }
                None => out.push(q),
            }
        }
        passages = out;
        if !merged {
            return passages;
        }
        for q in &mut passages {
            q.seeds.sort_by_key(|s| (s.i, s.j));
            q.similarity = range_jaccard(a, q.a_units, b, q.b_units);
        }
    }
}

/// Jaccard of the content terms of two unit ranges.
fn range_jaccard(a: &[Unit], ra: (u32, u32), b: &[Unit], rb: (u32, u32)) -> f64 {
    let collect = |units: &[Unit], r: (u32, u32)| {
        let mut v: Vec<u64> = units[r.0 as usize..=r.1 as usize]
            .iter()
            .flat_map(|u| u.terms.iter().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (ta, tb) = (collect(a, ra), collect(b, rb));
    let common = crate::shingle::sorted_intersection_len(&ta, &tb) as f64;
    let union = (ta.len() + tb.len()) as f64 - common;
    if union == 0.0 {
        0.0
    } else {
        common / union
    }
}

/// The best-matching pair of windows (runs of consecutive units) of two
/// documents: the place where one text reuses a paragraph of the other.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WindowMatch {
    /// First and last unit of the window in a.
    pub a_units: (u32, u32),
    /// First and last unit of the window in b.
    pub b_units: (u32, u32),
    /// Weighted share of the smaller window's content terms found in the
    /// other (numbers and names weigh more, see [`Unit::weights`]).
    pub term_containment: f64,
    /// Share of the smaller window's content bigrams found in the other.
    pub bigram_containment: f64,
}

impl WindowMatch {
    /// Whether the match reaches these weighted term and bigram
    /// containments (the passage rule's bars).
    pub fn reaches(&self, terms: f64, bigrams: f64) -> bool {
        self.term_containment >= terms && self.bigram_containment >= bigrams
    }
}

/// A run of units holding about `window_terms` content terms.
struct Window {
    first: u32,
    last: u32,
    /// Sorted, unique (term, weight).
    terms: Vec<(u64, u8)>,
    weight: f64,
    bigrams: Vec<u64>,
    /// How many of `bigrams` both documents hold (a bound on what it can
    /// share with any window of the other).
    in_both: usize,
}

/// Windows starting at every unit, each extended until it holds
/// `size` content terms; windows that cannot reach 60% of that (the end of
/// the text) are dropped. Only windows with `min_shared` bigrams in
/// `shared` are kept; `in_both` (sorted, a superset of `shared`) is every
/// bigram the two documents hold, common ones included.
///
/// The document's bigrams are hashed once, in text order, and a prefix
/// count of those in `shared` rules out most windows before their bigram
/// list is built: a window's distinct shared bigrams are at most its shared
/// positions.
fn windows(
    units: &[Unit],
    size: usize,
    (shared, in_both): (&[u64], &[u64]),
    min_shared: usize,
) -> Vec<Window> {
    // `starts[u]`: position of unit u's first term in the text's term
    // sequence; the bigram at position i joins terms i - 1 and i.
    let mut starts = Vec::with_capacity(units.len() + 1);
    let mut sequence = Vec::new();
    for u in units {
        starts.push(sequence.len());
        sequence.extend_from_slice(&u.sequence);
    }
    starts.push(sequence.len());
    let mut bigrams = vec![0u64; sequence.len()];
    // Shared bigram positions before each position, and positions whose
    // bigram both documents hold.
    let mut shared_before = vec![0u32; sequence.len() + 1];
    let mut both = vec![false; sequence.len()];
    for i in 0..sequence.len() {
        let mut is_shared = false;
        if i > 0 {
            let h = crate::units::bigram(sequence[i - 1], sequence[i]);
            bigrams[i] = h;
            if in_both.binary_search(&h).is_ok() {
                both[i] = true;
                is_shared = shared.binary_search(&h).is_ok();
            }
        }
        shared_before[i + 1] = shared_before[i] + u32::from(is_shared);
    }
    let mut out = Vec::new();
    for first in 0..units.len() {
        let (mut last, mut count) = (first, 0);
        while last < units.len() {
            count += units[last].sequence.len();
            if count >= size {
                break;
            }
            last += 1;
        }
        let last = last.min(units.len() - 1);
        if (count as f64) < 0.6 * size as f64 {
            break;
        }
        // The run's bigrams: positions after its first term up to its end.
        let (from, to) = ((starts[first] + 1).min(starts[last + 1]), starts[last + 1]);
        if ((shared_before[to] - shared_before[from]) as usize) < min_shared {
            continue;
        }
        let mut run_bigrams: Vec<u64> = bigrams[from..to].to_vec();
        run_bigrams.sort_unstable();
        run_bigrams.dedup();
        if crate::shingle::sorted_intersection_len(&run_bigrams, shared) < min_shared {
            continue;
        }
        let mut in_run: Vec<u64> = (from..to)
            .filter(|&i| both[i])
            .map(|i| bigrams[i])
            .collect();
        in_run.sort_unstable();
        in_run.dedup();
        let (terms, weight) = run_terms(&units[first..=last]);
        out.push(Window {
            first: first as u32,
            last: last as u32,
            terms,
            weight,
            bigrams: run_bigrams,
            in_both: in_run.len(),
        });
    }
    out
}

/// A run's content terms, sorted and unique, each with its highest weight
/// in the run, and their total weight.
fn run_terms(run: &[Unit]) -> (Vec<(u64, u8)>, f64) {
    let mut terms: Vec<(u64, u8)> = run
        .iter()
        .flat_map(|u| u.terms.iter().copied().zip(u.weights.iter().copied()))
        .collect();
    terms.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
    terms.dedup_by_key(|x| x.0);
    let weight = terms.iter().map(|t| t.1 as f64).sum();
    (terms, weight)
}

/// Weighted containment of the lighter of two windows' sorted, unique
/// (term, weight) lists in the other. A shared term counts with the larger
/// of its two weights (a name in either text is a name); the lighter
/// window's total is raised by the same amount, so the share stays in
/// [0, 1] when a term weighs more in the other window than in its own.
fn weighted_containment(x: &Window, y: &Window) -> f64 {
    let (a, b) = (&x.terms, &y.terms);
    let (mut i, mut j) = (0, 0);
    let (mut shared, mut raise_x, mut raise_y) = (0.0, 0.0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let weight = a[i].1.max(b[j].1) as f64;
                shared += weight;
                raise_x += weight - a[i].1 as f64;
                raise_y += weight - b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    let lighter = if x.weight <= y.weight {
        x.weight + raise_x
    } else {
        y.weight + raise_y
    };
    shared / lighter.max(1.0)
}

/// What [`best_window`] is asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WindowGoal {
    /// The best window pair, whatever its containment (to show where two
    /// texts agree most).
    Best,
    /// The best window pair only if it reaches these term and bigram
    /// containments (a passage-level finding); `None` otherwise, found
    /// without comparing windows when no pair can reach the bigram bar.
    Qualifying {
        /// Weighted term containment needed.
        terms: f64,
        /// Bigram containment needed.
        bigrams: f64,
    },
}

/// The window pair with the highest term plus bigram containment, among
/// windows that share content bigrams with the other document (`shared`:
/// the sorted rare bigrams the two documents have in common; `in_both`:
/// every bigram they have in common, common ones included, a superset).
///
/// Exact, with two shortcuts. A pair's bigram containment is at most the
/// in-both bigrams of the window with fewer bigrams over its count, so a
/// pair that cannot beat the best sum so far (its term containment being
/// at most one) is not compared; and for [`WindowGoal::Qualifying`], when
/// no window of either text reaches the bigram bar on its own, no pair can.
pub fn best_window(
    a: &[Unit],
    b: &[Unit],
    (shared, in_both): (&[u64], &[u64]),
    p: &AlignParams,
    goal: WindowGoal,
) -> Option<WindowMatch> {
    let wa = windows(
        a,
        p.window_terms,
        (shared, in_both),
        p.window_min_shared_bigrams,
    );
    if wa.is_empty() {
        return None;
    }
    let wb = windows(
        b,
        p.window_terms,
        (shared, in_both),
        p.window_min_shared_bigrams,
    );
    let bound = |w: &Window| w.in_both as f64 / w.bigrams.len().max(1) as f64;
    if let WindowGoal::Qualifying { bigrams, .. } = goal {
        let reachable = |ws: &[Window]| ws.iter().any(|w| bound(w) >= bigrams);
        if !reachable(&wa) && !reachable(&wb) {
            return None;
        }
    }
    let mut best: Option<WindowMatch> = None;
    let mut best_sum = f64::NEG_INFINITY;
    for x in &wa {
        for y in &wb {
            // Bigram containment of the pair is at most this.
            let smaller = if x.bigrams.len() <= y.bigrams.len() {
                x
            } else {
                y
            };
            if 1.0 + bound(smaller) <= best_sum {
                continue;
            }
            let term_containment = weighted_containment(x, y);
            let common = crate::shingle::sorted_intersection_len(&x.bigrams, &y.bigrams) as f64;
            let bigram_containment = common / x.bigrams.len().min(y.bigrams.len()).max(1) as f64;
            if term_containment + bigram_containment > best_sum {
                best_sum = term_containment + bigram_containment;
                best = Some(WindowMatch {
                    a_units: (x.first, x.last),
                    b_units: (y.first, y.last),
                    term_containment,
                    bigram_containment,
                });
            }
        }
    }
    match goal {
        WindowGoal::Best => best,
        WindowGoal::Qualifying { terms, bigrams } => best.filter(|m| m.reaches(terms, bigrams)),
    }
}

/// Aligns two documents' units: seeds, best seeds, passages.
pub fn align(a: &[Unit], b: &[Unit], p: &AlignParams) -> Vec<UnitPassage> {
    let all = seeds(a, b, p);
    passages(a, b, &best_seeds(&all), p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The window search by its definition: every window's bigrams listed
    /// and every pair of windows compared.
    fn best_window_by_definition(
        a: &[Unit],
        b: &[Unit],
        shared: &[u64],
        p: &AlignParams,
    ) -> Option<WindowMatch> {
        let all = |units: &[Unit]| {
            let mut out = Vec::new();
            for first in 0..units.len() {
                let (mut last, mut count) = (first, 0);
                while last < units.len() {
                    count += units[last].sequence.len();
                    if count >= p.window_terms {
                        break;
                    }
                    last += 1;
                }
                let last = last.min(units.len() - 1);
                if (count as f64) < 0.6 * p.window_terms as f64 {
                    break;
                }
                let run = &units[first..=last];
                let bigrams = crate::units::content_bigrams(run);
                if crate::shingle::sorted_intersection_len(&bigrams, shared)
                    < p.window_min_shared_bigrams
                {
                    continue;
                }
                let (terms, weight) = run_terms(run);
                out.push(Window {
                    first: first as u32,
                    last: last as u32,
                    terms,
                    weight,
                    bigrams,
                    in_both: 0,
                });
            }
            out
        };
        let (wa, wb) = (all(a), all(b));
        let mut best: Option<WindowMatch> = None;
        for x in &wa {
            for y in &wb {
                let term_containment = weighted_containment(x, y);
                let common = crate::shingle::sorted_intersection_len(&x.bigrams, &y.bigrams);
                let bigram_containment =
                    common as f64 / x.bigrams.len().min(y.bigrams.len()).max(1) as f64;
                if best.is_none_or(|m| {
                    term_containment + bigram_containment
                        > m.term_containment + m.bigram_containment
                }) {
                    best = Some(WindowMatch {
                        a_units: (x.first, x.last),
                        b_units: (y.first, y.last),
                        term_containment,
                        bigram_containment,
                    });
                }
            }
        }
        best
    }

    /// Units of random terms from a small vocabulary (so that windows share
    /// bigrams), weights 1 to 3.
    fn random_units(seed: u64, count: usize, vocabulary: u64) -> Vec<Unit> {
        let mut next = crate::test_support::xorshift(seed | 1);
        (0..count)
            .map(|i| {
                let n = 3 + (next() % 12) as usize;
                let sequence: Vec<u64> = (0..n).map(|_| next() % vocabulary).collect();
                let mut terms = sequence.clone();
                terms.sort_unstable();
                terms.dedup();
                let weights = terms.iter().map(|_| 1 + (next() % 3) as u8).collect();
                Unit {
                    first_token: i as u32 * 20,
                    end_token: i as u32 * 20 + 20,
                    start: i as u32 * 100,
                    end: i as u32 * 100 + 99,
                    terms,
                    weights,
                    sequence,
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn best_window_equals_comparing_every_pair(
            seeds in (any::<u64>(), any::<u64>()),
            sizes in (1usize..30, 1usize..30),
            vocabulary in 8u64..200,
            dropped in 0u64..4,
        ) {
            let (a, b) = (random_units(seeds.0, sizes.0, vocabulary), random_units(seeds.1, sizes.1, vocabulary));
            let p = AlignParams { window_terms: 20, ..AlignParams::default() };
            let (ba, bb) = (crate::units::content_bigrams(&a), crate::units::content_bigrams(&b));
            let in_both: Vec<u64> = ba.iter().copied().filter(|x| bb.binary_search(x).is_ok()).collect();
            // Some shared bigrams are common in the collection: rare ones
            // are a subset.
            let shared: Vec<u64> = in_both.iter().copied().filter(|x| dropped == 0 || x % 4 >= dropped).collect();
            let expected = best_window_by_definition(&a, &b, &shared, &p);
            let found = best_window(&a, &b, (&shared, &in_both), &p, WindowGoal::Best);
            prop_assert_eq!(found, expected);
            let (terms, bigrams) = (0.3, 0.2);
            let qualifying = best_window(&a, &b, (&shared, &in_both), &p, WindowGoal::Qualifying { terms, bigrams });
            prop_assert_eq!(
                qualifying,
                expected.filter(|m| m.reaches(terms, bigrams))
            );
        }
    }

    fn unit(i: u32, terms: &[u64]) -> Unit {
        Unit {
            first_token: i * 10,
            end_token: i * 10 + 10,
            start: i * 60,
            end: i * 60 + 59,
            terms: terms.to_vec(),
            weights: vec![1; terms.len()],
            sequence: terms.to_vec(),
        }
    }

    #[test]
    fn consecutive_reworded_units_form_one_passage() {
        let a = vec![
            unit(0, &[1, 2, 3, 4]),
            unit(1, &[5, 6, 7, 8]),
            unit(2, &[9, 10, 11, 12]),
        ];
        let b = vec![
            unit(0, &[50, 51, 52]),
            unit(1, &[1, 2, 3, 40]),
            unit(2, &[5, 6, 7, 41]),
            unit(3, &[9, 10, 11, 42]),
        ];
        let ps = align(&a, &b, &AlignParams::default());
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].a_units, (0, 2));
        assert_eq!(ps[0].b_units, (1, 3));
        assert!(ps[0].similarity > 0.5);
    }

    #[test]
    fn weak_single_seeds_are_not_passages() {
        let a = vec![unit(0, &[1, 2, 3, 4, 5, 6, 10, 11]), unit(1, &[20, 21, 22])];
        let b = vec![unit(0, &[30, 31, 32]), unit(1, &[1, 2, 3, 7, 8, 9, 12, 13])];
        assert!(align(&a, &b, &AlignParams::default()).is_empty());
    }

    #[test]
    fn best_window_finds_the_reused_paragraph() {
        // b embeds a's terms 100..140 (in order) among unrelated text.
        let seq = |r: std::ops::Range<u64>| r.collect::<Vec<u64>>();
        let a: Vec<Unit> = (0..4)
            .map(|k| unit(k, &seq(100 + k as u64 * 10..110 + k as u64 * 10)))
            .collect();
        let b: Vec<Unit> = (0..8)
            .map(|k| {
                if (2..6).contains(&k) {
                    unit(
                        k,
                        &seq(100 + (k as u64 - 2) * 10..110 + (k as u64 - 2) * 10),
                    )
                } else {
                    unit(k, &seq(k as u64 * 1000..k as u64 * 1000 + 10))
                }
            })
            .collect();
        let shared = {
            let (x, y) = (
                crate::units::content_bigrams(&a),
                crate::units::content_bigrams(&b),
            );
            x.into_iter()
                .filter(|v| y.binary_search(v).is_ok())
                .collect::<Vec<_>>()
        };
        let m = best_window(
            &a,
            &b,
            (&shared, &shared),
            &AlignParams::default(),
            WindowGoal::Best,
        )
        .expect("a window match");
        assert_eq!(m.b_units, (2, 5));
        assert!(
            m.term_containment > 0.99 && m.bigram_containment > 0.99,
            "{m:?}"
        );
    }
}
