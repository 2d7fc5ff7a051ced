//! Criterion benchmarks of the semantic tier: sentence embedding
//! throughput (sentences per second, one core) and the comparison of one
//! pair (embedding both sides and aligning their sentences), the work the
//! tier adds to each candidate pair the lexical tiers do not report.
//!
//! Run with `cargo bench --bench semantic`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dedup::params::SemanticParams;
use dedup::semantic::{compare, embed, StaticModel};
mod common;

use common::texts;

fn semantic(c: &mut Criterion) {
    let model = StaticModel::builtin();
    let samples = texts("samples");
    let sentences: usize = samples.iter().map(|t| embed(model, t).len()).sum();
    let mut g = c.benchmark_group("semantic");
    g.throughput(Throughput::Elements(sentences as u64));
    g.bench_function("embed_samples_sentences", |b| {
        b.iter(|| {
            for t in &samples {
                black_box(embed(model, black_box(t)));
            }
        })
    });
    g.finish();

    let params = SemanticParams::default();
    let (a, b) = (&samples[0], &samples[1]);
    c.bench_function("semantic/compare_news_pair", |bench| {
        bench.iter(|| black_box(compare(model, black_box(a), black_box(b), &params)))
    });
    let para = texts("tests/data/para/docs");
    c.bench_function("semantic/compare_passage_pair", |bench| {
        bench.iter(|| {
            black_box(compare(
                model,
                black_box(&para[0]),
                black_box(&para[1]),
                &params,
            ))
        })
    });
}

criterion_group!(benches, semantic);
criterion_main!(benches);
