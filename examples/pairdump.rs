//! Diagnostic: evaluates every pair of a small corpus and prints one JSON
//! line of features per pair, for tuning the rewrite tier against labelled
//! data (`cargo run --release --example pairdump -- DIR`).

use dedup::align::{best_seeds, seeds};
use dedup::features::Extractor;
use dedup::input::{load, InputOptions};
use dedup::params::Params;
use dedup::shingle::sorted_intersection_len;
use dedup::verify::evaluate;

fn terms(f: &dedup::features::Features) -> Vec<u64> {
    let mut v: Vec<u64> = f
        .units
        .get()
        .unwrap()
        .iter()
        .flat_map(|u| u.terms.iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
fn uniq(f: &dedup::features::Features) -> usize {
    terms(f).len()
}
fn shared_terms(a: &dedup::features::Features, b: &dedup::features::Features) -> usize {
    sorted_intersection_len(&terms(a), &terms(b))
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: pairdump DIR");
    let loaded = load(&[dir.into()], &InputOptions::default());
    let params = Params::default();
    let ex = Extractor::new(&params.features);
    let feats: Vec<_> = loaded.documents.iter().map(|d| ex.features(d)).collect();
    for i in 0..feats.len() {
        for j in i + 1..feats.len() {
            let (fa, fb) = (&feats[i], &feats[j]);
            let (da, db) = (&loaded.documents[i], &loaded.documents[j]);
            let (ua, ub) = (fa.units(da), fb.units(db));
            let e = evaluate((fa, ua), (fb, ub), &params, &Default::default());
            let all = seeds(ua, ub, &params.align);
            let best = best_seeds(&all);
            let shared_keys = sorted_intersection_len(&fa.bigrams, &fb.bigrams);
            let strong = best.iter().filter(|s| s.jaccard >= 0.5).count();
            let mid = best.iter().filter(|s| s.jaccard >= 0.35).count();
            let line = serde_json::json!({
                "a": loaded.documents[i].id, "b": loaded.documents[j].id,
                "j5": e.sets.jaccard, "c5ab": e.sets.containment_a_in_b, "c5ba": e.sets.containment_b_in_a,
                "ua": ua.len(), "ub": ub.len(), "ta": fa.tokens, "tb": fb.tokens,
                "seeds": all.len(), "best": best.len(), "strong": strong, "mid": mid,
                "passages": e.passages.len(), "aligned": e.aligned_units,
                "cov_a": e.coverage_a, "cov_b": e.coverage_b, "sim": e.mean_similarity,
                "keys": shared_keys, "nba": fa.bigrams.len(), "nbb": fb.bigrams.len(),
                "ua_terms": uniq(fa), "ub_terms": uniq(fb), "u_shared": shared_terms(fa, fb), "docbi": e.bigram_containment,
                "wu": e.window.map(|w| w.term_containment).unwrap_or(0.0),
                "wbi": e.window.map(|w| w.bigram_containment).unwrap_or(0.0),
                "found": dedup::verify::decide(&e, &params).map(|d| d.0.as_str()),
                "best_j": best.iter().map(|s| (s.jaccard * 100.0).round() / 100.0).collect::<Vec<_>>(),
            });
            println!("{line}");
        }
    }
}
