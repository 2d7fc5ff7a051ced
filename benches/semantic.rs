//! Criterion benchmarks of the semantic tier: sentence embedding
//! throughput (sentences per second, one core) and the comparison of one
//! pair (embedding both sides and aligning their sentences), the work the
//! tier adds to each candidate pair the lexical tiers do not report, and
//! its candidate stage over the paraphrase set's 140 documents: their
//! sentence keys (the work each keyed document adds to the sketch stage),
//! then the rare-key rule over them.
//!
//! Run with `cargo bench --bench semantic`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dedup::candidates::rewrite_candidate_pairs;
use dedup::params::Params;
use dedup::params::SemanticParams;
use dedup::semantic::keys::sentence_keys;
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
    let para_sentences: usize = para.iter().map(|t| embed(model, t).len()).sum();
    let mut g = c.benchmark_group("semantic_candidates");
    g.throughput(Throughput::Elements(para_sentences as u64));
    g.bench_function("sentence_keys_para", |b| {
        b.iter(|| {
            for t in &para {
                black_box(sentence_keys(model, black_box(t)));
            }
        })
    });
    let keys: Vec<Vec<u64>> = para.iter().map(|t| sentence_keys(model, t)).collect();
    let views: Vec<&[u64]> = keys.iter().map(Vec::as_slice).collect();
    let rule = Params::default().candidates.sentence_keys();
    g.bench_function("candidate_pairs_para", |b| {
        b.iter(|| {
            black_box(rewrite_candidate_pairs(
                black_box(&views),
                rule,
                &|_, _, _| false,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, semantic);
criterion_main!(benches);
