//! SARIF 2.1.0 printer (OASIS Static Analysis Results Interchange Format),
//! for code-scanning dashboards. One result per passage (per finding when
//! it has none), located in the new document, with related locations in
//! the other one. Columns count Unicode code points (`columnKind`).

use super::github::describe;
use super::locate::{display_path, region, Oriented, Region, SourceText, Sources};
use super::{Report, Verdict};
use serde_json::{json, Value};
use std::io::Write;

/// The schema a SARIF log names.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn rule_description(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Exact => ("ExactDuplicate", "Identical text after normalization."),
        Verdict::NearDuplicate => (
            "NearDuplicate",
            "Word-shingle Jaccard similarity at or above the threshold.",
        ),
        Verdict::Paraphrase => (
            "Paraphrase",
            "Reworded throughout: one document is a rewrite of most of the other.",
        ),
        Verdict::PartialReuse => (
            "PartialReuse",
            "A part of one document is in the other, verbatim or reworded.",
        ),
    }
}

/// A path as a relative URI reference: `/` separators, characters outside
/// RFC 3986's unreserved and sub-delimiter sets percent-encoded.
pub fn path_uri(path: &str) -> String {
    let mut out = String::new();
    for b in display_path(path).bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region_json(r: Region) -> Value {
    json!({
        "startLine": r.start_line,
        "startColumn": r.start_column,
        "endLine": r.end_line,
        "endColumn": r.end_column,
    })
}

fn location(doc: &SourceText, range: Option<[usize; 2]>) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": path_uri(doc.path) } });
    if let Some(range) = range {
        physical["region"] = region_json(region(doc.text, range));
    }
    json!({ "physicalLocation": physical })
}

/// Builds the SARIF log. Findings that fail the check (`fails(verdict)`)
/// are level `error`, the others `warning`.
pub fn to_sarif(report: &Report, sources: &Sources, fails: &dyn Fn(Verdict) -> bool) -> Value {
    let rules: Vec<Value> = Verdict::ALL
        .iter()
        .map(|&v| {
            let (name, text) = rule_description(v);
            json!({
                "id": v.as_str(),
                "name": name,
                "shortDescription": { "text": text },
                "defaultConfiguration": { "level": if fails(v) { "error" } else { "warning" } },
            })
        })
        .collect();
    let mut results = Vec::new();
    for f in &report.pairs {
        let side = Oriented::of(f, sources);
        let Some(here) = sources.get(side.here) else {
            continue;
        };
        let other = sources.get(side.other);
        let rule_index = Verdict::ALL
            .iter()
            .position(|&v| v == f.verdict)
            .unwrap_or(0);
        let level = if fails(f.verdict) { "error" } else { "warning" };
        let summary = describe(f, side.other);
        let properties = json!({
            "score": f.score,
            "jaccard": f.jaccard,
            "coverageA": f.coverage_a,
            "coverageB": f.coverage_b,
            "a": f.a,
            "b": f.b,
            "source": f.source,
            "confidence": f.confidence,
        });
        let mut push = |message: String,
                        here_range: Option<[usize; 2]>,
                        other_range: Option<[usize; 2]>,
                        part: usize| {
            let mut related = Vec::new();
            if let Some(o) = other {
                let mut loc = location(o, other_range);
                loc["id"] = json!(0);
                loc["message"] = json!({ "text": format!("the other document: {}", side.other) });
                related.push(loc);
            }
            results.push(json!({
                "ruleId": f.verdict.as_str(),
                "ruleIndex": rule_index,
                "level": level,
                "message": { "text": message },
                "locations": [location(here, here_range)],
                "relatedLocations": related,
                "partialFingerprints": {
                    "dedupPair/v1": format!("{}|{}|{}|{part}", f.a, f.b, f.verdict),
                },
                "properties": properties.clone(),
            }));
        };
        if f.passages.is_empty() {
            push(summary.clone(), None, None, 0);
        }
        let n = f.passages.len();
        for (i, p) in f.passages.iter().enumerate() {
            let (range, other_range) = side.ranges(p);
            push(
                format!(
                    "{summary}. Passage {}/{n}: {} match, similarity {:.2}; see [the other document](0).",
                    i + 1,
                    match p.kind {
                        super::MatchKind::Verbatim => "verbatim",
                        super::MatchKind::Reworded => "reworded",
                    },
                    p.similarity
                ),
                Some(range),
                Some(other_range),
                i + 1,
            );
        }
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "dedup",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Writes the SARIF log, pretty-printed.
pub fn write_sarif(
    report: &Report,
    sources: &Sources,
    fails: &dyn Fn(Verdict) -> bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_sarif(report, sources, fails))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_uri("./docs/a b%.txt"), "docs/a%20b%25.txt");
        assert_eq!(path_uri("dir\\é.md"), "dir/%C3%A9.md");
    }
}
