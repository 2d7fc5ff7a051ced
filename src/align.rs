//! Passage alignment for one candidate pair, in the manner of the PAN
//! text-alignment systems (seed, extend, merge, filter): unit pairs with
//! enough content-term overlap are seeds; seeds close to each other in both
//! documents merge into passages; passages backed by too little evidence are
//! dropped.

use crate::units::Unit;
use ahash::AHashMap;

/// Tunables of alignment.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
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
}

impl Default for AlignParams {
    fn default() -> Self {
        AlignParams {
            seed_jaccard: 0.35,
            seed_overlap: 0.6,
            seed_min_shared: 3,
            min_unit_terms: 3,
            max_gap: 3,
            single_seed_jaccard: 0.7,
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
    let mut postings: AHashMap<u64, Vec<u32>> = AHashMap::new();
    for (j, u) in b.iter().enumerate() {
        if u.terms.len() >= p.min_unit_terms {
            for &t in &u.terms {
                postings.entry(t).or_default().push(j as u32);
            }
        }
    }
    let mut out = Vec::new();
    let mut counts: AHashMap<u32, u32> = AHashMap::new();
    for (i, u) in a.iter().enumerate() {
        if u.terms.len() < p.min_unit_terms {
            continue;
        }
        counts.clear();
        for t in &u.terms {
            if let Some(js) = postings.get(t) {
                for &j in js {
                    *counts.entry(j).or_insert(0) += 1;
                }
            }
        }
        for (&j, &shared) in &counts {
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
    fn one_shared_stock_phrase_is_not_a_passage() {
        let a = vec![unit(0, &[1, 2, 3, 4, 5, 6]), unit(1, &[20, 21, 22])];
        let b = vec![unit(0, &[30, 31, 32]), unit(1, &[1, 2, 3, 7, 8, 9])];
        assert!(align(&a, &b, &AlignParams::default()).is_empty());
    }
}
