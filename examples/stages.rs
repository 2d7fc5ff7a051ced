//! Times each step of feature extraction on one core, best of five runs:
//! `cargo run --release --example stages -- DIR` (the first 3,000 files).
use dedup::language::language_of;
use dedup::normalize::normalize;
use dedup::shingle::{ordered_shingles, Shingles};
use dedup::sketch::MinHasher;
use dedup::units::{UnitExtractor, UnitParams};
use dedup::verbatim;
use std::time::{Duration, Instant};

fn best<T>(label: &str, mut f: impl FnMut() -> T) -> T {
    let mut min = Duration::MAX;
    let mut out = None;
    for _ in 0..5 {
        let t = Instant::now();
        let r = f();
        min = min.min(t.elapsed());
        out = Some(r);
    }
    println!("{label:<24} {:>8.1} ms", min.as_secs_f64() * 1e3);
    out.unwrap()
}

fn main() {
    let dir = std::env::args().nth(1).expect("DIR");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .take(3000)
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let norms = best("normalize", || {
        texts.iter().map(|t| normalize(t).len()).sum::<usize>()
    });
    let _ = norms;
    let norms: Vec<_> = texts.iter().map(|t| normalize(t)).collect();
    let ords = best("ordered_shingles", || {
        norms
            .iter()
            .map(|n| ordered_shingles(n, 0, n.len(), 5))
            .collect::<Vec<_>>()
    });
    best("fingerprints", || {
        ords.iter()
            .map(|o| verbatim::fingerprints(o, verbatim::winnow_window(5)).len())
            .sum::<usize>()
    });
    let sets = best("sort shingles", || {
        ords.iter()
            .cloned()
            .map(Shingles::from_hashes)
            .collect::<Vec<_>>()
    });
    let h = MinHasher::new(128, dedup::sketch::MINHASH_SEED);
    best("minhash", || {
        sets.iter().map(|s| h.sketch(s).0[0]).fold(0, |a, b| a ^ b)
    });
    let langs = best("language", || {
        texts
            .iter()
            .map(|t| language_of(t, None))
            .collect::<Vec<_>>()
    });
    best("sentence_bigrams+finish", || {
        let mut n = 0;
        for ((t, nm), l) in texts.iter().zip(&norms).zip(&langs) {
            let sb =
                UnitExtractor::for_language(UnitParams::default(), &l.code).sentence_bigrams(t, nm);
            n += sb.sentence_hashes().count();
            n += sb.finish(|_| false).0.len();
        }
        n
    });
    best("units", || {
        let mut n = 0;
        for ((t, nm), l) in texts.iter().zip(&norms).zip(&langs) {
            n += UnitExtractor::for_language(UnitParams::default(), &l.code)
                .units(t, nm)
                .len();
        }
        n
    });
}
