//! Dense near-duplicate clusters: a cluster of 2,000 near-identical
//! documents is one cluster with one finding per member (against the kept
//! document), not two million pairs.

use dedup::pipeline::{scan, Scope};
use dedup::{Document, Params, Verdict};
use std::collections::HashSet;

/// A deterministic base text of `words` words from a small vocabulary, in
/// sentences of 12 words.
fn base_text(words: usize) -> Vec<String> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..words)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let w = format!("w{}", x % 5000);
            if i % 12 == 11 {
                format!("{w}.")
            } else {
                w
            }
        })
        .collect()
}

/// `copies` copies of the base text, copy `c` with 2% of its words replaced
/// by words of its own (different positions in every copy).
fn cluster(copies: usize, words: usize) -> Vec<Document> {
    let base = base_text(words);
    (0..copies)
        .map(|c| {
            let mut text = base.clone();
            let edits = words / 50;
            for e in 0..edits {
                let at = (c * 7919 + e * 104_729) % words;
                text[at] = format!("edit{c}x{e}");
            }
            Document::from_text(&format!("doc{c:05}.txt"), &text.join(" "))
        })
        .collect()
}

#[test]
fn a_cluster_of_2000_copies_is_one_cluster_with_one_finding_per_member() {
    let docs = cluster(2000, 150);
    let started = std::time::Instant::now();
    let report = scan(&docs, Vec::new(), &Params::default(), Scope::All);
    let elapsed = started.elapsed();
    assert_eq!(report.clusters.len(), 1, "{:?}", report.summary);
    let c = &report.clusters[0];
    assert_eq!(c.drop.len(), 1999);
    assert_eq!(c.members.len(), 1999);
    // Each member once, most similar to the kept document first.
    let ids: HashSet<&str> = c.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), 1999);
    assert!(!ids.contains(c.keep.as_str()));
    assert!(c.members.windows(2).all(|w| w[0].jaccard >= w[1].jaccard));
    assert!(c
        .members
        .iter()
        .all(|m| m.verdict == Some(Verdict::NearDuplicate) && m.jaccard >= 0.5));
    // Bounded findings: one per member, each against the kept document.
    assert_eq!(report.pairs.len(), 1999);
    assert!(report.pairs.iter().all(|f| f.a == c.keep || f.b == c.keep));
    eprintln!("2,000-document cluster scanned in {elapsed:?}");
}

#[test]
fn all_pairs_inside_a_cluster_only_on_request_and_capped() {
    let docs = cluster(60, 150);
    let mut params = Params::default();
    params.candidates.all_pairs = 100;
    let report = scan(&docs, Vec::new(), &params, Scope::All);
    assert_eq!(report.clusters.len(), 1);
    // 59 member findings plus the 100 pairs the cap allows (of the 1,711
    // other pairs).
    assert_eq!(report.pairs.len(), 59 + 100);
    assert_eq!(report.stats.counters["cluster_pairs_over_cap"], 1711 - 100);
    let default = scan(&docs, Vec::new(), &Params::default(), Scope::All);
    assert_eq!(default.pairs.len(), 59);
}

#[test]
fn a_finding_between_clusters_is_computed_once_on_the_kept_documents() {
    // Two clusters of copies sharing their first half (partial reuse
    // between the clusters): the reuse is one finding between the two kept
    // documents, marked as standing for both clusters.
    let a = base_text(300);
    let mut b = a[..150].to_vec();
    b.extend(base_text(450)[300..].iter().map(|w| format!("{w}b")));
    let copies = |text: &[String], name: &str| -> Vec<Document> {
        (0..30)
            .map(|c| {
                let mut t = text.to_vec();
                let at = (c * 37) % t.len();
                t[at] = format!("edit{c}");
                Document::from_text(&format!("{name}{c:03}.txt"), &t.join(" "))
            })
            .collect()
    };
    let mut docs = copies(&a, "a");
    docs.extend(copies(&b, "b"));
    let report = scan(&docs, Vec::new(), &Params::default(), Scope::All);
    let between: Vec<_> = report
        .pairs
        .iter()
        .filter(|f| f.a.starts_with('a') != f.b.starts_with('a'))
        .collect();
    assert_eq!(report.clusters.len(), 2, "{:?}", report.summary);
    assert_eq!(between.len(), 1, "{between:#?}");
    let f = between[0];
    assert!(f.cluster_a.is_some() && f.cluster_b.is_some(), "{f:?}");
    let kept: HashSet<&str> = report.clusters.iter().map(|c| c.keep.as_str()).collect();
    assert!(kept.contains(f.a.as_str()) && kept.contains(f.b.as_str()));
}

#[test]
fn the_text_report_summarises_a_large_cluster_instead_of_listing_members() {
    let docs = cluster(60, 150);
    let report = scan(&docs, Vec::new(), &Params::default(), Scope::All);
    let mut out = Vec::new();
    dedup::report::text::write_text(&report, &Default::default(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("1 large cluster"), "{text}");
    assert!(text.contains("drop 59"), "{text}");
    assert!(
        text.contains("59 findings inside the large clusters above not listed"),
        "{text}"
    );
    assert!(!text.contains("#1 "), "{text}");
}
