//! The scan pipeline: documents in, report out. Each stage is its own
//! module; this one only wires them together and runs the per-document and
//! per-pair work in parallel (rayon):
//!
//! [`features`](crate::features) → [`candidates`](crate::candidates) →
//! [`verify`](crate::verify) (with [`align`](crate::align) and
//! [`provenance`](crate::provenance)) → [`cluster`](crate::cluster) →
//! [`Report`].
//!
//! A pair decision depends on the two documents, the parameters and two
//! facts about the whole collection ([`Collection`]: common bigrams,
//! boilerplate sentences); a check against an index is given those facts
//! from the index, so that it finds what a scan of the union would.

use crate::boilerplate::Boilerplate;
use crate::candidates::{
    candidate_pairs, exact_pairs, rewrite_candidate_pairs, CandidatePair, CommonBigrams,
    LanguageShares,
};
use crate::cluster::clusters;
use crate::dense::{onto_representatives, NearDuplicateClusters};
use crate::features::{Extractor, Features};
use crate::input::{Document, InputError};
use crate::language::language_id;
use crate::model::Cluster;
use crate::model::{DocumentInfo, Finding, Report, Stats, SCHEMA_VERSION};
use crate::params::Params;
use crate::sketch::Signature;
use crate::verify::{pair_finding, set_similarity};
use ahash::AHashMap;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::time::Instant;

/// Candidate pairs verified per batch (see [`scan_with_progress`]): large
/// enough to keep both cores busy, small enough that the units of one batch
/// are a small part of memory.
pub const VERIFY_BATCH: usize = 4096;

/// Hands the allocator's free pages back to the system. Between stages a
/// large scan frees hundreds of megabytes in small blocks (texts read,
/// candidate keys, units) that glibc keeps mapped; the next stage's
/// allocations would then add to the peak instead of reusing them. (The
/// `dedup` binary runs on jemalloc, which returns pages as they are freed;
/// this serves library users on glibc's allocator.)
fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory no allocation holds.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// `n` flags, set at each of `indices` (repeats allowed).
fn marks(n: usize, indices: impl IntoIterator<Item = usize>) -> Vec<bool> {
    let mut marked = vec![false; n];
    for i in indices {
        marked[i] = true;
    }
    marked
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

/// What a scan learns from the whole collection rather than from a pair,
/// given by an index check, whose scan sees only part of the collection.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// Boilerplate sentences.
    pub boilerplate: Boilerplate,
    /// Common content bigrams.
    pub common: CommonBigrams,
}

/// Runs the whole pipeline over loaded documents.
pub fn scan(
    documents: &[Document],
    errors: Vec<InputError>,
    params: &Params,
    scope: Scope,
) -> Report {
    scan_with_progress(documents, errors, params, scope, None, &|_, _, _| {})
}

/// Progress callback: stage name, items done, items in the stage.
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

/// [`scan`], reporting progress (called every few hundred items, from any
/// thread). `collection` gives the boilerplate and common bigrams of a
/// larger collection these documents are part of (an index check); `None`
/// finds them in `documents`.
pub fn scan_with_progress(
    documents: &[Document],
    errors: Vec<InputError>,
    params: &Params,
    scope: Scope,
    collection: Option<&Collection>,
    progress: Progress,
) -> Report {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = |stage: &str, total: usize| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if n.is_multiple_of(256) || n == total {
            progress(stage, n, total);
        }
    };
    let mut timings = BTreeMap::new();
    let mut counters = BTreeMap::new();
    let t = Instant::now();
    // A scan of everything keeps sketches, not shingle sets, and builds
    // the sets again for the documents in a candidate pair.
    let extractor = match scope {
        Scope::All => Extractor::new(&params.features).dropping_shingles(),
        Scope::Focus(_) => Extractor::new(&params.features),
    };
    let mut features: Vec<Features> = documents
        .par_iter()
        .map(|d| {
            let f = extractor.features(d);
            tick("sketching", documents.len());
            f
        })
        .collect();
    return_free_memory();
    timings.insert("sketch".to_string(), t.elapsed().as_secs_f64() * 1e3);

    // Boilerplate is a property of the collection: sentences repeated by
    // many documents that are not copies of each other.
    let t = Instant::now();
    let boilerplate = if params.rewrite_tier() {
        let found = match collection {
            Some(given) => given.boilerplate.clone(),
            None => {
                let sentences: Vec<&[u64]> = features
                    .iter()
                    .map(|f| f.sentence_hashes.as_slice())
                    .collect();
                let signatures: Vec<&Signature> = features.iter().map(|f| &f.signature).collect();
                let ids: Vec<&str> = documents.iter().map(|d| d.id.as_str()).collect();
                Boilerplate::find(
                    &sentences,
                    &signatures,
                    &ids,
                    &params.collection.boilerplate,
                )
            }
        };
        features
            .par_iter_mut()
            .zip(documents)
            .for_each(|(f, d)| f.refine(d, &found));
        found
    } else {
        Boilerplate::default()
    };
    if matches!(scope, Scope::All) {
        // Sentence hashes serve the boilerplate rule only (an index keeps
        // them for later checks; a scan is done with them here).
        features
            .par_iter_mut()
            .for_each(|f| f.sentence_hashes = Vec::new());
    }
    return_free_memory();
    counters.insert(
        "boilerplate_sentences".to_string(),
        boilerplate.len() as u64,
    );
    timings.insert("boilerplate".to_string(), t.elapsed().as_secs_f64() * 1e3);

    let t = Instant::now();
    progress("candidates", 0, documents.len());
    let in_scope = |p: &CandidatePair| match scope {
        Scope::All => true,
        Scope::Focus(mask) => mask[p.a as usize] || mask[p.b as usize],
    };
    let hashes: Vec<Option<u64>> = features
        .iter()
        .map(|f| (f.tokens > 0).then_some(f.content_hash))
        .collect();
    let exact = exact_pairs(&hashes);
    let signatures: Vec<&Signature> = features.iter().map(|f| &f.signature).collect();
    // A scan of everything clusters near-duplicates without all pairs
    // (every LSH bucket a star); a check keeps every pair with a new
    // document.
    let clustered = matches!(scope, Scope::All);
    let bucket_cap = if clustered {
        1
    } else {
        params.candidates.max_bucket
    };
    let near = candidate_pairs(&signatures, params.features.lsh, bucket_cap);
    drop(signatures);
    counters.insert("candidates_near_duplicate".to_string(), near.len() as u64);
    let mut pairs = exact;
    pairs.extend(near);
    let mut dense = NearDuplicateClusters::default();
    if clustered {
        pairs.sort_unstable();
        pairs.dedup();
        progress("clustering", 0, pairs.len());
        dense = crate::dense::cluster(documents, &features, pairs, params);
        pairs = std::mem::take(&mut dense.rejected);
        // What verifying members against their representatives built is
        // built again for the few that are in a pair later.
        features
            .par_iter_mut()
            .for_each(|f| f.release_verification_cache(false));
        counters.insert(
            "near_duplicate_clusters".to_string(),
            dense.groups.len() as u64,
        );
        counters.insert("cluster_findings".to_string(), dense.findings.len() as u64);
        counters.insert("cluster_pairs_over_cap".to_string(), dense.pairs_over_cap);
    }
    return_free_memory();
    let stands_for_itself = |i: usize| !clustered || dense.representative[i] as usize == i;
    let common = if params.rewrite_tier() {
        // Cluster members other than the representative take no part: the
        // representative stands for them.
        let bigrams: Vec<&[u64]> = features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if stands_for_itself(i) {
                    f.bigrams.as_slice()
                } else {
                    &[]
                }
            })
            .collect();
        // A scan's cap on rare bigrams is a share of its corpus; a check
        // keeps the absolute cap of its store.
        let rule = if clustered {
            params.candidates.rare_keys_for(documents.len())
        } else {
            params.candidates.rare_keys()
        };
        counters.insert("rare_bigram_cap".to_string(), rule.max_bucket as u64);
        let is_common = common_rule(&features, params, collection.map(|c| &c.common));
        let (rewrite, common, over_cap) = rewrite_candidate_pairs(&bigrams, rule, &is_common);
        counters.insert("candidates_rewrite".to_string(), rewrite.len() as u64);
        counters.insert("candidates_rewrite_over_cap".to_string(), over_cap as u64);
        counters.insert("common_bigrams".to_string(), common.len() as u64);
        pairs.extend(rewrite);
        // Pairs sharing a verbatim run of two lines or more, whatever their
        // content terms: the same rule over winnowed fingerprints (none of
        // them common).
        let prints: Vec<&[u64]> = features.iter().map(|f| f.fingerprints.as_slice()).collect();
        let (verbatim, _, over_cap) =
            rewrite_candidate_pairs(&prints, params.candidates.verbatim_keys(), &|_, _, _| false);
        counters.insert("candidates_verbatim".to_string(), verbatim.len() as u64);
        counters.insert("candidates_verbatim_over_cap".to_string(), over_cap as u64);
        pairs.extend(verbatim);
        // Pairs whose sentences mean the same, whatever their words: the
        // same rule over the semantic tier's sentence keys.
        if params.semantic_candidates() {
            let keys: Vec<&[u64]> = features
                .iter()
                .map(|f| f.sentence_keys.as_slice())
                .collect();
            let (semantic, _, over_cap) =
                rewrite_candidate_pairs(&keys, params.candidates.sentence_keys(), &|_, _, _| false);
            counters.insert("candidates_semantic".to_string(), semantic.len() as u64);
            counters.insert("candidates_semantic_over_cap".to_string(), over_cap as u64);
            pairs.extend(semantic);
        }
        match collection {
            Some(given) => given.common.clone(),
            None => common,
        }
    } else {
        CommonBigrams::default()
    };
    pairs.retain(|p| in_scope(p));
    if clustered {
        pairs = onto_representatives(pairs, &dense.representative);
    } else {
        pairs.sort_unstable();
        pairs.dedup();
    }
    return_free_memory();
    counters.insert("candidates".to_string(), pairs.len() as u64);
    timings.insert("candidates".to_string(), t.elapsed().as_secs_f64() * 1e3);

    let mut involved: Vec<u32> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    involved.sort_unstable();
    involved.dedup();
    counters.insert("documents_in_pairs".to_string(), involved.len() as u64);
    // Candidate keys of the documents in no pair are not read again: freed
    // now, before verification and the report need their memory.
    let releasing = matches!(scope, Scope::All);
    if releasing {
        let in_pair = marks(features.len(), involved.iter().map(|&i| i as usize));
        features
            .par_iter_mut()
            .zip(in_pair)
            .filter(|(_, keep)| !keep)
            .for_each(|(f, _)| f.release_candidate_keys());
    }
    drop(involved);

    // Pairs are verified a batch at a time. Each batch first builds the
    // units of its documents in parallel (each once), so verification
    // threads do not wait on them; after it, a scan frees the units of the
    // documents with no pair left, so memory holds the units of one batch
    // and of the documents still waiting, not of every document in a pair.
    let mut last_pair = vec![0usize; features.len()];
    for (k, p) in pairs.iter().enumerate() {
        last_pair[p.a as usize] = k;
        last_pair[p.b as usize] = k;
    }
    let (mut units_ms, mut verify_ms) = (0.0, 0.0);
    done.store(0, std::sync::atomic::Ordering::Relaxed);
    let mut findings: Vec<Finding> = Vec::new();
    for (batch, chunk) in pairs.chunks(VERIFY_BATCH).enumerate() {
        let t = Instant::now();
        if params.rewrite_tier() {
            let mut fresh: Vec<u32> = chunk
                .iter()
                .flat_map(|p| [p.a, p.b])
                .filter(|&i| features[i as usize].units.get().is_none())
                .collect();
            fresh.sort_unstable();
            fresh.dedup();
            fresh.par_iter().for_each(|&i| {
                features[i as usize].units(&documents[i as usize]);
            });
        }
        units_ms += t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let found: Vec<Finding> = chunk
            .par_iter()
            .filter_map(|p| {
                tick("verifying", pairs.len());
                pair_finding(documents, &features, *p, params, &common)
            })
            .collect();
        findings.extend(found);
        if releasing {
            // Freed in parallel: hundreds of thousands of small vectors.
            let end = batch * VERIFY_BATCH + chunk.len();
            let release = marks(
                features.len(),
                chunk
                    .iter()
                    .flat_map(|p| [p.a as usize, p.b as usize])
                    .filter(|&i| last_pair[i] < end),
            );
            features
                .par_iter_mut()
                .zip(release)
                .filter(|(_, r)| *r)
                .for_each(|(f, _)| f.release_verification_cache(false));
        }
        verify_ms += t.elapsed().as_secs_f64() * 1e3;
    }
    // The threads' kept sentence vectors are for this scan's pairs only.
    rayon::broadcast(|_| crate::semantic::recent::forget());
    timings.insert("units".to_string(), units_ms);
    findings.append(&mut dense.findings);
    timings.insert("verify_align".to_string(), verify_ms);

    // Every member linked to its representative, so a member whose own
    // finding fell short still sits in its cluster.
    let links: Vec<(u32, u32)> = dense
        .groups
        .iter()
        .flat_map(|g| g.iter().map(|&m| (m, dense.representative[m as usize])))
        .collect();
    let jaccard = |i: u32, k: u32| {
        let (i, k) = (i as usize, k as usize);
        set_similarity(
            features[i].shingles(&documents[i]),
            features[k].shingles(&documents[k]),
        )
        .jaccard
    };
    let infos = documents
        .iter()
        .zip(&features)
        .map(|(d, f)| document_info(d, f, params))
        .collect();
    let stats = Stats {
        threads: rayon::current_num_threads(),
        timings_ms: timings,
        counters,
    };
    let report = assemble(infos, findings, &links, &jaccard, errors, params, stats);
    // Freeing the units, shingles and bigrams of every document is hundreds
    // of thousands of small vectors: freed in parallel, each thread mostly
    // into its own allocator arena, it takes a third of the time.
    features.into_par_iter().with_min_len(64).for_each(drop);
    report
}

/// What the report says of one document.
pub fn document_info(d: &Document, f: &Features, params: &Params) -> DocumentInfo {
    DocumentInfo {
        id: d.id.clone(),
        path: d.path.clone(),
        bytes: d.bytes,
        tokens: f.tokens,
        encoding: d.encoding,
        format: d.format,
        meta: d.meta.clone(),
        warnings: d.warnings.clone(),
        language: params.rewrite_tier().then(|| f.language.clone()),
        boilerplate_sentences: f.boilerplate.len(),
    }
}

/// Everything after the per-pair findings, written once for every way a
/// collection is scanned (one machine, or the pieces a distributed driver
/// gathers, see [`crate::distributed`]): sorts the findings, builds the
/// clusters, marks findings between clusters, and summarizes the report.
///
/// `documents[i]` describes document `i` (the scan's order: sorted by id);
/// `links` are pairs of document numbers already known to be in one cluster
/// (near-duplicate members and their representative); `jaccard(i, k)` is
/// the exact shingle Jaccard of two documents, asked only for a cluster
/// member with no finding against the kept document.
pub fn assemble(
    documents: Vec<DocumentInfo>,
    mut findings: Vec<Finding>,
    links: &[(u32, u32)],
    jaccard: &(dyn Fn(u32, u32) -> f64 + Sync),
    errors: Vec<InputError>,
    params: &Params,
    stats: Stats,
) -> Report {
    findings.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    let ids: Vec<&str> = documents.iter().map(|d| d.id.as_str()).collect();
    // Directions that only the whole graph of findings shows. Two members
    // of one near-duplicate cluster (linked to one representative) were not
    // compared with each other.
    let mut representative: AHashMap<&str, u32> = AHashMap::new();
    for &(m, r) in links {
        representative.insert(ids[m as usize], r);
        representative.insert(ids[r as usize], r);
    }
    let same_cluster = |x: &str, y: &str| match (representative.get(x), representative.get(y)) {
        (Some(rx), Some(ry)) => rx == ry,
        _ => false,
    };
    crate::provenance::collection::resolve(&mut findings, &same_cluster);
    let tokens: Vec<usize> = documents.iter().map(|d| d.tokens).collect();
    let clusters = clusters(&ids, &tokens, &findings, links, jaccard);
    mark_clusters(&mut findings, &clusters);
    let provenance = crate::provenance::collection::graphs(&findings);
    let mut report = Report {
        version: SCHEMA_VERSION,
        tool: format!("dedup {}", env!("CARGO_PKG_VERSION")),
        params: params.clone(),
        summary: Default::default(),
        documents,
        pairs: findings,
        provenance,
        clusters,
        errors,
        stats,
    };
    report.summarize();
    report
}

/// The collection's share rule for common bigrams ([`CommonBigrams`]): a
/// bigram held by at least `min_documents` documents and by more than
/// `max_share` of the documents of its holders' languages. With `given` (an
/// index check), the collection's own answer instead.
pub fn common_rule<'a>(
    features: &[Features],
    params: &'a Params,
    given: Option<&'a CommonBigrams>,
) -> impl Fn(u64, usize, &mut dyn Iterator<Item = u32>) -> bool + Sync + 'a {
    let languages: Vec<u16> = features
        .iter()
        .map(|f| language_id(&f.language.code))
        .collect();
    let shares = LanguageShares::of(languages.iter().copied());
    let rarity = params.collection.rarity;
    move |bigram: u64, held: usize, holders: &mut dyn Iterator<Item = u32>| -> bool {
        if let Some(given) = given {
            return given.contains(bigram);
        }
        shares.is_common(&rarity, held, &mut holders.map(|d| languages[d as usize]))
    }
}

/// Sets `cluster_a`/`cluster_b` of findings between clusters: a side that
/// is the kept document of a cluster stands for all of it. Findings inside
/// one cluster are left as they are.
fn mark_clusters(findings: &mut [Finding], clusters: &[Cluster]) {
    let mut cluster_of: AHashMap<&str, usize> = AHashMap::new();
    let mut kept: AHashMap<&str, usize> = AHashMap::new();
    for (i, c) in clusters.iter().enumerate() {
        kept.insert(c.keep.as_str(), i);
        cluster_of.insert(c.keep.as_str(), i);
        for d in &c.drop {
            cluster_of.insert(d.as_str(), i);
        }
    }
    for f in findings {
        let (ca, cb) = (cluster_of.get(f.a.as_str()), cluster_of.get(f.b.as_str()));
        if ca.is_some() && ca == cb {
            continue;
        }
        f.cluster_a = kept.get(f.a.as_str()).copied();
        f.cluster_b = kept.get(f.b.as_str()).copied();
    }
}
