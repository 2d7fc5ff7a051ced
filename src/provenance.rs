//! Provenance: which document of a finding is the likely original, with the
//! evidence for it. Each signal votes for a side with a weight; the source
//! is named only when the votes agree clearly, because a wrong source is
//! worse than none.

use crate::input::{DateSource, Document};
use crate::model::{round4, Evidence, Verdict};

/// What the provenance stage knows about an aligned pair.
#[derive(Debug, Clone, Copy)]
pub struct PairShape {
    /// The verdict of the finding.
    pub verdict: Verdict,
    /// Share of a's words in passages.
    pub coverage_a: f64,
    /// Share of b's words in passages.
    pub coverage_b: f64,
    /// Number of separate passages.
    pub passages: usize,
    /// Share of a's content bigrams found in b.
    pub containment_a: f64,
    /// Share of b's content bigrams found in a.
    pub containment_b: f64,
}

/// For partial reuse, the asymmetry counts only when the smaller text is at
/// least this contained in the other (a summary or excerpt); below it the
/// shared part is a block inside two texts of their own.
pub const PARTIAL_MIN_CONTAINED: f64 = 0.5;

/// Containment asymmetry below this ratio is no evidence: a rewrite, an
/// answer or a summary may add up to ~30% material of its own, so a smaller
/// difference says nothing about which text came first.
pub const MIN_ASYMMETRY: f64 = 1.3;

/// The named source (or none), its confidence and the evidence list.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// Id of the likely original, or `None` when undetermined.
    pub source: Option<String>,
    /// Confidence in `[0, 1]`.
    pub confidence: f64,
    /// The signals considered.
    pub evidence: Vec<Evidence>,
}

/// Minimum confidence for naming a source.
pub const MIN_CONFIDENCE: f64 = 0.5;

/// A date's sortable prefix (`YYYY-MM-DD`, or shorter), if it looks like one.
fn date_key(date: &str) -> Option<String> {
    let d = date.trim();
    let key: String = d.chars().take(10).collect();
    let ok = key.len() >= 4 && key.chars().take(4).all(|c| c.is_ascii_digit());
    ok.then_some(key)
}

/// Signals from publication dates.
fn date_evidence(a: &Document, b: &Document, out: &mut Vec<Evidence>) {
    let (Some(da), Some(db)) = (a.meta.date.as_deref(), b.meta.date.as_deref()) else {
        return;
    };
    let (Some(ka), Some(kb)) = (date_key(da), date_key(db)) else {
        return;
    };
    // A file's modification time is reset by a copy, checkout or edit: it
    // counts, but much less than a publication or commit date.
    let source = |d: &Document| d.meta.date_source;
    let (weight, note) = if [a, b].iter().any(|d| source(d) == Some(DateSource::Mtime)) {
        (0.4, " (file modification time, weak)")
    } else if [a, b].iter().any(|d| source(d) == Some(DateSource::Git)) {
        (0.9, " (first git commit)")
    } else {
        (0.9, "")
    };
    if ka == kb {
        out.push(Evidence {
            kind: "date".into(),
            detail: format!("both published {ka}{note}"),
            favours: None,
            weight: 0.0,
        });
        return;
    }
    let (earlier, later, de, dl) = if ka < kb {
        (a, b, &ka, &kb)
    } else {
        (b, a, &kb, &ka)
    };
    out.push(Evidence {
        kind: "date".into(),
        detail: format!(
            "{} published {de}, before {} ({dl}){note}",
            earlier.id, later.id
        ),
        favours: Some(earlier.id.clone()),
        weight,
    });
}

/// Names and addresses a document is known by, for attribution.
fn identities(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for v in [&doc.meta.site, &doc.meta.author].into_iter().flatten() {
        if v.trim().chars().count() >= 4 {
            out.push(v.trim().to_lowercase());
        }
    }
    if let Some(url) = &doc.meta.url {
        let host = url
            .split("://")
            .nth(1)
            .unwrap_or(url)
            .split('/')
            .next()
            .unwrap_or("");
        let host = host.trim_start_matches("www.");
        if host.len() >= 4 {
            out.push(host.to_lowercase());
        }
    }
    out
}

/// Signals from one document citing the other's outlet, author or URL.
fn attribution_evidence(a: &Document, b: &Document, out: &mut Vec<Evidence>) {
    let cites = |citing: &Document, cited: &Document| -> Option<String> {
        let names = identities(cited);
        // Lowercasing a whole text is the costly part: only for a document
        // with something to cite.
        if names.is_empty() {
            return None;
        }
        let text = citing.text.to_lowercase();
        names.into_iter().find(|name| text.contains(name.as_str()))
    };
    match (cites(a, b), cites(b, a)) {
        (Some(name), None) => out.push(Evidence {
            kind: "attribution".into(),
            detail: format!("{} cites \"{name}\", which identifies {}", a.id, b.id),
            favours: Some(b.id.clone()),
            weight: 0.8,
        }),
        (None, Some(name)) => out.push(Evidence {
            kind: "attribution".into(),
            detail: format!("{} cites \"{name}\", which identifies {}", b.id, a.id),
            favours: Some(a.id.clone()),
            weight: 0.8,
        }),
        _ => {}
    }
}

/// Signal from containment asymmetry: a rewrite, condensation or excerpt
/// keeps a subset of its source, so more of it is found in the source than
/// the other way round. When the smaller text sits as one compact block
/// inside the larger (partial reuse), the same numbers fit a quotation of a
/// short source, so the signal is withheld.
fn containment_evidence(a: &Document, b: &Document, shape: &PairShape, out: &mut Vec<Evidence>) {
    if shape.verdict == Verdict::Exact {
        return;
    }
    let (ca, cb) = (shape.containment_a, shape.containment_b);
    let detail = format!(
        "{:.0}% of {}'s content is in {}, {:.0}% of {}'s is in {}",
        ca * 100.0,
        a.id,
        b.id,
        cb * 100.0,
        b.id,
        a.id
    );
    let ratio = ca.max(cb) / ca.min(cb).max(1e-9);
    if ca.min(cb) <= 0.0 || ratio < MIN_ASYMMETRY {
        out.push(Evidence {
            kind: "containment".into(),
            detail: detail + ": no clear asymmetry",
            favours: None,
            weight: 0.0,
        });
        return;
    }
    // The more-contained document is the derived one; the other the source.
    let (source, derived, cov_source, cov_derived) = if ca > cb {
        (b, a, shape.coverage_b, shape.coverage_a)
    } else {
        (a, b, shape.coverage_a, shape.coverage_b)
    };
    let contained = ca.max(cb);
    if shape.verdict == Verdict::PartialReuse && contained < PARTIAL_MIN_CONTAINED {
        // A block shared by two texts that are both mostly their own: the
        // asymmetry only says which one is longer.
        out.push(Evidence {
            kind: "containment".into(),
            detail: format!(
                "{detail}: a shared block in two mostly different texts says nothing of direction"
            ),
            favours: None,
            weight: 0.0,
        });
        return;
    }
    if shape.verdict == Verdict::PartialReuse && cov_derived >= 0.8 && cov_source < 0.25 {
        out.push(Evidence {
            kind: "containment".into(),
            detail: format!(
                "{detail}: {} sits as one block in {}, which fits a quotation as well as an excerpt",
                derived.id, source.id
            ),
            favours: None,
            weight: 0.0,
        });
        return;
    }
    out.push(Evidence {
        kind: "containment".into(),
        detail: format!(
            "{detail}: {} keeps material {} lacks",
            source.id, derived.id
        ),
        favours: Some(source.id.clone()),
        weight: round4(0.6 + 0.3 * ((ratio - MIN_ASYMMETRY) / 1.0).min(1.0)),
    });
}

/// Weighs the evidence for a finding between `a` and `b`.
pub fn attribute(a: &Document, b: &Document, shape: &PairShape) -> Provenance {
    let mut evidence = Vec::new();
    date_evidence(a, b, &mut evidence);
    attribution_evidence(a, b, &mut evidence);
    containment_evidence(a, b, shape, &mut evidence);
    let vote = |id: &str| {
        evidence
            .iter()
            .filter(|e| e.favours.as_deref() == Some(id))
            .map(|e| e.weight)
            .sum::<f64>()
    };
    let (va, vb) = (vote(&a.id), vote(&b.id));
    // Confidence grows with the margin and shrinks when signals disagree.
    let confidence = round4(((va - vb).abs() / (va + vb + 0.3)).min(1.0));
    let source =
        (confidence >= MIN_CONFIDENCE).then(|| if va > vb { a.id.clone() } else { b.id.clone() });
    Provenance {
        confidence: if source.is_some() { confidence } else { 0.0 },
        source,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, date: Option<&str>, text: &str) -> Document {
        let mut d = Document::from_text(id, text);
        d.meta.date = date.map(Into::into);
        d
    }

    /// A pair whose passage coverage equals its content containment.
    fn shape(verdict: Verdict, containment_a: f64, containment_b: f64) -> PairShape {
        PairShape {
            verdict,
            coverage_a: containment_a,
            coverage_b: containment_b,
            passages: 3,
            containment_a,
            containment_b,
        }
    }

    #[test]
    fn earlier_date_is_the_source() {
        let p = attribute(
            &doc("a", Some("2024-03-07"), ""),
            &doc("b", Some("2024-03-06T10:00"), ""),
            &shape(Verdict::Paraphrase, 0.5, 0.5),
        );
        assert_eq!(p.source.as_deref(), Some("b"));
    }

    #[test]
    fn short_block_inside_a_long_text_is_undetermined() {
        let s = PairShape {
            verdict: Verdict::PartialReuse,
            coverage_a: 0.95,
            coverage_b: 0.1,
            passages: 1,
            containment_a: 0.9,
            containment_b: 0.1,
        };
        assert_eq!(
            attribute(&doc("quote", None, ""), &doc("long", None, ""), &s).source,
            None
        );
    }

    #[test]
    fn block_shared_by_two_mostly_different_texts_is_undetermined() {
        let s = PairShape {
            verdict: Verdict::PartialReuse,
            coverage_a: 0.4,
            coverage_b: 0.12,
            passages: 1,
            containment_a: 0.38,
            containment_b: 0.12,
        };
        assert_eq!(
            attribute(&doc("short", None, ""), &doc("long", None, ""), &s).source,
            None
        );
    }

    #[test]
    fn condensed_rewrite_is_derived_from_the_fuller_text() {
        let p = attribute(
            &doc("short", None, ""),
            &doc("long", None, ""),
            &shape(Verdict::Paraphrase, 0.9, 0.4),
        );
        assert_eq!(p.source.as_deref(), Some("long"));
    }

    #[test]
    fn weak_or_conflicting_signals_are_undetermined() {
        let p = attribute(
            &doc("a", None, ""),
            &doc("b", None, ""),
            &shape(Verdict::Paraphrase, 0.62, 0.6),
        );
        assert_eq!(p.source, None);
        let p = attribute(
            &doc("a", Some("2024-01-01"), ""),
            &doc("b", Some("2024-02-01"), ""),
            &shape(Verdict::Paraphrase, 0.9, 0.3),
        );
        assert_eq!(p.source, None, "date and coverage disagree: {p:?}");
    }
}
