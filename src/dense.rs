//! Near-duplicate clusters without all pairs, the way large deduplication
//! systems build them: every LSH bucket is linked as a star around its
//! smallest member, each star edge between documents not yet joined is
//! verified by exact Jaccard, and union-find turns the verified edges into
//! clusters. Inside a cluster only member-to-representative pairs are
//! findings (plus, on request, all pairs up to a cap); every other
//! candidate pair is moved onto the clusters' representatives, so
//! rewrite-tier and partial-reuse findings involving a cluster are computed
//! once. Cost and output grow with the documents, not
//! with the pairs inside clusters.

use crate::candidates::{CandidatePair, CommonBigrams};
use crate::cluster::UnionFind;
use crate::features::Features;
use crate::input::Document;
use crate::model::Finding;
use crate::params::Params;
use crate::verify::set_similarity;
use rayon::prelude::*;

/// What the clustering stage found.
#[derive(Debug, Default)]
pub struct NearDuplicateClusters {
    /// Clusters of at least two documents, each sorted, ordered by their
    /// smallest member.
    pub groups: Vec<Vec<u32>>,
    /// `representative[i]`: the document standing for `i` (itself when `i`
    /// is in no cluster).
    pub representative: Vec<u32>,
    /// Member-to-representative findings (and, with `--all-pairs`, the
    /// other pairs inside clusters, up to the cap).
    pub findings: Vec<Finding>,
    /// The candidate edges that failed the near-duplicate test: they go on
    /// to the rewrite tier (moved onto representatives). Edges inside a
    /// cluster that were not tested (already joined) are not among them.
    pub rejected: Vec<CandidatePair>,
    /// Pairs inside clusters left out because of the `--all-pairs` cap.
    pub pairs_over_cap: u64,
}

/// Whether an edge is a near-duplicate by the near-duplicate tier's rule:
/// the same normalized text, or exact shingle Jaccard at the threshold.
pub fn is_near_duplicate(
    (a, fa): (&Document, &Features),
    (b, fb): (&Document, &Features),
    params: &Params,
) -> bool {
    (fa.tokens > 0 && fa.content_hash == fb.content_hash)
        || set_similarity(fa.shingles(a), fb.shingles(b)).jaccard >= params.decision.threshold
}

/// The finding of a pair of document indices (in either order).
fn pair_finding(
    documents: &[Document],
    features: &[Features],
    x: u32,
    y: u32,
    params: &Params,
) -> Option<Finding> {
    // Clusters are made before the rewrite pass finds the collection's
    // common bigrams: their findings count every shared bigram.
    crate::verify::pair_finding(
        documents,
        features,
        CandidatePair::new(x, y),
        params,
        &CommonBigrams::default(),
    )
}

/// Clusters from verified star `edges` (exact-hash and LSH stars), with a
/// representative per cluster and its member findings.
pub fn cluster(
    documents: &[Document],
    features: &[Features],
    edges: Vec<CandidatePair>,
    params: &Params,
) -> NearDuplicateClusters {
    let n = documents.len();
    // The shingle sets of the documents in an edge, each built once, in
    // parallel.
    let mut involved: Vec<u32> = edges.iter().flat_map(|p| [p.a, p.b]).collect();
    involved.par_sort_unstable();
    involved.dedup();
    involved.par_iter().for_each(|&i| {
        features[i as usize].shingles(&documents[i as usize]);
    });
    // An edge between two documents that verified edges already join adds
    // nothing to the clusters, and its verdict nothing to the report (a
    // pair inside one cluster is dropped, the cluster stands for it): such
    // edges are skipped. Verified a batch at a time, in parallel; what a
    // batch skips depends only on the batches before it, so the clusters
    // are the same whatever the thread count (and the same as verifying
    // every edge).
    let mut joined = UnionFind::new(n);
    let mut rejected = Vec::new();
    for batch in edges.chunks(EDGE_BATCH) {
        let open: Vec<CandidatePair> = batch
            .iter()
            .filter(|p| joined.find(p.a) != joined.find(p.b))
            .copied()
            .collect();
        let near: Vec<bool> = open
            .par_iter()
            .map(|p| {
                let (a, b) = (p.a as usize, p.b as usize);
                is_near_duplicate(
                    (&documents[a], &features[a]),
                    (&documents[b], &features[b]),
                    params,
                )
            })
            .collect();
        for (p, near) in open.into_iter().zip(near) {
            if near {
                joined.union(p.a, p.b);
            } else {
                rejected.push(p);
            }
        }
    }
    let groups = joined.groups();
    // A representative per cluster, with its member findings.
    let per_group: Vec<(u32, Vec<Finding>)> = groups
        .par_iter()
        .map(|g| representative(g, documents, features, params))
        .collect();
    let mut representative: Vec<u32> = (0..n as u32).collect();
    let mut findings = Vec::new();
    for (g, (rep, found)) in groups.iter().zip(per_group) {
        for &m in g {
            representative[m as usize] = rep;
        }
        findings.extend(found);
    }
    let mut pairs_over_cap = 0;
    let cap = params.candidates.all_pairs;
    if cap > 0 {
        // Every other pair inside a cluster, smallest clusters first, until
        // the cap.
        let mut order: Vec<&Vec<u32>> = groups.iter().collect();
        order.sort_by_key(|g| (g.len(), g[0]));
        let mut extra = Vec::new();
        for g in order {
            let rep = representative[g[0] as usize];
            for (i, &x) in g.iter().enumerate() {
                for &y in &g[i + 1..] {
                    if x == rep || y == rep {
                        continue;
                    }
                    if extra.len() < cap {
                        extra.push((x, y));
                    } else {
                        pairs_over_cap += 1;
                    }
                }
            }
        }
        findings.par_extend(
            extra
                .par_iter()
                .filter_map(|&(x, y)| pair_finding(documents, features, x, y, params)),
        );
    }
    NearDuplicateClusters {
        groups,
        representative,
        findings,
        rejected,
        pairs_over_cap,
    }
}

/// Near-duplicate edges verified together (see [`cluster`]): large enough
/// to keep both cores busy, small enough that the edges of a cluster
/// already joined are mostly skipped.
const EDGE_BATCH: usize = 2048;

/// The representative of one cluster `group` (document indices,
/// ascending) and its member findings. Provisionally the longest member
/// (then the smallest index); when a member is named as its source, the
/// longest such source instead, and the member findings are computed again
/// against it. At most two findings per member. The one rule of a scan and
/// of a distributed driver (`dedup verify --mode cluster`).
pub fn representative(
    group: &[u32],
    documents: &[Document],
    features: &[Features],
    params: &Params,
) -> (u32, Vec<Finding>) {
    let longest = |candidates: &mut dyn Iterator<Item = u32>| {
        candidates
            .min_by_key(|&i| (std::cmp::Reverse(features[i as usize].tokens), i))
            .expect("clusters are not empty")
    };
    let against = |rep: u32| -> Vec<(u32, Option<Finding>)> {
        group
            .par_iter()
            .filter(|&&m| m != rep)
            .map(|&m| (m, pair_finding(documents, features, m, rep, params)))
            .collect()
    };
    let provisional = longest(&mut group.iter().copied());
    let first = against(provisional);
    let rep_id = documents[provisional as usize].id.as_str();
    let mut sources = first.iter().filter_map(|(m, f)| {
        let f = f.as_ref()?;
        let named = f.source.as_deref()?;
        (named != rep_id).then_some(*m)
    });
    let (rep, found) = match sources.next() {
        None => (provisional, first),
        Some(s) => {
            let rep = longest(&mut std::iter::once(s).chain(sources));
            (rep, against(rep))
        }
    };
    (rep, found.into_iter().filter_map(|(_, f)| f).collect())
}

/// `pairs` moved onto the representatives: pairs inside one cluster are
/// dropped (the cluster stands for them), the rest deduplicated, sorted.
pub fn onto_representatives(
    pairs: Vec<CandidatePair>,
    representative: &[u32],
) -> Vec<CandidatePair> {
    let mut out: Vec<CandidatePair> = pairs
        .into_iter()
        .filter_map(|p| {
            let (a, b) = (representative[p.a as usize], representative[p.b as usize]);
            (a != b).then(|| CandidatePair::new(a, b))
        })
        .collect();
    out.par_sort_unstable();
    out.dedup();
    out
}
