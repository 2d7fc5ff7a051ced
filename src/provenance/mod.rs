//! Provenance: which document of a finding is the likely original, with the
//! evidence for it. Each signal votes for a side with a weight; the source
//! is named only when the votes agree clearly, because a wrong source is
//! worse than none.

use crate::input::{DateSource, Document};
use crate::model::{round4, Evidence, Verdict};

pub mod collection;
pub mod quotation;

pub use quotation::Quotations;

/// What the provenance stage knows about an aligned pair.
#[derive(Debug, Clone)]
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
    /// How much of the passages' own vocabulary recurs in the rest of each
    /// document ([`Cohesion`]), when both documents have a rest to speak of.
    pub cohesion: Cohesion,
    /// Names and numbers of each document found in the other.
    pub specifics: Specifics,
    /// Share of the stretch from a's first passage to its last that lies
    /// outside the passages: 0 when a's passages form one block.
    pub spread_a: f64,
    /// The same for b.
    pub spread_b: f64,
    /// Quotations of each side that the other rewords ([`quotation`]).
    pub quotations: Quotations,
}

impl PairShape {
    /// Whether one document sits whole, as one block, inside the other,
    /// which has material of its own around it. That fits "an excerpt of
    /// the long one" and "the long one took the short one in" alike (a
    /// syndicated story, a quotation), unlike a summary or condensation,
    /// whose material is spread through its source.
    pub fn one_block_inside(&self) -> bool {
        let inside = |cov_small: f64, cov_large: f64, spread_large: f64| {
            cov_small >= BLOCK_MIN_COVERAGE
                && cov_large < BLOCK_MAX_HOST_COVERAGE
                && spread_large <= BLOCK_MAX_SPREAD
        };
        inside(self.coverage_a, self.coverage_b, self.spread_b)
            || inside(self.coverage_b, self.coverage_a, self.spread_a)
    }
}

/// [`PairShape::one_block_inside`]: the inner document is at least this
/// covered, the host at most [`BLOCK_MAX_HOST_COVERAGE`] (a fifth of it its
/// own, enough to measure its cohesion), and at most [`BLOCK_MAX_SPREAD`]
/// of the host's passage stretch is its own text.
pub const BLOCK_MIN_COVERAGE: f64 = 0.8;
/// See [`BLOCK_MIN_COVERAGE`].
pub const BLOCK_MAX_HOST_COVERAGE: f64 = 0.8;
/// See [`BLOCK_MIN_COVERAGE`].
pub const BLOCK_MAX_SPREAD: f64 = 0.1;

/// A host whose own text (outside the block) carries at least this share
/// of the block's terms continues its subject: the block is an excerpt or
/// lead of it (a summary pattern), and containment votes as usual. Below it
/// the host's own text is about something else, which fits a page that took
/// the block in as well.
pub const BLOCK_HOST_COHESION: f64 = 0.15;

/// The names and numbers (the facts a rewrite keeps or drops but cannot
/// invent) of two documents, and how many of them they share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Specifics {
    /// Distinct names and numbers of a.
    pub a: usize,
    /// Distinct names and numbers of b.
    pub b: usize,
    /// Names and numbers in both.
    pub shared: usize,
}

/// Specifics asymmetry is read only when both documents are mostly one
/// another (a whole-document rewrite) and hold at least this many names and
/// numbers each: a few shared names say nothing.
pub const MIN_SPECIFICS: usize = 15;

/// Minimum passage coverage of both sides for the specifics signal.
pub const SPECIFICS_MIN_COVERAGE: f64 = 0.5;

/// The source must hold at least this share of specifics the other lacks,
/// and the other at most [`MAX_INVENTED`] (about one stray in fifty): a
/// rewrite that brings names and numbers of its own has added material,
/// and then the asymmetry says nothing.
pub const MIN_DROPPED: f64 = 0.1;
/// See [`MIN_DROPPED`].
pub const MAX_INVENTED: f64 = 0.02;
/// Lexical cohesion of the shared passages with their surroundings: of the
/// content terms inside the passages (names and numbers weighted up), the
/// weighted share that also occurs outside them in the same document. A
/// passage is written in the vocabulary of the text it was written for; one
/// pasted into another text brings names and terms its new neighbours never
/// use. This is the classic intrinsic-plagiarism cue, computed per pair.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cohesion {
    /// Weighted share for a, in `[0, 1]`; `None` when a has too little
    /// text outside the passages.
    pub a: Option<f64>,
    /// The same for b.
    pub b: Option<f64>,
}

/// For partial reuse, the asymmetry counts only when the smaller text is
/// nearly all inside the other (a summary or excerpt): below it the shared
/// part is a block inside two texts of their own, and the numbers fit "an
/// excerpt of the long one" and "the long one took the short one in" alike.
pub const PARTIAL_MIN_CONTAINED: f64 = 0.8;

/// For partial reuse, the derived side must also be mostly passage: a
/// summary or excerpt is, a text that quotes a block is not.
pub const PARTIAL_MIN_DERIVED_COVERAGE: f64 = 0.6;

/// A cohesion difference below this is no evidence (measured on the shared
/// sets: above it the side with the more cohesive passage was the source in
/// every pair; below it the two sides are on one topic and share its words).
pub const MIN_COHESION_MARGIN: f64 = 0.15;

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

/// Weight of a publication, `--dates FILE` or first-commit date: a text
/// cannot copy one written after it, so a date outweighs any two textual
/// signals (each at most 0.9: confidence 0.52 against 1.8). When three or
/// more all say otherwise the date itself is in doubt (a page re-dated on
/// an update, a commit of an old file) and the pair stays undetermined.
pub const DATE_WEIGHT: f64 = 6.0;

/// Signals from publication dates.
fn date_evidence(a: &Document, b: &Document, out: &mut Vec<Evidence>) {
    let (Some(da), Some(db)) = (a.meta.date.as_deref(), b.meta.date.as_deref()) else {
        return;
    };
    let (Some(mut ka), Some(mut kb)) = (date_key(da), date_key(db)) else {
        return;
    };
    // Commit and modification times are written by dedup itself, in UTC to
    // the second: two of them on one day still say which came first.
    let ours = |d: &Document| {
        matches!(
            d.meta.date_source,
            Some(DateSource::Git | DateSource::Mtime)
        )
    };
    if let (true, true, Some(ta), Some(tb)) = (ours(a), ours(b), da.get(..19), db.get(..19)) {
        ka = ta.to_string();
        kb = tb.to_string();
    }
    // A file's modification time is reset by a copy, checkout or edit: it
    // counts, but much less than a publication or commit date.
    let source = |d: &Document| d.meta.date_source;
    let (weight, note) = if [a, b].iter().any(|d| source(d) == Some(DateSource::Mtime)) {
        (0.4, " (file modification time, weak)")
    } else if [a, b].iter().any(|d| source(d) == Some(DateSource::Git)) {
        (DATE_WEIGHT, " (first git commit)")
    } else {
        (DATE_WEIGHT, "")
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

/// Weight of the `indexed` signal: a document that was in the index before
/// the checked one arrived cannot have copied it, so this outweighs any
/// textual signal on its own (confidence 0.87 alone); only dates overrule it.
pub const INDEXED_WEIGHT: f64 = 2.0;

/// Signal from `dedup check --index`: the indexed document was there first,
/// unless publication dates say the checked one is older.
fn indexed_evidence(a: &Document, b: &Document, out: &mut Vec<Evidence>) {
    let (old, new) = match (&a.meta.indexed, &b.meta.indexed) {
        (Some(_), None) => (a, b),
        (None, Some(_)) => (b, a),
        _ => return,
    };
    let since = match old.meta.indexed.as_deref() {
        Some("") | None => "an earlier run".to_string(),
        Some(t) => t.to_string(),
    };
    let dated_newer = out
        .iter()
        .any(|e| e.kind == "date" && e.favours.as_deref() == Some(new.id.as_str()));
    if dated_newer {
        out.push(Evidence {
            kind: "indexed".into(),
            detail: format!(
                "{} was in the index (added {since}) before {} was checked, but the dates say {} is older",
                old.id, new.id, new.id
            ),
            favours: None,
            weight: 0.0,
        });
        return;
    }
    out.push(Evidence {
        kind: "indexed".into(),
        detail: format!(
            "{} was in the index (added {since}) before {} was checked",
            old.id, new.id
        ),
        favours: Some(old.id.clone()),
        weight: INDEXED_WEIGHT,
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
    let (source, derived, _, cov_derived) = if ca > cb {
        (b, a, shape.coverage_b, shape.coverage_a)
    } else {
        (a, b, shape.coverage_a, shape.coverage_b)
    };
    let contained = ca.max(cb);
    if shape.verdict == Verdict::PartialReuse
        && (contained < PARTIAL_MIN_CONTAINED || cov_derived < PARTIAL_MIN_DERIVED_COVERAGE)
    {
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
    let host_cohesion = if std::ptr::eq(source, a) {
        shape.cohesion.a
    } else {
        shape.cohesion.b
    };
    let host_continues = host_cohesion.is_some_and(|c| c >= BLOCK_HOST_COHESION);
    if shape.one_block_inside() && !host_continues {
        out.push(Evidence {
            kind: "containment".into(),
            detail: format!(
                "{detail}: {} sits as one block in {}, whose own text hardly uses its words: a quotation or a syndicated story fits as well as an excerpt",
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

/// Signal from [`Cohesion`]: the passage belongs to the text whose other
/// parts use its words. Not for exact copies (no rest on either side).
fn cohesion_evidence(a: &Document, b: &Document, shape: &PairShape, out: &mut Vec<Evidence>) {
    let (Some(ca), Some(cb)) = (shape.cohesion.a, shape.cohesion.b) else {
        return;
    };
    if shape.verdict == Verdict::Exact {
        return;
    }
    let detail = format!(
        "{:.0}% of the passages' terms recur elsewhere in {}, {:.0}% elsewhere in {}",
        ca * 100.0,
        a.id,
        cb * 100.0,
        b.id
    );
    let margin = (ca - cb).abs();
    if margin < MIN_COHESION_MARGIN {
        out.push(Evidence {
            kind: "context".into(),
            detail: detail + ": the passages fit both texts",
            favours: None,
            weight: 0.0,
        });
        return;
    }
    let home = if ca > cb { a } else { b };
    out.push(Evidence {
        kind: "context".into(),
        detail: format!("{detail}: the passages belong to {}'s text", home.id),
        favours: Some(home.id.clone()),
        weight: round4(0.6 + (margin - MIN_COHESION_MARGIN).min(0.3)),
    });
}

/// Signal from [`Specifics`]: a rewrite of a whole document keeps some of
/// its names and numbers and drops others, but has none of its own to add,
/// so the source holds specifics the rewrite lacks and not the reverse.
fn specifics_evidence(a: &Document, b: &Document, shape: &PairShape, out: &mut Vec<Evidence>) {
    let s = shape.specifics;
    if shape.verdict == Verdict::Exact
        || shape.coverage_a.min(shape.coverage_b) < SPECIFICS_MIN_COVERAGE
        || s.a.min(s.b) < MIN_SPECIFICS
        || shape.one_block_inside()
    {
        return;
    }
    let (ia, ib) = (s.shared as f64 / s.a as f64, s.shared as f64 / s.b as f64);
    let detail = format!(
        "{:.0}% of {}'s names and numbers are in {}, {:.0}% of {}'s are in {}",
        ia * 100.0,
        a.id,
        b.id,
        ib * 100.0,
        b.id,
        a.id
    );
    // Shares near 1 compare by what is missing: the facts one side dropped
    // against those the other would have had to invent.
    let (missing_a, missing_b) = (1.0 - ia, 1.0 - ib);
    let (dropped, invented) = (missing_a.max(missing_b), missing_a.min(missing_b));
    if dropped < MIN_DROPPED || invented > MAX_INVENTED {
        out.push(Evidence {
            kind: "specifics".into(),
            detail: detail + ": no clear asymmetry",
            favours: None,
            weight: 0.0,
        });
        return;
    }
    // The document whose specifics are all in the other is the rewrite.
    let (source, derived) = if ia > ib { (b, a) } else { (a, b) };
    out.push(Evidence {
        kind: "specifics".into(),
        detail: format!("{detail}: {} has facts {} dropped", source.id, derived.id),
        favours: Some(source.id.clone()),
        weight: 0.6,
    });
}

/// Signal from [`Quotations`]: the side whose quotations the other turned
/// into reported speech is the source. Counts only when that side clearly
/// outnumbers the other (more than twice as many), since a rewrite of a
/// long text may also reword a stray phrase the other way.
fn quotation_evidence(a: &Document, b: &Document, shape: &PairShape, out: &mut Vec<Evidence>) {
    let q = &shape.quotations;
    if shape.verdict == Verdict::Exact || q.a + q.b == 0 {
        return;
    }
    let (source, derived, n, m, example) = if q.a >= q.b {
        (a, b, q.a, q.b, &q.example_a)
    } else {
        (b, a, q.b, q.a, &q.example_b)
    };
    let quoted: String = example
        .as_deref()
        .unwrap_or("")
        .chars()
        .take(QUOTE_EXAMPLE_CHARS)
        .collect();
    let plural = if n == 1 { "quotation" } else { "quotations" };
    let detail = format!(
        "{n} {plural} of {} reported without quotation marks in {} (\"{quoted}\"), {m} the other way",
        source.id, derived.id
    );
    if n <= 2 * m {
        out.push(Evidence {
            kind: "quotation".into(),
            detail: detail + ": both ways, no direction",
            favours: None,
            weight: 0.0,
        });
        return;
    }
    out.push(Evidence {
        kind: "quotation".into(),
        detail: format!(
            "{detail}: a rewrite turns quotations into reported speech, not the reverse"
        ),
        favours: Some(source.id.clone()),
        weight: round4(QUOTATION_WEIGHT + 0.2 * ((n - m - 1) as f64).min(2.0)),
    });
}

/// Weight of one more quotation reported in the other's words than the
/// other way (confidence 0.57 alone); each further one adds 0.2, up to 0.8.
pub const QUOTATION_WEIGHT: f64 = 0.4;

/// Characters of the example quotation shown in the evidence.
const QUOTE_EXAMPLE_CHARS: usize = 80;

/// Weighs the evidence for a finding between `a` and `b`.
pub fn attribute(a: &Document, b: &Document, shape: &PairShape) -> Provenance {
    let mut evidence = Vec::new();
    date_evidence(a, b, &mut evidence);
    indexed_evidence(a, b, &mut evidence);
    attribution_evidence(a, b, &mut evidence);
    containment_evidence(a, b, shape, &mut evidence);
    cohesion_evidence(a, b, shape, &mut evidence);
    specifics_evidence(a, b, shape, &mut evidence);
    quotation_evidence(a, b, shape, &mut evidence);
    let (source, confidence) = weigh(&evidence, &a.id, &b.id);
    Provenance {
        confidence,
        source,
        evidence,
    }
}

/// The named source (or none) and its confidence from a list of evidence
/// between documents `a` and `b`.
pub fn weigh(evidence: &[Evidence], a: &str, b: &str) -> (Option<String>, f64) {
    let vote = |id: &str| {
        evidence
            .iter()
            .filter(|e| e.favours.as_deref() == Some(id))
            .map(|e| e.weight)
            .sum::<f64>()
    };
    let (va, vb) = (vote(a), vote(b));
    // Confidence grows with the margin and shrinks when signals disagree.
    let confidence = round4(((va - vb).abs() / (va + vb + 0.3)).min(1.0));
    if confidence >= MIN_CONFIDENCE {
        let source = if va > vb { a } else { b };
        (Some(source.to_string()), confidence)
    } else {
        (None, 0.0)
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
            cohesion: Cohesion::default(),
            specifics: Specifics::default(),
            spread_a: 1.0,
            spread_b: 1.0,
            quotations: Quotations::default(),
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
            // The long text's own words share little with the quote.
            cohesion: Cohesion {
                a: None,
                b: Some(0.05),
            },
            specifics: Specifics::default(),
            spread_a: 0.0,
            spread_b: 0.0,
            quotations: Quotations::default(),
        };
        assert_eq!(
            attribute(&doc("quote", None, ""), &doc("long", None, ""), &s).source,
            None
        );
        // The same block at the head of a text that goes on about it (a
        // lead kept as a summary): containment votes.
        let lead = PairShape {
            cohesion: Cohesion {
                a: None,
                b: Some(0.4),
            },
            coverage_b: 0.7,
            containment_b: 0.6,
            ..s.clone()
        };
        assert_eq!(
            attribute(&doc("lead", None, ""), &doc("article", None, ""), &lead)
                .source
                .as_deref(),
            Some("article")
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
            cohesion: Cohesion::default(),
            specifics: Specifics::default(),
            spread_a: 1.0,
            spread_b: 1.0,
            quotations: Quotations::default(),
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
    fn weak_signals_are_undetermined_and_dates_overrule_text() {
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
        assert_eq!(
            p.source.as_deref(),
            Some("a"),
            "a date outweighs a contrary coverage signal: {p:?}"
        );
    }

    #[test]
    fn reported_speech_points_to_the_quoting_text() {
        let reported = |a, b| PairShape {
            quotations: Quotations {
                a,
                b,
                example_a: Some("I am very sorry".into()),
                example_b: Some("we will go".into()),
            },
            ..shape(Verdict::Paraphrase, 0.6, 0.6)
        };
        let p = attribute(&doc("x", None, ""), &doc("y", None, ""), &reported(0, 2));
        assert_eq!(p.source.as_deref(), Some("y"), "{p:?}");
        assert!(p.evidence.iter().any(|e| e.kind == "quotation"));
        // One the other way as well: three against one still counts, two
        // against one does not.
        let p = attribute(&doc("x", None, ""), &doc("y", None, ""), &reported(3, 1));
        assert_eq!(p.source.as_deref(), Some("x"));
        let p = attribute(&doc("x", None, ""), &doc("y", None, ""), &reported(2, 1));
        assert_eq!(p.source, None);
        // A date says otherwise: the date wins.
        let p = attribute(
            &doc("x", Some("2024-01-01"), ""),
            &doc("y", Some("2024-02-01"), ""),
            &reported(0, 3),
        );
        assert_eq!(p.source.as_deref(), Some("x"));
    }
}
