//! The page writer: the HTML of the overview (counts, findings table,
//! clusters, errors, parameters) and of the detail views, with the
//! stylesheet, the script and the script's data ([`super::data`]).

use super::data::PageData;
use super::view::{DocView, Side};
use super::HtmlOptions;
use crate::model::{Finding, MatchKind, Report, Verdict};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Pair colours in the stylesheet (`c0`..`c7`).
pub(super) const COLOURS: usize = 8;

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Appends `s` with `& < > " '` escaped.
pub(super) fn esc_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// `s` HTML-escaped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc_into(&mut out, s);
    out
}

/// JSON for a `<script>` element: `<`, `>` and `&` as `\u` escapes (they can
/// only occur inside JSON strings), so no `</script>` or `<!--` breaks out.
pub fn script_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let raw = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn kind_class(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Verbatim => "verbatim",
        MatchKind::Reworded => "reworded",
    }
}

pub(super) fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

pub(super) fn render_page(
    report: &Report,
    views: &BTreeMap<&str, DocView>,
    opts: &HtmlOptions,
) -> String {
    let mut h = String::with_capacity(64 << 10);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    let s = &report.summary;
    let _ = writeln!(
        h,
        "<title>dedup report: {} finding{}, {} documents</title>",
        s.pairs,
        if s.pairs == 1 { "" } else { "s" },
        s.documents
    );
    h.push_str("<style>\n");
    h.push_str(STYLE);
    h.push_str("</style>\n");
    // The data goes before the body: parsed as one block of raw text, not
    // interleaved with layouts of a growing findings table.
    let data = PageData::new(report, views, written_findings(report, views, opts));
    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"dedup-data\" data-total=\"{}\">",
        report.pairs.len()
    );
    h.push_str(&script_json(&data));
    h.push_str("</script>\n");
    // Set before the body is parsed, so the script-only layout (one view at
    // a time) applies at once instead of after laying out every view.
    h.push_str("<script>document.documentElement.classList.add(\"js\")</script>\n");
    h.push_str("</head>\n<body>\n");
    h.push_str("<header class=\"top\"><a class=\"home\" href=\"#overview\">dedup report</a>");
    let _ = write!(h, " <span class=\"tool\">{}</span>", esc(&report.tool));
    h.push_str(
        "<span class=\"keys\" title=\"keyboard\">j/k passage · n/p finding · u overview · / filter</span></header>\n<main>\n",
    );
    render_overview(&mut h, report);

    let written = written_findings(report, views, opts);
    for (i, f) in report.pairs.iter().enumerate().take(written) {
        render_finding(&mut h, report, i, f, views);
    }
    if written < report.pairs.len() {
        let _ = writeln!(
            h,
            "<p class=\"lazy-note\" id=\"lazy-note\">Findings #{} to #{} are drawn by the page's script when opened (JavaScript is needed for them; the JSON report has every finding).</p>",
            written + 1,
            report.pairs.len()
        );
    }
    h.push_str("<div id=\"lazy\"></div>\n</main>\n<script>\n");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body>\n</html>\n");
    h
}

/// How many findings get a detail view written as HTML: the first ones,
/// within the count and text limits.
pub(super) fn written_findings(
    report: &Report,
    views: &BTreeMap<&str, DocView>,
    opts: &HtmlOptions,
) -> usize {
    let mut text_bytes = 0usize;
    for (i, f) in report.pairs.iter().enumerate() {
        let cost: usize = [&f.a, &f.b]
            .iter()
            .filter_map(|id| views.get(id.as_str()))
            .flat_map(|v| v.segments.iter().map(|(_, t)| t.len()))
            .sum();
        if i >= opts.server_findings || (i > 0 && text_bytes + cost > opts.server_text_budget) {
            return i;
        }
        text_bytes += cost;
    }
    report.pairs.len()
}

pub(super) fn render_overview(h: &mut String, report: &Report) {
    let s = &report.summary;
    h.push_str("<section id=\"overview\">\n<h1>Similarity report</h1>\n<div class=\"cards\">\n");
    let _ = writeln!(
        h,
        "<div class=\"card\"><b>{}</b><span>documents</span></div>",
        s.documents
    );
    let _ = writeln!(
        h,
        "<div class=\"card\"><b>{}</b><span>findings</span></div>",
        s.pairs
    );
    for v in Verdict::ALL {
        let n = s.by_verdict.get(v.as_str()).copied().unwrap_or(0);
        let _ = writeln!(
            h,
            "<div class=\"card v-{v}\"><b>{n}</b><span>{v}</span></div>"
        );
    }
    let _ = writeln!(
        h,
        "<div class=\"card\"><b>{}</b><span>clusters</span></div>",
        s.clusters
    );
    let warnings: usize = report.documents.iter().map(|d| d.warnings.len()).sum();
    let _ = writeln!(
        h,
        "<div class=\"card{}\"><b>{}</b><span>errors</span></div>",
        if s.errors > 0 { " bad" } else { "" },
        s.errors
    );
    let _ = writeln!(
        h,
        "<div class=\"card\"><b>{warnings}</b><span>warnings</span></div>\n</div>"
    );

    h.push_str("<h2>Findings</h2>\n");
    if report.pairs.is_empty() {
        h.push_str("<p class=\"empty\">No reuse found.</p>\n");
    } else {
        h.push_str("<div class=\"controls\" hidden><input id=\"filter\" type=\"search\" placeholder=\"Filter by document id…\" aria-label=\"Filter by document id\"> <select id=\"verdict-filter\" aria-label=\"Verdict\"><option value=\"\">all verdicts</option>");
        for v in Verdict::ALL {
            let _ = write!(h, "<option value=\"{v}\">{v}</option>");
        }
        h.push_str("</select> <label><input id=\"source-filter\" type=\"checkbox\"> source determined</label> <span id=\"shown\"></span></div>\n");
        h.push_str("<div class=\"table-wrap\"><table id=\"findings\" class=\"findings\">\n");
        // Fixed column widths: a 10,000-row table is laid out without
        // measuring every cell.
        h.push_str("<colgroup><col class=\"w-n\"><col><col><col class=\"w-v\"><col class=\"w-s\"><col class=\"w-s\"><col class=\"w-s\"><col></colgroup>\n<thead><tr>");
        for (label, num) in [
            ("#", true),
            ("Document A", false),
            ("Document B", false),
            ("Verdict", false),
            ("Score", true),
            ("Coverage A", true),
            ("Coverage B", true),
            ("Source", false),
        ] {
            let _ = write!(
                h,
                "<th{}>{label}</th>",
                if num { " class=\"num\"" } else { "" }
            );
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for (i, f) in report.pairs.iter().enumerate() {
            let _ = write!(
                h,
                "<tr data-v=\"{}\"{}><td class=\"num\"><a href=\"#finding-{n}\">{n}</a></td><td>{}</td><td>{}</td><td><span class=\"verdict v-{}\">{}</span></td><td class=\"num\">{:.2}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>",
                f.verdict,
                if f.source.is_some() { " data-src" } else { "" },
                esc(&f.a),
                esc(&f.b),
                f.verdict,
                f.verdict,
                f.score,
                pct(f.coverage_a),
                pct(f.coverage_b),
                n = i + 1,
            );
            match &f.source {
                Some(src) => esc_into(h, src),
                None => h.push_str("<i>undetermined</i>"),
            }
            h.push_str("</td></tr>\n");
        }
        h.push_str("</tbody></table></div>\n<p><button id=\"more\" type=\"button\" hidden>Show more findings</button></p>\n");
    }

    h.push_str("<h2>Clusters</h2>\n");
    if report.clusters.is_empty() {
        h.push_str("<p class=\"empty\">No clusters.</p>\n");
    } else {
        h.push_str(
            "<table class=\"clusters\"><thead><tr><th>Keep</th><th>Drop</th></tr></thead><tbody>\n",
        );
        // Finding numbers by pair, for the members' links.
        let numbers: HashMap<(&str, &str), usize> = report
            .pairs
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.a.as_str(), f.b.as_str()), i + 1))
            .collect();
        let number = |x: &str, y: &str| {
            numbers
                .get(&(x, y))
                .or_else(|| numbers.get(&(y, x)))
                .copied()
        };
        for c in &report.clusters {
            h.push_str("<tr><td class=\"keep\">");
            esc_into(h, &c.keep);
            h.push_str("</td><td class=\"drop\">");
            if c.members.is_empty() {
                for (k, d) in c.drop.iter().enumerate() {
                    if k > 0 {
                        h.push_str("<br>");
                    }
                    esc_into(h, d);
                }
            } else {
                // Members most similar to the kept document first, each
                // linking to its finding against it (its differences);
                // closed, so a 3,000-member cluster costs no layout.
                let _ = write!(
                    h,
                    "<details class=\"members\"><summary>{} member{} (Jaccard to kept {:.2} to {:.2})</summary>\n<table><thead><tr><th>Member</th><th>Jaccard</th><th>Verdict</th><th>Score</th></tr></thead><tbody>\n",
                    c.members.len(),
                    if c.members.len() == 1 { "" } else { "s" },
                    c.members.last().map_or(0.0, |m| m.jaccard),
                    c.members.first().map_or(0.0, |m| m.jaccard),
                );
                for m in &c.members {
                    h.push_str("<tr><td>");
                    match number(&m.id, &c.keep) {
                        Some(n) => {
                            let _ = write!(h, "<a href=\"#finding-{n}\">");
                            esc_into(h, &m.id);
                            h.push_str("</a>");
                        }
                        None => esc_into(h, &m.id),
                    }
                    let _ = writeln!(
                        h,
                        "</td><td>{:.2}</td><td>{}</td><td>{:.2}</td></tr>",
                        m.jaccard,
                        m.verdict.map_or("linked", |v| v.as_str()),
                        m.score
                    );
                }
                h.push_str("</tbody></table></details>");
            }
            h.push_str("</td></tr>\n");
        }
        h.push_str("</tbody></table>\n");
    }

    h.push_str("<h2>Provenance</h2>\n");
    if report.provenance.is_empty() {
        h.push_str("<p class=\"empty\">No source named.</p>\n");
    } else {
        h.push_str("<p>Which came from which, per group of findings with a named source: arrows run from the source to the derived document (hover an arrow for its confidence).</p>\n");
        for (g, graph) in report.provenance.iter().take(MAX_GRAPHS).enumerate() {
            render_graph(h, g, graph);
        }
        if report.provenance.len() > MAX_GRAPHS {
            let _ = writeln!(
                h,
                "<p>… {} more groups: see the JSON report's <code>provenance</code>.</p>",
                report.provenance.len() - MAX_GRAPHS
            );
        }
    }

    h.push_str("<h2>Errors and warnings</h2>\n");
    if report.errors.is_empty() && report.documents.iter().all(|d| d.warnings.is_empty()) {
        h.push_str("<p class=\"empty\">None: every file was read.</p>\n");
    } else {
        h.push_str("<table class=\"problems\"><thead><tr><th>File</th><th>Kind</th><th>Message</th></tr></thead><tbody>\n");
        for e in &report.errors {
            h.push_str("<tr><td>");
            esc_into(h, &e.file);
            if let Some(line) = e.line {
                let _ = write!(h, ":{line}");
            }
            h.push_str("</td><td class=\"bad\">error</td><td>");
            esc_into(h, &e.message);
            h.push_str("</td></tr>\n");
        }
        for d in &report.documents {
            for w in &d.warnings {
                h.push_str("<tr><td>");
                esc_into(h, &d.id);
                h.push_str("</td><td class=\"warn\">warning</td><td>");
                esc_into(h, w);
                h.push_str("</td></tr>\n");
            }
        }
        h.push_str("</tbody></table>\n");
    }

    h.push_str("<h2>Run parameters</h2>\n<table class=\"params\"><tbody>\n");
    let mut flat = Vec::new();
    let params = serde_json::to_value(&report.params).unwrap_or_default();
    flatten("", &params, &mut flat);
    for (k, v) in flat {
        h.push_str("<tr><th>");
        esc_into(h, &k);
        h.push_str("</th><td>");
        esc_into(h, &v);
        h.push_str("</td></tr>\n");
    }
    h.push_str("</tbody></table>\n</section>\n");
}

/// `params` as `dotted.key = value` rows.
pub(super) fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// At most this many provenance groups are drawn.
const MAX_GRAPHS: usize = 50;

/// Groups with more documents than this are listed by their chain only.
const MAX_DRAWN_NODES: usize = 40;

/// One provenance group as a small SVG: documents in columns by their
/// distance from a root (sources left), arrows from source to derived.
fn render_graph(h: &mut String, g: usize, graph: &crate::model::ProvenanceGraph) {
    let _ = write!(h, "<figure class=\"graph\" id=\"provenance-{}\">", g + 1);
    let mut nodes: Vec<&str> = graph
        .edges
        .iter()
        .flat_map(|e| [e.source.as_str(), e.derived.as_str()])
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    if nodes.len() <= MAX_DRAWN_NODES {
        // Column: the longest path from a root (edges form no cycle; the
        // pass count bounds the work anyway).
        let mut column: HashMap<&str, usize> = nodes.iter().map(|&n| (n, 0)).collect();
        for _ in 0..nodes.len() {
            let mut changed = false;
            for e in &graph.edges {
                let next = column[e.source.as_str()] + 1;
                if next > column[e.derived.as_str()] && next < nodes.len() {
                    column.insert(e.derived.as_str(), next);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut rows: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for &n in &nodes {
            rows.entry(column[n]).or_default().push(n);
        }
        let (w, hgt, gap_x, gap_y) = (170.0, 26.0, 60.0, 12.0);
        let mut at: HashMap<&str, (f64, f64)> = HashMap::new();
        for (&c, members) in &rows {
            for (r, &n) in members.iter().enumerate() {
                at.insert(n, (c as f64 * (w + gap_x), r as f64 * (hgt + gap_y)));
            }
        }
        let width = rows.len() as f64 * (w + gap_x) - gap_x;
        let height = rows.values().map(Vec::len).max().unwrap_or(1) as f64 * (hgt + gap_y) - gap_y;
        let _ = write!(
            h,
            "<svg viewBox=\"-2 -2 {:.0} {:.0}\" width=\"{:.0}\" height=\"{:.0}\" role=\"img\" aria-label=\"provenance graph {}\"><defs><marker id=\"arrow-{g}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>",
            width + 4.0,
            height + 4.0,
            width + 4.0,
            height + 4.0,
            esc(&graph.chain)
        );
        for e in &graph.edges {
            let (sx, sy) = at[e.source.as_str()];
            let (dx, dy) = at[e.derived.as_str()];
            let _ = write!(
                h,
                "<line x1=\"{:.0}\" y1=\"{:.0}\" x2=\"{:.0}\" y2=\"{:.0}\" marker-end=\"url(#arrow-{g})\"><title>{} → {} (confidence {:.2})</title></line>",
                sx + w,
                sy + hgt / 2.0,
                dx,
                dy + hgt / 2.0,
                esc(&e.source),
                esc(&e.derived),
                e.confidence
            );
        }
        for &n in &nodes {
            let (x, y) = at[n];
            let root = graph.roots.iter().any(|r| r == n);
            let label: String = if n.chars().count() > 24 {
                n.chars().take(23).chain(['…']).collect()
            } else {
                n.to_string()
            };
            let _ = write!(
                h,
                "<g class=\"{}\"><rect x=\"{x:.0}\" y=\"{y:.0}\" width=\"{w:.0}\" height=\"{hgt:.0}\" rx=\"5\"/><text x=\"{:.0}\" y=\"{:.0}\">{}</text><title>{}</title></g>",
                if root { "node root" } else { "node" },
                x + 8.0,
                y + 17.0,
                esc(&label),
                esc(n)
            );
        }
        h.push_str("</svg>");
    }
    h.push_str("<figcaption>");
    esc_into(h, &graph.chain);
    h.push_str("</figcaption></figure>\n");
}

pub(super) fn render_finding(
    h: &mut String,
    report: &Report,
    i: usize,
    f: &Finding,
    views: &BTreeMap<&str, DocView>,
) {
    let n = i + 1;
    let _ = writeln!(
        h,
        "<section class=\"finding\" id=\"finding-{n}\" data-n=\"{n}\">"
    );
    h.push_str("<nav class=\"fnav\"><a href=\"#overview\">← all findings</a>");
    if i > 0 {
        let _ = write!(h, " <a href=\"#finding-{}\">‹ previous</a>", n - 1);
    }
    if n < report.pairs.len() {
        let _ = write!(h, " <a href=\"#finding-{}\">next ›</a>", n + 1);
    }
    h.push_str("</nav>\n");
    let _ = writeln!(
        h,
        "<h2>#{n} <span class=\"verdict v-{}\">{}</span>{} <span class=\"pair\">{} ↔ {}</span></h2>",
        f.verdict,
        f.verdict,
        if f.tier == crate::model::Tier::Semantic {
            " <span class=\"tier\" title=\"found by sentence meaning, not shared words\">semantic tier</span>"
        } else {
            ""
        },
        esc(&f.a),
        esc(&f.b)
    );
    let _ = writeln!(
        h,
        "<p class=\"metrics\">score <b>{:.2}</b> · jaccard {:.2} · containment {:.2} / {:.2} · coverage {} / {} · {} passage{}</p>",
        f.score,
        f.jaccard,
        f.containment_a_in_b,
        f.containment_b_in_a,
        pct(f.coverage_a),
        pct(f.coverage_b),
        f.passages.len(),
        if f.passages.len() == 1 { "" } else { "s" }
    );
    h.push_str("<div class=\"prov\">");
    match &f.source {
        Some(src) => {
            let derived = if src == &f.a { &f.b } else { &f.a };
            let _ = write!(
                h,
                "<p>Source: <b class=\"src\">{}</b> (confidence {:.2}); {} is derived from it.</p>",
                esc(src),
                f.confidence,
                esc(derived)
            );
        }
        None => h.push_str(
            "<p>Source: <b class=\"src undetermined\">undetermined</b>: the evidence does not agree enough to name one.</p>",
        ),
    }
    if f.evidence.is_empty() {
        h.push_str("<p class=\"empty\">No evidence recorded.</p>");
    } else {
        h.push_str("<table class=\"evidence\"><thead><tr><th>Evidence</th><th>Detail</th><th>Favours</th><th class=\"num\">Weight</th></tr></thead><tbody>");
        for e in &f.evidence {
            h.push_str("<tr><td>");
            esc_into(h, &e.kind);
            h.push_str("</td><td>");
            esc_into(h, &e.detail);
            h.push_str("</td><td>");
            match &e.favours {
                Some(x) => esc_into(h, x),
                None => h.push_str("<i>neither</i>"),
            }
            let _ = write!(h, "</td><td class=\"num\">{:.2}</td></tr>", e.weight);
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</div>\n");
    h.push_str("<p class=\"legend\"><span class=\"ps c0 verbatim\">verbatim</span> <span class=\"ps c0 reworded\">reworded</span> Each passage pair has its own colour; click a passage to bring its match into view. Hover over or click an aligned sentence (or focus it with Tab) to see the sentence it matches.</p>\n");
    h.push_str("<div class=\"sides\">\n");
    for side in ['a', 'b'] {
        let (id, path) = if side == 'a' {
            (&f.a, doc_path(report, &f.a))
        } else {
            (&f.b, doc_path(report, &f.b))
        };
        let sides: Vec<Side> = f
            .passages
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let r = if side == 'a' { p.a } else { p.b };
                Side {
                    start: r[0],
                    end: r[1],
                    pair: k,
                    kind: p.kind,
                    sentences: p
                        .pairs
                        .iter()
                        .map(|s| (if side == 'a' { s.a } else { s.b }, s.similarity))
                        .collect(),
                }
            })
            .collect();
        let view = views.get(id.as_str());
        let _ = write!(
            h,
            "<div class=\"side\"><h3><span class=\"label\">{}</span> {}",
            side.to_ascii_uppercase(),
            esc(id)
        );
        if f.source.as_deref() == Some(id.as_str()) {
            h.push_str(" <span class=\"tag\">source</span>");
        }
        h.push_str("</h3>");
        if let Some(p) = path {
            let _ = write!(h, "<p class=\"path\">{}</p>", esc(p));
        }
        let len = view.map(|v| v.len).unwrap_or(0);
        render_locbar(h, &sides, len);
        if let Some(note) = view.and_then(|v| v.note.as_deref()) {
            let _ = write!(h, "<p class=\"note\">{}</p>", esc(note));
        }
        let _ = write!(h, "<div class=\"doc\" data-side=\"{side}\">");
        if let Some(v) = view {
            render_doc(h, v, &sides);
        }
        h.push_str("</div></div>\n");
    }
    h.push_str("</div>\n</section>\n");
}

pub(super) fn doc_path<'a>(report: &'a Report, id: &str) -> Option<&'a str> {
    report
        .documents
        .binary_search_by(|d| d.id.as_str().cmp(id))
        .ok()
        .map(|k| report.documents[k].path.as_str())
}

/// A thin bar, the document's length, with a mark where each passage lies.
pub(super) fn render_locbar(h: &mut String, sides: &[Side], len: usize) {
    h.push_str("<div class=\"locbar\" title=\"Where in the document the reused text lies\">");
    if len > 0 {
        for s in sides {
            let left = s.start as f64 * 100.0 / len as f64;
            let width = ((s.end - s.start) as f64 * 100.0 / len as f64).max(0.6);
            let _ = write!(
                h,
                "<span class=\"c{}\" data-p=\"{}\" style=\"left:{:.2}%;width:{:.2}%\"></span>",
                s.pair % COLOURS,
                s.pair,
                left.min(99.4),
                width
            );
        }
    }
    h.push_str("</div>");
}

/// The document text with each passage wrapped in a `mark`; where passages
/// overlap, the first one's colour wins. Inside a mark, each aligned
/// sentence of that passage is a focusable `span class="s"` whose `data-s`
/// names its pair as `passage-pair` (0-based; several, space-separated,
/// where one stretch of text is in more than one pair), the same name on
/// both sides: the script links the two. Gaps between shown pieces become a
/// "not shown" marker. `report.js` (`renderDoc`) writes the same markup.
pub(super) fn render_doc(h: &mut String, view: &DocView, sides: &[Side]) {
    let mut pos = 0usize;
    for (start, text) in &view.segments {
        if *start > pos {
            render_gap(h, start - pos);
        }
        let end = start + text.len();
        let inside = |c: usize| c > *start && c < end && text.is_char_boundary(c - start);
        let mut cuts: Vec<usize> = vec![*start, end];
        for s in sides {
            let sentence_edges = s.sentences.iter().flat_map(|(r, _)| *r);
            cuts.extend(
                [s.start, s.end]
                    .into_iter()
                    .chain(sentence_edges)
                    .filter(|&c| inside(c)),
            );
        }
        cuts.sort_unstable();
        cuts.dedup();
        // The mark and the sentences open at the current position.
        let mut open: Option<usize> = None;
        let mut open_sentences: Vec<usize> = Vec::new();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let here = sides.iter().find(|s| s.start <= a && b <= s.end);
            let sentences: Vec<usize> = here.map_or_else(Vec::new, |s| {
                (0..s.sentences.len())
                    .filter(|&j| s.sentences[j].0[0] <= a && b <= s.sentences[j].0[1])
                    .collect()
            });
            let pair = here.map(|s| s.pair);
            if pair != open || sentences != open_sentences {
                if !open_sentences.is_empty() {
                    h.push_str("</span>");
                }
                if pair != open {
                    if open.is_some() {
                        h.push_str("</mark>");
                    }
                    if let Some(s) = here {
                        let _ = write!(
                            h,
                            "<mark class=\"ps c{} {}\" data-p=\"{}\">",
                            s.pair % COLOURS,
                            kind_class(s.kind),
                            s.pair
                        );
                    }
                    open = pair;
                }
                if let (Some(s), false) = (here, sentences.is_empty()) {
                    render_sentence_open(h, s, &sentences);
                }
                open_sentences = sentences;
            }
            esc_into(h, &text[a - start..b - start]);
        }
        if !open_sentences.is_empty() {
            h.push_str("</span>");
        }
        if open.is_some() {
            h.push_str("</mark>");
        }
        pos = end;
    }
    if view.len > pos {
        render_gap(h, view.len - pos);
    }
}

/// The opening tag of an aligned sentence: its pairs (`data-s`) and, as a
/// tooltip, their numbers in the passage (from 1) and similarity (whole
/// percent, rounded as the script rounds).
fn render_sentence_open(h: &mut String, side: &Side, sentences: &[usize]) {
    h.push_str("<span class=\"s\" tabindex=\"0\" data-s=\"");
    for (k, j) in sentences.iter().enumerate() {
        let sep = if k > 0 { " " } else { "" };
        let _ = write!(h, "{sep}{}-{j}", side.pair);
    }
    h.push_str("\" title=\"");
    for (k, &j) in sentences.iter().enumerate() {
        let sep = if k > 0 { "; " } else { "" };
        let _ = write!(
            h,
            "{sep}sentence pair {}: {}% similar",
            j + 1,
            (side.sentences[j].1 * 100.0).round()
        );
    }
    h.push_str("\">");
}

pub(super) fn render_gap(h: &mut String, bytes: usize) {
    let _ = write!(
        h,
        "<span class=\"gap\">[… {bytes} bytes not shown …]</span>"
    );
}
