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

/// A run of units holding about `window_terms` content terms.
struct Window {
    first: u32,
    last: u32,
    /// Sorted, unique (term, weight).
    terms: Vec<(u64, u8)>,
    weight: f64,
    bigrams: Vec<u64>,
}

/// Windows starting at every unit, each extended until it holds
/// `size` content terms; windows that cannot reach 60% of that (the end of
/// the text) are dropped. Only windows with `min_shared` bigrams in
/// `shared` are kept.
fn windows(units: &[Unit], size: usize, shared: &[u64], min_shared: usize) -> Vec<Window> {
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
        let run = &units[first..=last];
        let bigrams = crate::units::content_bigrams(run);
        if crate::shingle::sorted_intersection_len(&bigrams, shared) < min_shared {
            continue;
        }
        let mut terms: Vec<(u64, u8)> = run
            .iter()
            .flat_map(|u| u.terms.iter().copied().zip(u.weights.iter().copied()))
            .collect();
        terms.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
        terms.dedup_by_key(|x| x.0);
        let weight = terms.iter().map(|t| t.1 as f64).sum();
        out.push(Window {
            first: first as u32,
            last: last as u32,
            terms,
            weight,
            bigrams,
        });
    }
    out
}

/// Weighted intersection of two sorted (term, weight) lists: each shared
/// term counts with the larger of its two weights.
fn weighted_intersection(a: &[(u64, u8)], b: &[(u64, u8)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1.max(b[j].1) as f64;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// The window pair with the highest term plus bigram containment, among
/// windows that share content bigrams with the other document (`shared`:
/// the sorted bigrams the two documents have in common).
pub fn best_window(a: &[Unit], b: &[Unit], shared: &[u64], p: &AlignParams) -> Option<WindowMatch> {
    let wa = windows(a, p.window_terms, shared, p.window_min_shared_bigrams);
    if wa.is_empty() {
        return None;
    }
    let wb = windows(b, p.window_terms, shared, p.window_min_shared_bigrams);
    let mut best: Option<WindowMatch> = None;
    for x in &wa {
        for y in &wb {
            let term_containment =
                weighted_intersection(&x.terms, &y.terms) / x.weight.min(y.weight).max(1.0);
            let common = crate::shingle::sorted_intersection_len(&x.bigrams, &y.bigrams) as f64;
            let bigram_containment = common / x.bigrams.len().min(y.bigrams.len()).max(1) as f64;
            let better = best.is_none_or(|m| {
                term_containment + bigram_containment > m.term_containment + m.bigram_containment
            });
            if better {
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

/// Aligns two documents' units: seeds, best seeds, passages.
pub fn align(a: &[Unit], b: &[Unit], p: &AlignParams) -> Vec<UnitPassage> {
    let all = seeds(a, b, p);
    passages(a, b, &best_seeds(&all), p)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let m = best_window(&a, &b, &shared, &AlignParams::default()).expect("a window match");
        assert_eq!(m.b_units, (2, 5));
        assert!(
            m.term_containment > 0.99 && m.bigram_containment > 0.99,
            "{m:?}"
        );
    }
}
