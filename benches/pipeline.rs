//! Criterion benchmarks of the hot paths: per-document feature extraction
//! (normalize + shingle + MinHash, and the rewrite tier's content bigrams),
//! LSH bucketing, and the alignment of one candidate pair.
//!
//! Run with `cargo bench`; throughput is reported in bytes of input text per
//! second on one core (the benchmarks are single-threaded).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dedup::candidates::candidate_pairs;
use dedup::features::Extractor;
use dedup::normalize::normalize;
use dedup::shingle::word_shingles;
use dedup::sketch::MinHasher;
use dedup::units::{UnitExtractor, UnitParams};
use dedup::verify::evaluate;
use dedup::{Document, Params};

mod common;

/// The sample articles: real news prose, about 40 KB in all.
fn sample_texts() -> Vec<String> {
    common::texts("samples")
}

fn hot_loop(c: &mut Criterion) {
    let texts = sample_texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let params = Params::new(5, 128, 0.5).unwrap();
    let hasher = MinHasher::new(params.features.num_perm, params.features.seed);
    let units = UnitExtractor::new(UnitParams::default());
    let extractor = Extractor::new(&params.features);

    let mut group = c.benchmark_group("per_document");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("normalize", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(normalize(t));
            }
        })
    });
    group.bench_function("normalize_shingle_minhash", |b| {
        b.iter(|| {
            for t in &texts {
                let norm = normalize(t);
                let shingles = word_shingles(&norm, params.features.shingle_size);
                black_box(hasher.sketch(&shingles));
            }
        })
    });
    group.bench_function("content_bigrams", |b| {
        let norms: Vec<_> = texts.iter().map(|t| normalize(t)).collect();
        b.iter(|| {
            for n in &norms {
                black_box(units.bigrams(n));
            }
        })
    });
    group.bench_function("all_features", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(extractor.features_of(t, &normalize(t)));
            }
        })
    });
    group.finish();
}

fn lsh_bucketing(c: &mut Criterion) {
    let params = Params::new(5, 128, 0.5).unwrap();
    let hasher = MinHasher::new(params.features.num_perm, params.features.seed);
    let mut group = c.benchmark_group("lsh");
    for n in [1_000usize, 10_000] {
        // Random shingle sets: mostly distinct buckets, the common case.
        let signatures: Vec<_> = (0..n as u64)
            .map(|d| {
                let hashes: Vec<u64> = (0..200u64)
                    .map(|i| dedup::hash::stable_hash(&(d * 1000 + i).to_le_bytes(), 7))
                    .collect();
                hasher.sketch_hashes(&hashes)
            })
            .collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("candidate_pairs", n),
            &signatures,
            |b, s| {
                b.iter(|| {
                    black_box(candidate_pairs(
                        s,
                        params.features.lsh,
                        params.candidates.max_bucket,
                    ))
                })
            },
        );
    }
    group.finish();
}

fn alignment(c: &mut Criterion) {
    let texts = sample_texts();
    let params = Params::new(5, 128, 0.5).unwrap();
    let extractor = Extractor::new(&params.features);
    // The reference pair: a rewrite (000) and its source (001).
    let (a, b) = (
        Document::from_text("a", &texts[0]),
        Document::from_text("b", &texts[1]),
    );
    let (fa, fb) = (extractor.features(&a), extractor.features(&b));
    let (ua, ub) = (fa.units(&a).to_vec(), fb.units(&b).to_vec());
    let mut group = c.benchmark_group("align");
    group.throughput(Throughput::Bytes((a.text.len() + b.text.len()) as u64));
    group.bench_function("evaluate_rewrite_pair", |bench| {
        bench.iter(|| {
            black_box(evaluate(
                (&fa, &ua),
                (&fb, &ub),
                &params,
                &Default::default(),
            ))
        })
    });
    group.bench_function("units_and_evaluate", |bench| {
        let units = UnitExtractor::new(UnitParams::default());
        bench.iter(|| {
            let ua = units.units(&a.text, &normalize(&a.text));
            let ub = units.units(&b.text, &normalize(&b.text));
            black_box(evaluate(
                (&fa, &ua),
                (&fb, &ub),
                &params,
                &Default::default(),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, hot_loop, lsh_bucketing, alignment);
criterion_main!(benches);
