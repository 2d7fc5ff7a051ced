//! Clustering: union-find over verified pairs, so a dataset can be cleaned
//! by keeping one representative per group of duplicates.

use crate::model::{round4, Cluster, ClusterMember, Finding, Verdict};
use ahash::AHashMap;
use rayon::prelude::*;

/// Disjoint-set forest with path halving and union by size.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Merges the sets of `x` and `y`.
    pub fn union(&mut self, x: u32, y: u32) {
        let (mut x, mut y) = (self.find(x), self.find(y));
        if x == y {
            return;
        }
        if self.size[x as usize] < self.size[y as usize] {
            std::mem::swap(&mut x, &mut y);
        }
        self.parent[y as usize] = x;
        self.size[x as usize] += self.size[y as usize];
    }

    /// The sets of more than one member. Each group is sorted and groups
    /// are ordered by their smallest member.
    pub fn groups(&mut self) -> Vec<Vec<u32>> {
        let mut by_root: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for i in 0..self.parent.len() as u32 {
            let root = self.find(i);
            by_root.entry(root).or_default().push(i);
        }
        let mut out: Vec<Vec<u32>> = by_root.into_values().filter(|g| g.len() > 1).collect();
        out.sort_by_key(|g| g[0]);
        out
    }
}

/// Groups of more than one member, given the edges (see
/// [`UnionFind::groups`]).
pub fn groups(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for (a, b) in edges {
        uf.union(a, b);
    }
    uf.groups()
}

/// Clusters of whole-document reuse (exact, near-duplicate, paraphrase;
/// partial reuse does not make two documents duplicates), joined also by
/// `links` (pairs already known to be duplicates, e.g. the near-duplicate
/// clusters of a scan). The document kept is one never named as derived,
/// then the longest, then the smallest id.
///
/// `ids[i]` and `tokens[i]` describe document `i`; findings name documents
/// by id. Each dropped member is listed once against the kept document:
/// the verdict and score of their finding if there is one, and the exact
/// Jaccard from `jaccard(member, keep)` otherwise.
pub fn clusters(
    ids: &[&str],
    tokens: &[usize],
    findings: &[Finding],
    links: &[(u32, u32)],
    jaccard: &(dyn Fn(u32, u32) -> f64 + Sync),
) -> Vec<Cluster> {
    let index: AHashMap<&str, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, &d)| (d, i as u32))
        .collect();
    let whole = findings
        .iter()
        .filter(|f| f.verdict != Verdict::PartialReuse);
    let mut edges: Vec<(u32, u32)> = whole
        .clone()
        .map(|f| (index[f.a.as_str()], index[f.b.as_str()]))
        .collect();
    edges.extend_from_slice(links);
    let mut derived = vec![false; ids.len()];
    let mut by_pair: AHashMap<(u32, u32), &Finding> = AHashMap::new();
    for f in whole {
        let (a, b) = (index[f.a.as_str()], index[f.b.as_str()]);
        by_pair.insert((a.min(b), a.max(b)), f);
        if let Some(src) = &f.source {
            let other = if src == &f.a { &f.b } else { &f.a };
            derived[index[other.as_str()] as usize] = true;
        }
    }
    let groups = groups(ids.len(), edges);
    groups
        .par_iter()
        .map(|g| {
            let keep = *g
                .iter()
                .min_by_key(|&&i| {
                    (
                        derived[i as usize],
                        std::cmp::Reverse(tokens[i as usize]),
                        i,
                    )
                })
                .expect("groups are non-empty");
            let mut members: Vec<ClusterMember> = g
                .iter()
                .filter(|&&i| i != keep)
                .map(|&i| match by_pair.get(&(i.min(keep), i.max(keep))) {
                    Some(f) => ClusterMember {
                        id: ids[i as usize].to_string(),
                        verdict: Some(f.verdict),
                        jaccard: f.jaccard,
                        score: f.score,
                    },
                    None => ClusterMember {
                        id: ids[i as usize].to_string(),
                        verdict: None,
                        jaccard: round4(jaccard(i, keep)),
                        score: 0.0,
                    },
                })
                .collect();
            members.sort_by(|x, y| {
                y.jaccard
                    .total_cmp(&x.jaccard)
                    .then_with(|| x.id.cmp(&y.id))
            });
            Cluster {
                keep: ids[keep as usize].to_string(),
                drop: g
                    .iter()
                    .filter(|&&i| i != keep)
                    .map(|&i| ids[i as usize].to_string())
                    .collect(),
                members,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitive_pairs_form_one_group() {
        assert_eq!(
            groups(6, [(0, 1), (1, 2), (4, 5)]),
            vec![vec![0, 1, 2], vec![4, 5]]
        );
    }

    #[test]
    fn no_edges_no_groups() {
        assert!(groups(3, []).is_empty());
    }
}
