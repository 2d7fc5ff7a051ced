//! Provenance from the whole graph of findings, not one pair: a scan sees
//! every finding at once, and some directions only show there.
//!
//! - **Common source.** A document shared, at the same place, by several
//!   others that are each closer to it than to one another (a star: a
//!   syndicated story, a quoted original, the article every answer was
//!   written from) is their source. A chain of rewrites (A → B → C → D) has
//!   no such star of three: two documents two steps apart are closer to
//!   each other's neighbour than the middle one is to both.
//! - **Compilation.** A document that the pair evidence already shows
//!   taking passages from two or more documents, at separate places, took
//!   its other separate passages in as well.
//! - **Chains.** When A is the source of B and B of C, A is the source of C.
//! - **No cycles.** Named sources never form a cycle: the weakest edge of a
//!   cycle is dropped.
//!
//! Each rule adds an evidence item of kind `collection` to the findings it
//! speaks about, and the finding's source and confidence are weighed again.

use super::weigh;
use crate::cluster::groups;
use crate::model::{Evidence, Finding, ProvenanceEdge, ProvenanceGraph, Verdict};
use ahash::AHashMap;

/// A common source needs at least this many documents sharing it.
pub const MIN_HUB_PARTNERS: usize = 3;

/// Two passages of one document are "at the same place" when this share of
/// the smaller one overlaps the other.
pub const MIN_SAME_REGION: f64 = 0.5;

/// Two passages of one document are "at separate places" when at most this
/// share of the smaller one overlaps the other.
pub const MAX_SEPARATE_OVERLAP: f64 = 0.2;

/// A compilation's taken-in passages are each a small part of it.
pub const MAX_COMPILATION_COVERAGE: f64 = 0.5;

const HUB_WEIGHT: f64 = 0.7;
const COMPILATION_WEIGHT: f64 = 0.6;
const CHAIN_WEIGHT: f64 = 0.5;

/// One finding seen from one of its documents.
struct Side {
    partner: u32,
    finding: usize,
    /// The document's byte ranges in the finding's passages, sorted.
    spans: Vec<[usize; 2]>,
    /// Share of the document in the finding's passages.
    coverage: f64,
}

/// Bytes of `x` that overlap `y`, both sorted lists of ranges.
fn overlap_bytes(x: &[[usize; 2]], y: &[[usize; 2]]) -> usize {
    let mut n = 0;
    for a in x {
        for b in y {
            n += a[1].min(b[1]).saturating_sub(a[0].max(b[0]));
        }
    }
    n
}

fn length(x: &[[usize; 2]]) -> usize {
    x.iter().map(|r| r[1].saturating_sub(r[0])).sum()
}

/// Share of the smaller of two region lists that overlaps the other.
fn overlap_share(x: &[[usize; 2]], y: &[[usize; 2]]) -> f64 {
    let smaller = length(x).min(length(y));
    if smaller == 0 {
        return 0.0;
    }
    overlap_bytes(x, y) as f64 / smaller as f64
}

/// Applies the collection rules to `findings` in place (see the module
/// documentation). Deterministic: the result depends only on the findings'
/// contents, not their order. `same_cluster` tells whether two documents
/// are in one near-duplicate cluster, whose pairs other than those with its
/// representative are not verified: their similarity is unknown, not 0.
pub fn resolve(findings: &mut [Finding], same_cluster: &dyn Fn(&str, &str) -> bool) {
    let ids: Vec<String> = document_ids(findings)
        .into_iter()
        .map(String::from)
        .collect();
    let index = index_of(ids.iter().map(String::as_str));
    let mut sides: Vec<Vec<Side>> = (0..ids.len()).map(|_| Vec::new()).collect();
    let mut score: AHashMap<(u32, u32), f64> = AHashMap::new();
    // The pair-level source of each finding, as a document index.
    let mut named: Vec<Option<u32>> = Vec::with_capacity(findings.len());
    for (k, f) in findings.iter().enumerate() {
        let (a, b) = (index[f.a.as_str()], index[f.b.as_str()]);
        named.push(f.source.as_deref().map(|s| index[s]));
        if f.verdict == Verdict::Exact {
            continue;
        }
        score.insert((a.min(b), a.max(b)), f.score);
        let mut spans_a: Vec<[usize; 2]> = f.passages.iter().map(|p| p.a).collect();
        let mut spans_b: Vec<[usize; 2]> = f.passages.iter().map(|p| p.b).collect();
        spans_a.sort_unstable();
        spans_b.sort_unstable();
        sides[a as usize].push(Side {
            partner: b,
            finding: k,
            spans: spans_a,
            coverage: f.coverage_a,
        });
        sides[b as usize].push(Side {
            partner: a,
            finding: k,
            spans: spans_b,
            coverage: f.coverage_b,
        });
    }
    for s in &mut sides {
        // Strongest partner first; ties by partner, for determinism.
        s.sort_by(|x, y| {
            findings[y.finding]
                .score
                .total_cmp(&findings[x.finding].score)
                .then(x.partner.cmp(&y.partner))
        });
    }
    // The score of the finding between two documents: 0 when they were
    // compared and are no finding, unknown (`None`) inside a cluster.
    let between = |x: u32, y: u32| match score.get(&(x.min(y), x.max(y))) {
        Some(&s) => Some(s),
        None if same_cluster(&ids[x as usize], &ids[y as usize]) => None,
        None => Some(0.0),
    };
    let mut added: Vec<Vec<Evidence>> = (0..findings.len()).map(|_| Vec::new()).collect();

    for (d, own) in sides.iter().enumerate() {
        let d = d as u32;
        // Common source: a star of partners, each closer to d than to any
        // other member, sharing the same part of d.
        let mut star: Vec<&Side> = Vec::new();
        for x in own {
            let dx = findings[x.finding].score;
            let fits = star.iter().all(|y| {
                let dy = findings[y.finding].score;
                between(x.partner, y.partner).is_some_and(|s| s < dx.min(dy))
                    && overlap_share(&x.spans, &y.spans) >= MIN_SAME_REGION
            });
            if fits {
                star.push(x);
            }
        }
        if star.len() >= MIN_HUB_PARTNERS {
            for x in &star {
                added[x.finding].push(Evidence {
                    kind: "collection".into(),
                    detail: format!(
                        "{} documents share the same part of {}, each closer to it than to the others: {} is their common source",
                        star.len(),
                        ids[d as usize],
                        ids[d as usize]
                    ),
                    favours: Some(ids[d as usize].clone()),
                    weight: HUB_WEIGHT,
                });
            }
        }

        // Compilation: the pair evidence shows d taking passages from two
        // or more documents at separate places, and rarely the reverse.
        let partial = |s: &Side| findings[s.finding].verdict == Verdict::PartialReuse;
        let taken: Vec<&Side> = own
            .iter()
            .filter(|s| partial(s) && named[s.finding] == Some(s.partner))
            .collect();
        let given = own.iter().filter(|s| named[s.finding] == Some(d)).count();
        let separate = taken.iter().enumerate().all(|(i, x)| {
            taken[i + 1..]
                .iter()
                .all(|y| overlap_share(&x.spans, &y.spans) <= MAX_SEPARATE_OVERLAP)
        });
        if taken.len() >= 2 && taken.len() >= 2 * given && separate {
            for s in own {
                let undecided_or_contrary = named[s.finding] != Some(s.partner);
                let apart = taken
                    .iter()
                    .all(|t| overlap_share(&t.spans, &s.spans) <= MAX_SEPARATE_OVERLAP);
                if undecided_or_contrary
                    && partial(s)
                    && apart
                    && s.coverage <= MAX_COMPILATION_COVERAGE
                {
                    added[s.finding].push(Evidence {
                        kind: "collection".into(),
                        detail: format!(
                            "{} takes passages from {} other documents at separate places (a compilation): it took this one in too",
                            ids[d as usize],
                            taken.len()
                        ),
                        favours: Some(ids[s.partner as usize].clone()),
                        weight: COMPILATION_WEIGHT,
                    });
                }
            }
        }
    }
    reweigh(findings, &mut added);
    // Chains are read off named sources without cycles.
    break_cycles(findings, &index, ids.len());

    // Chains: a → b and b → c name a as the source of c.
    let edge_of: AHashMap<(u32, u32), usize> = findings
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let (a, b) = (index[f.a.as_str()], index[f.b.as_str()]);
            ((a.min(b), a.max(b)), k)
        })
        .collect();
    let mut children: Vec<Vec<u32>> = (0..ids.len()).map(|_| Vec::new()).collect();
    for f in findings.iter() {
        if let Some((s, c)) = named_edge(f, &index) {
            children[s as usize].push(c);
        }
    }
    for list in &mut children {
        list.sort_unstable();
    }
    for (a, list) in children.iter().enumerate() {
        let a = a as u32;
        for &b in list {
            for &c in &children[b as usize] {
                let Some(&k) = edge_of.get(&(a.min(c), a.max(c))) else {
                    continue;
                };
                if c == a || findings[k].source.as_deref() == Some(ids[a as usize].as_str()) {
                    continue;
                }
                added[k].push(Evidence {
                    kind: "collection".into(),
                    detail: format!(
                        "{} is the source of {}, which is the source of {}",
                        ids[a as usize], ids[b as usize], ids[c as usize]
                    ),
                    favours: Some(ids[a as usize].clone()),
                    weight: CHAIN_WEIGHT,
                });
            }
        }
    }
    reweigh(findings, &mut added);
    break_cycles(findings, &index, ids.len());
    unname_siblings(findings, &index, &ids);
}

/// Two documents derived from one source, each closer to it than to the
/// other, are siblings: naming one the source of the other on textual
/// evidence alone (containment between two rewrites of one original) would
/// accuse an author who never saw the other text. Dates and the index still
/// count.
fn unname_siblings(findings: &mut [Finding], index: &AHashMap<&str, u32>, ids: &[String]) {
    let key = |x: u32, y: u32| (x.min(y), x.max(y));
    let mut score: AHashMap<(u32, u32), f64> = AHashMap::new();
    let mut parents: AHashMap<u32, Vec<u32>> = AHashMap::new();
    for f in findings.iter() {
        let (a, b) = (index[f.a.as_str()], index[f.b.as_str()]);
        score.insert(key(a, b), f.score);
        if let Some((s, derived)) = named_edge(f, index) {
            parents.entry(derived).or_default().push(s);
        }
    }
    let no_parents = Vec::new();
    for f in findings.iter_mut() {
        let Some(source) = f.source.clone() else {
            continue;
        };
        let (a, b) = (index[f.a.as_str()], index[f.b.as_str()]);
        let here = f.score;
        let pa = parents.get(&a).unwrap_or(&no_parents);
        let pb = parents.get(&b).unwrap_or(&no_parents);
        let common = pa.iter().find(|&&d| {
            pb.contains(&d)
                && score.get(&key(d, a)).is_some_and(|&s| s > here)
                && score.get(&key(d, b)).is_some_and(|&s| s > here)
        });
        let Some(&d) = common else {
            continue;
        };
        let outside_text = f.evidence.iter().any(|e| {
            matches!(e.kind.as_str(), "date" | "indexed") && e.favours.as_deref() == Some(&source)
        });
        if outside_text {
            continue;
        }
        let parent = &ids[d as usize];
        f.evidence.push(Evidence {
            kind: "collection".into(),
            detail: format!(
                "{} and {} both derive from {parent}, each closer to it than to the other: siblings, not one from the other",
                f.a, f.b
            ),
            favours: None,
            weight: 0.0,
        });
        f.source = None;
        f.confidence = 0.0;
    }
}

/// The provenance graphs of `findings`: one per connected group of findings
/// with at least one named source, ordered by their first document.
pub fn graphs(findings: &[Finding]) -> Vec<ProvenanceGraph> {
    let ids = document_ids(findings);
    let index = index_of(ids.iter().copied());
    let links = findings
        .iter()
        .map(|f| (index[f.a.as_str()], index[f.b.as_str()]));
    let mut group_of = vec![usize::MAX; ids.len()];
    let all = groups(ids.len(), links);
    for (g, members) in all.iter().enumerate() {
        for &m in members {
            group_of[m as usize] = g;
        }
    }
    let mut edges: Vec<Vec<ProvenanceEdge>> = vec![Vec::new(); all.len()];
    for f in findings {
        let Some(source) = f.source.as_deref() else {
            continue;
        };
        let derived = if source == f.a { &f.b } else { &f.a };
        edges[group_of[index[source] as usize]].push(ProvenanceEdge {
            source: source.to_string(),
            derived: derived.clone(),
            confidence: f.confidence,
        });
    }
    all.iter()
        .zip(edges)
        .filter(|(_, e)| !e.is_empty())
        .map(|(members, mut edges)| {
            edges.sort_by(|x, y| (&x.source, &x.derived).cmp(&(&y.source, &y.derived)));
            let documents: Vec<String> = members
                .iter()
                .map(|&m| ids[m as usize].to_string())
                .collect();
            let derived: ahash::AHashSet<&str> = edges.iter().map(|e| e.derived.as_str()).collect();
            let roots: Vec<String> = edges
                .iter()
                .map(|e| e.source.as_str())
                .filter(|s| !derived.contains(s))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .map(String::from)
                .collect();
            let chain = chain_text(&roots, &edges);
            ProvenanceGraph {
                roots,
                documents,
                edges,
                chain,
            }
        })
        .collect()
}

/// The graph in one line: each root's paths, `a -> b -> c; a -> d`. A
/// document reached twice is printed once, where it is first reached.
fn chain_text(roots: &[String], edges: &[ProvenanceEdge]) -> String {
    let mut children: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for e in edges {
        children.entry(&e.source).or_default().push(&e.derived);
    }
    let mut seen: ahash::AHashSet<&str> = Default::default();
    let mut paths: Vec<String> = Vec::new();
    // Depth first, one path per leaf; a branch starts again at its fork.
    fn walk<'a>(
        node: &'a str,
        prefix: String,
        children: &std::collections::BTreeMap<&'a str, Vec<&'a str>>,
        seen: &mut ahash::AHashSet<&'a str>,
        paths: &mut Vec<String>,
    ) {
        let here = if prefix.is_empty() {
            node.to_string()
        } else {
            format!("{prefix} -> {node}")
        };
        let next: Vec<&str> = children
            .get(node)
            .map(|c| c.iter().copied().filter(|c| !seen.contains(c)).collect())
            .unwrap_or_default();
        if next.is_empty() {
            paths.push(here);
            return;
        }
        for (i, c) in next.into_iter().enumerate() {
            seen.insert(c);
            let from = if i == 0 {
                here.clone()
            } else {
                node.to_string()
            };
            walk(c, from, children, seen, paths);
        }
    }
    for r in roots {
        seen.insert(r);
        walk(r, String::new(), &children, &mut seen, &mut paths);
    }
    paths.join("; ")
}

/// A finding's named source and the document derived from it, by index.
fn named_edge(f: &Finding, index: &AHashMap<&str, u32>) -> Option<(u32, u32)> {
    let s = index[f.source.as_deref()?];
    let (a, b) = (index[f.a.as_str()], index[f.b.as_str()]);
    Some((s, if s == a { b } else { a }))
}

/// The ids of the documents in `findings`, sorted, each once.
pub fn document_ids(findings: &[Finding]) -> Vec<&str> {
    let mut ids: Vec<&str> = findings
        .iter()
        .flat_map(|f| [f.a.as_str(), f.b.as_str()])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Each id's position.
fn index_of<'a>(ids: impl Iterator<Item = &'a str>) -> AHashMap<&'a str, u32> {
    ids.enumerate().map(|(i, id)| (id, i as u32)).collect()
}

/// Appends the collected evidence and weighs each changed finding again.
fn reweigh(findings: &mut [Finding], added: &mut [Vec<Evidence>]) {
    for (f, extra) in findings.iter_mut().zip(added.iter_mut()) {
        if extra.is_empty() {
            continue;
        }
        // One item per distinct statement.
        extra.sort_by(|x, y| x.detail.cmp(&y.detail));
        extra.dedup_by(|x, y| x.detail == y.detail);
        f.evidence.append(extra);
        let (source, confidence) = weigh(&f.evidence, &f.a, &f.b);
        f.source = source;
        f.confidence = confidence;
    }
}

/// Drops the weakest named source of every cycle among named sources.
fn break_cycles(findings: &mut [Finding], index: &AHashMap<&str, u32>, n: usize) {
    loop {
        let mut out: Vec<Vec<(u32, usize)>> = (0..n).map(|_| Vec::new()).collect();
        for (k, f) in findings.iter().enumerate() {
            if let Some((s, derived)) = named_edge(f, index) {
                out[s as usize].push((derived, k));
            }
        }
        for list in &mut out {
            list.sort_unstable();
        }
        let Some(cycle) = find_cycle(&out) else {
            return;
        };
        let weakest = *cycle
            .iter()
            .min_by(|&&x, &&y| {
                findings[x]
                    .confidence
                    .total_cmp(&findings[y].confidence)
                    .then((&findings[x].a, &findings[x].b).cmp(&(&findings[y].a, &findings[y].b)))
            })
            .expect("a cycle has edges");
        let f = &mut findings[weakest];
        f.evidence.push(Evidence {
            kind: "collection".into(),
            detail: format!(
                "naming {} would close a cycle of named sources; this was its weakest link",
                f.source.as_deref().unwrap_or_default()
            ),
            favours: None,
            weight: 0.0,
        });
        f.source = None;
        f.confidence = 0.0;
    }
}

/// The findings (edge ids) of one directed cycle, if any.
fn find_cycle(out: &[Vec<(u32, usize)>]) -> Option<Vec<usize>> {
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; out.len()];
    let mut via: Vec<usize> = vec![usize::MAX; out.len()];
    let mut parent: Vec<u32> = vec![u32::MAX; out.len()];
    for start in 0..out.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(u32, usize)> = vec![(start as u32, 0)];
        state[start] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&(w, k)) = out[v as usize].get(*next) {
                *next += 1;
                match state[w as usize] {
                    0 => {
                        state[w as usize] = 1;
                        parent[w as usize] = v;
                        via[w as usize] = k;
                        stack.push((w, 0));
                    }
                    1 => {
                        // w .. v is on the stack: walk back from v to w.
                        let mut cycle = vec![k];
                        let mut x = v;
                        while x != w {
                            cycle.push(via[x as usize]);
                            x = parent[x as usize];
                        }
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                state[v as usize] = 2;
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MatchKind, Passage};

    fn finding(a: &str, b: &str, score: f64, pa: [usize; 2], pb: [usize; 2]) -> Finding {
        Finding {
            a: a.into(),
            b: b.into(),
            verdict: Verdict::PartialReuse,
            tier: Default::default(),
            score,
            jaccard: 0.1,
            containment_a_in_b: 0.2,
            containment_b_in_a: 0.2,
            coverage_a: 0.2,
            coverage_b: 0.2,
            source: None,
            confidence: 0.0,
            evidence: Vec::new(),
            passages: vec![Passage {
                a: pa,
                b: pb,
                similarity: 1.0,
                kind: MatchKind::Verbatim,
                text_a: String::new(),
                text_b: String::new(),
                reason: String::new(),
                pairs: Vec::new(),
            }],
            cluster_a: None,
            cluster_b: None,
        }
    }

    #[test]
    fn star_centre_is_the_common_source() {
        let mut f = vec![
            finding("s", "x", 0.9, [0, 100], [10, 110]),
            finding("s", "y", 0.8, [0, 100], [50, 150]),
            finding("s", "z", 0.85, [5, 100], [0, 95]),
            finding("x", "y", 0.5, [10, 110], [50, 150]),
        ];
        resolve(&mut f, &|_, _| false);
        for x in &f[..3] {
            assert_eq!(x.source.as_deref(), Some("s"), "{:?}", x.evidence);
        }
    }

    #[test]
    fn chain_middle_is_no_common_source() {
        // a → b → c → d: neighbours closer than two steps.
        let mut f = vec![
            finding("a", "b", 0.9, [0, 100], [0, 100]),
            finding("b", "c", 0.9, [0, 100], [0, 100]),
            finding("c", "d", 0.9, [0, 100], [0, 100]),
            finding("a", "c", 0.6, [0, 100], [0, 100]),
            finding("b", "d", 0.6, [0, 100], [0, 100]),
            finding("a", "d", 0.4, [0, 100], [0, 100]),
        ];
        resolve(&mut f, &|_, _| false);
        assert!(f.iter().all(|f| f.source.is_none()), "{f:?}");
    }

    #[test]
    fn separate_passages_from_others_make_a_compilation() {
        let mut f = vec![
            finding("c", "s1", 0.8, [0, 100], [0, 100]),
            finding("c", "s2", 0.8, [200, 300], [0, 100]),
            finding("c", "s3", 0.8, [400, 500], [0, 100]),
        ];
        for x in &mut f[..2] {
            x.source = Some(x.b.clone());
        }
        resolve(&mut f, &|_, _| false);
        assert_eq!(f[2].source.as_deref(), Some("s3"), "{:?}", f[2].evidence);
    }

    #[test]
    fn graphs_name_roots_edges_and_chains() {
        let mut f = vec![
            finding("a", "b", 0.9, [0, 10], [0, 10]),
            finding("b", "c", 0.9, [0, 10], [0, 10]),
            finding("a", "d", 0.9, [0, 10], [0, 10]),
            finding("x", "y", 0.9, [0, 10], [0, 10]),
        ];
        f[0].source = Some("a".into());
        f[1].source = Some("b".into());
        f[2].source = Some("a".into());
        let g = graphs(&f);
        assert_eq!(g.len(), 1, "the group without a named source has no graph");
        assert_eq!(g[0].roots, vec!["a".to_string()]);
        assert_eq!(g[0].documents.len(), 4);
        assert_eq!(g[0].chain, "a -> b -> c; a -> d");
    }

    #[test]
    fn cycles_are_broken_at_the_weakest_link() {
        let mut f = vec![
            finding("a", "b", 0.8, [0, 10], [0, 10]),
            finding("b", "c", 0.8, [20, 30], [20, 30]),
            finding("c", "a", 0.8, [40, 50], [40, 50]),
        ];
        for (k, (s, c)) in [("a", 0.9), ("b", 0.8), ("c", 0.6)].iter().enumerate() {
            f[k].source = Some(s.to_string());
            f[k].confidence = *c;
            f[k].evidence.push(Evidence {
                kind: "date".into(),
                detail: format!("{k}"),
                favours: Some(s.to_string()),
                weight: 0.9,
            });
        }
        resolve(&mut f, &|_, _| false);
        assert_eq!(f[2].source, None);
        assert_eq!(f[0].source.as_deref(), Some("a"));
    }
}
