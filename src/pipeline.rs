//! The scan pipeline: documents in, report out. Each stage is its own
//! module; this one only wires them together and runs the per-document and
//! per-pair work in parallel (rayon). Every pair decision depends on the two
//! documents and the parameters alone, never on the rest of the corpus, so
//! checking against a persistent index gives the same findings as a scan of
//! the union.

use crate::align::{align, UnitPassage};
use crate::candidates::{candidate_pairs, CandidatePair};
use crate::cluster::groups;
use crate::hash::stable_hash;
use crate::input::{Document, InputError};
use crate::normalize::{normalize, NormalizedText};
use crate::params::Params;
use crate::provenance::{attribute, PairShape};
use crate::report::{
    round4, Cluster, DocumentInfo, Finding, MatchKind, Passage, Report, Stats, Verdict,
    SCHEMA_VERSION,
};
use crate::shingle::{content_hash, sorted_intersection_len, word_shingles, Shingles};
use crate::sketch::{MinHasher, Signature};
use crate::units::{Unit, UnitExtractor, UnitParams};
use crate::verify::{set_similarity, SetSimilarity};
use ahash::AHashMap;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::time::Instant;

/// Everything the pipeline derives from one document.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Number of word tokens.
    pub tokens: usize,
    /// Hash of the normalized text (exact duplicates).
    pub content_hash: u64,
    /// Word-shingle set (near-duplicate tier, verification).
    pub shingles: Shingles,
    /// MinHash of the shingle set.
    pub signature: Signature,
    /// Content units (rewrite tier, alignment).
    pub units: Vec<Unit>,
    /// Sorted, unique LSH keys of the unit sketches (rewrite tier).
    pub unit_keys: Vec<u64>,
}

/// Reusable per-run state for feature extraction.
pub struct Extractor {
    params: Params,
    doc_hasher: MinHasher,
    unit_hasher: MinHasher,
    units: UnitExtractor,
}

impl Extractor {
    /// An extractor for `params`.
    pub fn new(params: &Params) -> Self {
        Extractor {
            params: params.clone(),
            doc_hasher: MinHasher::new(params.num_perm, params.seed),
            unit_hasher: MinHasher::new(params.unit_perm, params.seed ^ 0x5555),
            units: UnitExtractor::new(UnitParams::default()),
        }
    }

    /// All features of one document.
    pub fn features(&self, doc: &Document) -> Features {
        let norm = normalize(&doc.text);
        self.features_of(&doc.text, &norm)
    }

    /// Features from an already normalized text.
    pub fn features_of(&self, text: &str, norm: &NormalizedText) -> Features {
        let shingles = word_shingles(norm, self.params.shingle_size);
        let signature = if shingles.is_empty() {
            Signature::default()
        } else {
            self.doc_hasher.sketch(&shingles)
        };
        let (units, unit_keys) = if self.params.rewrite_tier {
            let units = self.units.units(text, norm);
            let keys = self.unit_keys(&units);
            (units, keys)
        } else {
            (Vec::new(), Vec::new())
        };
        Features {
            tokens: norm.len(),
            content_hash: content_hash(norm),
            shingles,
            signature,
            units,
            unit_keys,
        }
    }

    /// LSH keys of every unit with enough content terms: `unit_rows` MinHash
    /// slots per band, hashed with the band number.
    fn unit_keys(&self, units: &[Unit]) -> Vec<u64> {
        let rows = self.params.unit_rows;
        let mut keys = Vec::with_capacity(units.len() * self.params.unit_bands());
        for u in units
            .iter()
            .filter(|u| u.terms.len() >= self.params.align.min_unit_terms)
        {
            let sig = self.unit_hasher.sketch_hashes(&u.terms);
            for band in 0..self.params.unit_bands() {
                let mut bytes = [0u8; 64];
                let slots = &sig.0[band * rows..(band + 1) * rows];
                for (k, v) in slots.iter().enumerate().take(16) {
                    bytes[k * 4..k * 4 + 4].copy_from_slice(&v.to_le_bytes());
                }
                keys.push(stable_hash(
                    &bytes[..rows.min(16) * 4],
                    0x1_0000 + band as u64,
                ));
            }
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// Rewrite-tier candidates: documents sharing at least
/// `min_shared_unit_keys` unit keys, ignoring keys shared by more than
/// `max_unit_bucket` documents (too common to be evidence).
pub fn unit_candidate_pairs(features: &[Features], params: &Params) -> Vec<CandidatePair> {
    let mut entries: Vec<(u64, u32)> = features
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, f)| f.unit_keys.iter().map(move |&k| (k, i as u32)))
        .collect();
    entries.par_sort_unstable();
    let runs: Vec<&[(u64, u32)]> = entries
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|r| r.len() >= 2 && r.len() <= params.max_unit_bucket)
        .collect();
    let mut pairs: Vec<CandidatePair> = runs
        .par_iter()
        .flat_map_iter(|run| {
            run.iter().enumerate().flat_map(move |(i, &(_, x))| {
                run[i + 1..]
                    .iter()
                    .map(move |&(_, y)| CandidatePair::new(x, y))
            })
        })
        .collect();
    pairs.par_sort_unstable();
    let mut out = Vec::new();
    for run in pairs.chunk_by(|x, y| x == y) {
        if run.len() >= params.min_shared_unit_keys && run[0].a != run[0].b {
            out.push(run[0]);
        }
    }
    out
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
pub fn evaluate(fa: &Features, fb: &Features, params: &Params) -> PairEvaluation {
    let exact = fa.tokens > 0 && fa.content_hash == fb.content_hash;
    let sets = set_similarity(&fa.shingles, &fb.shingles);
    let passages = align(&fa.units, &fb.units, &params.align);
    let coverage_a = coverage(&fa.units, passages.iter().map(|p| p.a_units), fa.tokens);
    let coverage_b = coverage(&fb.units, passages.iter().map(|p| p.b_units), fb.tokens);
    let aligned_units = passages.iter().map(|p| p.seeds.len()).sum();
    let weight: f64 = passages.iter().map(|p| p.seeds.len() as f64).sum();
    let mean_similarity = if weight > 0.0 {
        passages
            .iter()
            .map(|p| p.similarity * p.seeds.len() as f64)
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
    }
}

/// The verdict and score of an evaluated pair, or `None` for no finding.
pub fn decide(e: &PairEvaluation, params: &Params) -> Option<(Verdict, f64)> {
    if e.exact {
        return Some((Verdict::Exact, 1.0));
    }
    if e.sets.jaccard >= params.threshold {
        return Some((Verdict::NearDuplicate, e.sets.jaccard));
    }
    if !params.rewrite_tier || e.aligned_units < params.min_aligned_units {
        return None;
    }
    let cov_max = e.coverage_a.max(e.coverage_b);
    let score = 0.5 * cov_max + 0.5 * e.mean_similarity;
    let verbatim = e.sets.containment_a_in_b.max(e.sets.containment_b_in_a) >= 0.5;
    if cov_max >= 0.5 && !verbatim {
        Some((Verdict::Paraphrase, score))
    } else {
        Some((Verdict::PartialReuse, score))
    }
}

/// Word-trigram hashes of a text slice, for the verbatim test of a passage.
fn trigrams(text: &str) -> Vec<u64> {
    word_shingles(&normalize(text), 3).0
}

/// Turns unit passages into report passages with byte ranges and texts.
fn report_passages(
    a: &Document,
    fa: &Features,
    b: &Document,
    fb: &Features,
    passages: &[UnitPassage],
) -> Vec<Passage> {
    passages
        .iter()
        .map(|p| {
            let ra = [
                fa.units[p.a_units.0 as usize].start as usize,
                fa.units[p.a_units.1 as usize].end as usize,
            ];
            let rb = [
                fb.units[p.b_units.0 as usize].start as usize,
                fb.units[p.b_units.1 as usize].end as usize,
            ];
            let (ta, tb) = (&a.text[ra[0]..ra[1]], &b.text[rb[0]..rb[1]]);
            let (ga, gb) = (trigrams(ta), trigrams(tb));
            let shared = sorted_intersection_len(&ga, &gb) as f64;
            let verbatim = shared / (ga.len().min(gb.len()).max(1) as f64) >= 0.5;
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
) -> Option<Finding> {
    let e = evaluate(fa, fb, params);
    let (verdict, score) = decide(&e, params)?;
    let shape = PairShape {
        verdict,
        coverage_a: e.coverage_a,
        coverage_b: e.coverage_b,
        passages: e.passages.len(),
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
        passages: report_passages(a, fa, b, fb, &e.passages),
    })
}

/// Which pairs a run reports.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Every pair of documents.
    All,
    /// Only pairs with at least one document marked `true` (new documents
    /// in `dedup check`).
    Focus(&'a [bool]),
}

/// Runs the whole pipeline over loaded documents.
pub fn scan(
    documents: &[Document],
    errors: Vec<InputError>,
    params: &Params,
    scope: Scope,
) -> Report {
    let mut timings = BTreeMap::new();
    let mut counters = BTreeMap::new();
    let t = Instant::now();
    let extractor = Extractor::new(params);
    let features: Vec<Features> = documents
        .par_iter()
        .map(|d| extractor.features(d))
        .collect();
    timings.insert("sketch".to_string(), t.elapsed().as_secs_f64() * 1e3);

    let t = Instant::now();
    let in_scope = |p: &CandidatePair| match scope {
        Scope::All => true,
        Scope::Focus(mask) => mask[p.a as usize] || mask[p.b as usize],
    };
    let mut pairs = exact_pairs(&features);
    let signatures: Vec<Signature> = features.iter().map(|f| f.signature.clone()).collect();
    let near = candidate_pairs(&signatures, params.lsh, params.max_bucket);
    counters.insert("candidates_near_duplicate".to_string(), near.len() as u64);
    pairs.extend(near);
    if params.rewrite_tier {
        let rewrite = unit_candidate_pairs(&features, params);
        counters.insert("candidates_rewrite".to_string(), rewrite.len() as u64);
        pairs.extend(rewrite);
    }
    pairs.retain(|p| in_scope(p));
    pairs.sort_unstable();
    pairs.dedup();
    counters.insert("candidates".to_string(), pairs.len() as u64);
    timings.insert("candidates".to_string(), t.elapsed().as_secs_f64() * 1e3);

    let t = Instant::now();
    let mut findings: Vec<Finding> = pairs
        .par_iter()
        .filter_map(|p| {
            let (a, b) = (p.a as usize, p.b as usize);
            finding(
                &documents[a],
                &features[a],
                &documents[b],
                &features[b],
                params,
            )
        })
        .collect();
    findings.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    timings.insert("verify_align".to_string(), t.elapsed().as_secs_f64() * 1e3);

    let clusters = clusters(documents, &features, &findings);
    let mut report = Report {
        version: SCHEMA_VERSION,
        tool: format!("dedup {}", env!("CARGO_PKG_VERSION")),
        params: serde_json::to_value(params).unwrap_or_default(),
        summary: Default::default(),
        documents: documents
            .iter()
            .zip(&features)
            .map(|(d, f)| DocumentInfo {
                id: d.id.clone(),
                path: d.path.clone(),
                bytes: d.bytes,
                tokens: f.tokens,
                encoding: d.encoding,
                format: d.format,
                meta: d.meta.clone(),
                warnings: d.warnings.clone(),
            })
            .collect(),
        pairs: findings,
        clusters,
        errors,
        stats: Stats {
            threads: rayon::current_num_threads(),
            timings_ms: timings,
            counters,
        },
    };
    report.summarize();
    report
}

/// Pairs of documents with identical normalized text, found by hash.
fn exact_pairs(features: &[Features]) -> Vec<CandidatePair> {
    let mut by_hash: AHashMap<u64, Vec<u32>> = AHashMap::new();
    for (i, f) in features.iter().enumerate() {
        if f.tokens > 0 {
            by_hash.entry(f.content_hash).or_default().push(i as u32);
        }
    }
    let mut out = Vec::new();
    for group in by_hash.values() {
        // A star around the first member keeps large groups linear.
        out.extend(group[1..].iter().map(|&d| CandidatePair::new(group[0], d)));
    }
    out
}

/// Clusters of whole-document reuse (exact, near-duplicate, paraphrase;
/// partial reuse does not make two documents duplicates). The document kept
/// is one never named as derived, then the longest, then the smallest id.
fn clusters(documents: &[Document], features: &[Features], findings: &[Finding]) -> Vec<Cluster> {
    let index: AHashMap<&str, u32> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i as u32))
        .collect();
    let whole = findings
        .iter()
        .filter(|f| f.verdict != Verdict::PartialReuse);
    let edges: Vec<(u32, u32)> = whole
        .clone()
        .map(|f| (index[f.a.as_str()], index[f.b.as_str()]))
        .collect();
    let mut derived = vec![false; documents.len()];
    for f in whole {
        if let Some(src) = &f.source {
            let other = if src == &f.a { &f.b } else { &f.a };
            derived[index[other.as_str()] as usize] = true;
        }
    }
    groups(documents.len(), edges)
        .into_iter()
        .map(|g| {
            let keep = *g
                .iter()
                .min_by_key(|&&i| {
                    (
                        derived[i as usize],
                        std::cmp::Reverse(features[i as usize].tokens),
                        i,
                    )
                })
                .expect("groups are non-empty");
            Cluster {
                keep: documents[keep as usize].id.clone(),
                drop: g
                    .iter()
                    .filter(|&&i| i != keep)
                    .map(|&i| documents[i as usize].id.clone())
                    .collect(),
            }
        })
        .collect()
}
