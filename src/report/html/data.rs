//! The page's data for its script, as one typed struct serialized into a
//! `<script type="application/json">` element: the findings past the ones
//! written as HTML (passage texts dropped: the document pieces hold them)
//! and each of their documents once. Field names are the script's
//! (`report.js`); they are kept in alphabetical order, the order the page
//! has always had.

use super::page::{doc_path, kind_class};
use super::view::DocView;
use crate::model::{round4, Report, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything the script reads.
#[derive(Serialize)]
pub(super) struct PageData<'a> {
    /// Documents of the drawn-on-demand findings, by id.
    docs: BTreeMap<&'a str, DocData<'a>>,
    /// The findings from number `first` on.
    findings: Vec<FindingData<'a>>,
    /// Index of the first finding in `findings`.
    first: usize,
    /// All findings of the report.
    total: usize,
}

/// One document: its length, the pieces shown and a note.
#[derive(Serialize)]
struct DocData<'a> {
    len: usize,
    note: Option<&'a str>,
    path: Option<&'a str>,
    /// `[start offset, text]` pieces.
    segs: Vec<(usize, &'a str)>,
}

/// One finding, in short field names.
#[derive(Serialize)]
struct FindingData<'a> {
    a: &'a str,
    b: &'a str,
    cab: f64,
    cba: f64,
    confidence: f64,
    cova: f64,
    covb: f64,
    /// `[kind, detail, favours, weight]`.
    evidence: Vec<(&'a str, &'a str, Option<&'a str>, f64)>,
    jaccard: f64,
    /// `[a start, a end, b start, b end, kind, similarity, sentence pairs]`,
    /// each sentence pair `[a start, a end, b start, b end, similarity]`.
    passages: Vec<PassageData>,
    score: f64,
    source: Option<&'a str>,
    verdict: Verdict,
}

/// One passage, as `FindingData::passages` describes it.
type PassageData = (
    usize,
    usize,
    usize,
    usize,
    &'static str,
    f64,
    Vec<(usize, usize, usize, usize, f64)>,
);

impl<'a> PageData<'a> {
    /// The data for the findings past the first `written`.
    pub(super) fn new(
        report: &'a Report,
        views: &'a BTreeMap<&'a str, DocView<'a>>,
        written: usize,
    ) -> Self {
        let rest = &report.pairs[written.min(report.pairs.len())..];
        let mut docs = BTreeMap::new();
        let mut findings = Vec::with_capacity(rest.len());
        for f in rest {
            for id in [&f.a, &f.b] {
                if docs.contains_key(id.as_str()) {
                    continue;
                }
                if let Some(v) = views.get(id.as_str()) {
                    docs.insert(
                        id.as_str(),
                        DocData {
                            len: v.len,
                            note: v.note.as_deref(),
                            path: doc_path(report, id),
                            segs: v.segments.iter().map(|(s, t)| (*s, t.as_ref())).collect(),
                        },
                    );
                }
            }
            findings.push(FindingData {
                a: &f.a,
                b: &f.b,
                cab: f.containment_a_in_b,
                cba: f.containment_b_in_a,
                confidence: f.confidence,
                cova: f.coverage_a,
                covb: f.coverage_b,
                evidence: f
                    .evidence
                    .iter()
                    .map(|e| {
                        (
                            e.kind.as_str(),
                            e.detail.as_str(),
                            e.favours.as_deref(),
                            e.weight,
                        )
                    })
                    .collect(),
                jaccard: f.jaccard,
                passages: f
                    .passages
                    .iter()
                    .map(|p| {
                        (
                            p.a[0],
                            p.a[1],
                            p.b[0],
                            p.b[1],
                            kind_class(p.kind),
                            round4(p.similarity),
                            p.pairs
                                .iter()
                                .map(|s| (s.a[0], s.a[1], s.b[0], s.b[1], s.similarity))
                                .collect(),
                        )
                    })
                    .collect(),
                score: f.score,
                source: f.source.as_deref(),
                verdict: f.verdict,
            });
        }
        PageData {
            docs,
            findings,
            first: written,
            total: report.pairs.len(),
        }
    }
}
