//! The terminal summary: counts, then findings by score, each with its
//! source line, evidence and the top passages side by side.

use super::{Cluster, Finding, Report};
use crate::params::Params;
use std::io::Write;

/// Options of the text printer.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Total width in columns.
    pub width: usize,
    /// Passages shown per finding.
    pub passages: usize,
    /// Lines shown per passage side.
    pub lines: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            width: 100,
            passages: 3,
            lines: 4,
        }
    }
}

/// Writes the human-readable summary.
pub fn write_text(report: &Report, opts: &TextOptions, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let verdicts: Vec<String> = s
        .by_verdict
        .iter()
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    writeln!(
        out,
        "{} documents, {} finding{}{}, {} cluster{}, {} error{}",
        s.documents,
        s.pairs,
        if s.pairs == 1 { "" } else { "s" },
        if verdicts.is_empty() {
            String::new()
        } else {
            format!(" ({})", verdicts.join(", "))
        },
        s.clusters,
        if s.clusters == 1 { "" } else { "s" },
        s.errors,
        if s.errors == 1 { "" } else { "s" },
    )?;
    if let Some(line) = params_line(&report.params) {
        writeln!(out, "{line}")?;
    }
    let total_ms: f64 = report.stats.timings_ms.values().sum();
    if total_ms > 0.0 {
        writeln!(
            out,
            "compared in {total_ms:.0} ms on {} threads",
            report.stats.threads
        )?;
    }
    for e in &report.errors {
        match e.line {
            Some(line) => writeln!(out, "error: {}:{}: {}", e.file, line, e.message)?,
            None => writeln!(out, "error: {}: {}", e.file, e.message)?,
        }
    }
    for d in &report.documents {
        for w in &d.warnings {
            writeln!(out, "warning: {}: {}", d.id, w)?;
        }
    }
    // A large cluster is summarised in a few lines; its member findings
    // are not listed one by one (the JSON report has every one).
    let mut in_large: std::collections::HashMap<&str, usize> = Default::default();
    let large: Vec<(usize, &Cluster)> = report
        .clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| c.drop.len() > LISTED_MEMBERS)
        .collect();
    for &(i, c) in &large {
        in_large.insert(&c.keep, i);
        for d in &c.drop {
            in_large.insert(d, i);
        }
    }
    if !large.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{} large cluster{} (more than {LISTED_MEMBERS} members to drop), largest first:",
            large.len(),
            if large.len() == 1 { "" } else { "s" }
        )?;
        let mut by_size = large.clone();
        by_size.sort_by_key(|(i, c)| (std::cmp::Reverse(c.drop.len()), *i));
        for (_, c) in by_size.iter().take(LISTED_CLUSTERS) {
            write_cluster_summary(c, opts, out)?;
        }
        if by_size.len() > LISTED_CLUSTERS {
            writeln!(out, "   ... {} more", by_size.len() - LISTED_CLUSTERS)?;
        }
    }
    // Which came from which, one line per connected group of findings.
    let chains: Vec<&str> = report
        .provenance
        .iter()
        .filter(|g| !g.chain.is_empty())
        .map(|g| g.chain.as_str())
        .collect();
    if !chains.is_empty() {
        writeln!(out)?;
        writeln!(out, "provenance (source -> derived):")?;
        for c in chains.iter().take(LISTED_CLUSTERS) {
            writeln!(out, "   {c}")?;
        }
        if chains.len() > LISTED_CLUSTERS {
            writeln!(out, "   ... {} more", chains.len() - LISTED_CLUSTERS)?;
        }
    }
    let mut hidden = 0;
    for (i, f) in report.pairs.iter().enumerate() {
        let inside = in_large
            .get(f.a.as_str())
            .is_some_and(|c| in_large.get(f.b.as_str()) == Some(c));
        if inside {
            hidden += 1;
            continue;
        }
        writeln!(out)?;
        write_finding(i, f, opts, out)?;
    }
    if hidden > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "({hidden} finding{} inside the large clusters above not listed: see --format json or html)",
            if hidden == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

/// Clusters with more members than this are summarised, not listed.
const LISTED_MEMBERS: usize = 5;

/// At most this many large clusters are summarised.
const LISTED_CLUSTERS: usize = 20;

/// One large cluster in a few lines: size, kept document, the spread of the
/// members' similarity to it and the verdicts.
fn write_cluster_summary(
    c: &Cluster,
    opts: &TextOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let jaccards: Vec<f64> = c.members.iter().map(|m| m.jaccard).collect();
    let (lo, hi) = jaccards
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &j| {
            (lo.min(j), hi.max(j))
        });
    let mut verdicts: std::collections::BTreeMap<&str, usize> = Default::default();
    for m in &c.members {
        *verdicts
            .entry(m.verdict.map_or("linked", |v| v.as_str()))
            .or_default() += 1;
    }
    let verdicts: Vec<String> = verdicts.iter().map(|(v, n)| format!("{n} {v}")).collect();
    let head = format!(
        "   keep {}  drop {}  (Jaccard to kept {:.2}..{:.2}; {})",
        c.keep,
        c.drop.len(),
        if lo.is_finite() { lo } else { 0.0 },
        if hi.is_finite() { hi } else { 0.0 },
        verdicts.join(", ")
    );
    writeln!(out, "{}", trim(&head, opts.width))
}

/// The run's detection settings in one line, from the report's `params`.
fn params_line(params: &Params) -> Option<String> {
    let f = &params.features;
    let (bands, rows) = (f.lsh.bands, f.lsh.rows);
    let mut line = format!(
        "near-duplicate tier: Jaccard >= {} (LSH {bands} bands x {rows} rows, {}-word shingles, {} permutations)",
        params.decision.threshold, f.shingle_size, f.num_perm,
    );
    line.push_str(if f.rewrite_tier {
        "; rewrite tier on"
    } else {
        "; rewrite tier off"
    });
    line.push_str(if params.semantic.enabled {
        "; semantic tier on"
    } else {
        "; semantic tier off"
    });
    Some(line)
}

/// ` (semantic tier)` after the verdict of a finding the semantic tier
/// made; nothing for the lexical tiers.
pub fn tier_note(f: &Finding) -> &'static str {
    match f.tier {
        crate::model::Tier::Semantic => " (semantic tier)",
        crate::model::Tier::Lexical => "",
    }
}

/// One finding: header, provenance, passages.
pub fn write_finding(
    index: usize,
    f: &Finding,
    opts: &TextOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "#{} {}{}  score {:.2}  {} <-> {}",
        index + 1,
        f.verdict,
        tier_note(f),
        f.score,
        f.a,
        f.b
    )?;
    writeln!(out, "   {}", metrics_line(f))?;
    match &f.source {
        Some(src) => {
            let derived = if src == &f.a { &f.b } else { &f.a };
            writeln!(
                out,
                "   source: {src} (confidence {:.2}); {derived} is derived from it",
                f.confidence
            )?
        }
        None => writeln!(out, "   source: undetermined")?,
    }
    for e in &f.evidence {
        writeln!(out, "     - {}: {}", e.kind, e.detail)?;
    }
    let col = opts.width.saturating_sub(7) / 2;
    for p in f.passages.iter().take(opts.passages) {
        writeln!(out, "   {:-<w$}", "", w = opts.width.saturating_sub(3))?;
        writeln!(
            out,
            "   {:<col$} | {} ({:.2})",
            trim(&format!("{} [{}..{}]", f.a, p.a[0], p.a[1]), col),
            f.b,
            p.similarity
        )?;
        let left = wrap(&p.text_a, col, opts.lines);
        let right = wrap(&p.text_b, col, opts.lines);
        for k in 0..left.len().max(right.len()) {
            let l = left.get(k).map(String::as_str).unwrap_or("");
            let r = right.get(k).map(String::as_str).unwrap_or("");
            writeln!(out, "   {l:<col$} | {r}")?;
        }
    }
    if f.passages.len() > opts.passages {
        writeln!(
            out,
            "   ... {} more passage(s)",
            f.passages.len() - opts.passages
        )?;
    }
    Ok(())
}

/// `s` cut to `width` characters, the last one an ellipsis when cut.
pub fn trim(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        s.chars().take(width.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// Greedy word wrap to `width` columns, at most `max_lines` lines (the last
/// one ends with an ellipsis when text is left over).
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut truncated = false;
    for word in text.split_whitespace() {
        let need = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if need > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            if lines.len() == max_lines {
                truncated = true;
                break;
            }
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&trim(word, width));
    }
    if !truncated && !line.is_empty() {
        lines.push(line);
    }
    if truncated {
        if let Some(last) = lines.last_mut() {
            *last = trim(last, width.saturating_sub(1)) + "…";
        }
    }
    lines
}

/// The numbers of a finding on one line: Jaccard, containment both ways,
/// coverage both ways, passage count.
pub fn metrics_line(f: &Finding) -> String {
    format!(
        "jaccard {:.2}  containment {:.2}/{:.2}  coverage {:.0}%/{:.0}%  {} passage{}",
        f.jaccard,
        f.containment_a_in_b,
        f.containment_b_in_a,
        f.coverage_a * 100.0,
        f.coverage_b * 100.0,
        f.passages.len(),
        if f.passages.len() == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_fits_width_and_truncates() {
        let lines = wrap("one two three four five six seven eight nine ten", 10, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.chars().count() <= 10));
        assert!(lines[1].ends_with('…'));
    }
}
