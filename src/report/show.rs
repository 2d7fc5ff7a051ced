//! The terminal detail view of one finding (`dedup show`): every passage
//! pair side by side, each pair in its own colour, with a bar per document
//! showing where the reused text lies. Also the numbered list of findings
//! the view is chosen from.

use super::text::{trim, wrap};
use super::{Finding, MatchKind, Report};
use std::io::Write;

/// Options of the side-by-side view.
#[derive(Debug, Clone, Copy)]
pub struct ShowOptions {
    /// Total width in columns.
    pub width: usize,
    /// Whether to write ANSI colour codes.
    pub color: bool,
}

/// Foreground colours of passage pairs (ANSI 256-colour indices that read on
/// light and dark backgrounds).
const PAIR_COLOURS: [u8; 6] = [33, 208, 35, 170, 135, 37];

const RESET: &str = "\x1b[0m";

fn paint(s: &str, code: &str, color: bool) -> String {
    if color && !s.is_empty() {
        format!("\x1b[{code}m{s}{RESET}")
    } else {
        s.to_string()
    }
}

fn pair_code(pair: usize, kind: MatchKind) -> String {
    let c = PAIR_COLOURS[pair % PAIR_COLOURS.len()];
    match kind {
        MatchKind::Verbatim => format!("1;38;5;{c}"),
        // Reworded passages: same colour, not bold, underlined, so the two
        // kinds differ without colour too (the header line names the kind).
        MatchKind::Reworded => format!("4;38;5;{c}"),
    }
}

/// Writes the numbered list of findings.
pub fn write_list(report: &Report, opts: &ShowOptions, out: &mut dyn Write) -> std::io::Result<()> {
    let n = report.pairs.len();
    writeln!(
        out,
        "{} finding{} in {} documents; `dedup show REPORT N` shows one side by side",
        n,
        if n == 1 { "" } else { "s" },
        report.summary.documents
    )?;
    let digits = n.max(1).to_string().len();
    for (i, f) in report.pairs.iter().enumerate() {
        let source = match &f.source {
            Some(s) => format!("source {s}"),
            None => "source undetermined".into(),
        };
        writeln!(
            out,
            "{:>w$}  {:<14} {:.2}  {} <-> {}  ({})",
            i + 1,
            paint(f.verdict.as_str(), "1", opts.color),
            f.score,
            f.a,
            f.b,
            source,
            w = digits
        )?;
    }
    Ok(())
}

/// Writes finding `index` (0-based): header, provenance with evidence,
/// location bars, then every passage pair side by side.
pub fn write_pair(
    report: &Report,
    index: usize,
    opts: &ShowOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let f = &report.pairs[index];
    let width = opts.width.max(40);
    let verdict = f.verdict.as_str();
    let head = format!(
        "#{} {verdict}  score {:.2}  {} <-> {}",
        index + 1,
        f.score,
        f.a,
        f.b
    );
    let head = fit(&head, width);
    writeln!(
        out,
        "{}",
        head.replacen(verdict, &paint(verdict, "1", opts.color), 1)
    )?;
    let metrics = super::text::metrics_line(f);
    writeln!(out, "{}", fit(&metrics, width))?;
    match &f.source {
        Some(src) => {
            let derived = if src == &f.a { &f.b } else { &f.a };
            let line = format!(
                "source: {src} (confidence {:.2}); {derived} is derived from it",
                f.confidence
            );
            let line = fit(&line, width);
            writeln!(
                out,
                "{}",
                line.replacen(src.as_str(), &paint(src, "1", opts.color), 1)
            )?;
        }
        None => writeln!(out, "source: undetermined")?,
    }
    for e in &f.evidence {
        let favours = e.favours.as_deref().unwrap_or("neither");
        let line = format!(
            "{} (favours {favours}, weight {:.2}): {}",
            e.kind, e.weight, e.detail
        );
        for (k, l) in wrap(&line, width - 4, usize::MAX).iter().enumerate() {
            writeln!(out, "{}{l}", if k == 0 { "  - " } else { "    " })?;
        }
    }
    let bar_width = width.saturating_sub(6).min(80);
    writeln!(
        out,
        "A {}",
        location_bar(f, true, report, bar_width, opts.color)
    )?;
    writeln!(
        out,
        "B {}",
        location_bar(f, false, report, bar_width, opts.color)
    )?;
    let col = (width - 3) / 2;
    for (k, p) in f.passages.iter().enumerate() {
        let code = pair_code(k, p.kind);
        let kind = match p.kind {
            MatchKind::Verbatim => "verbatim",
            MatchKind::Reworded => "reworded",
        };
        let title = format!(
            " passage {}/{} · {kind} · similarity {:.2} ",
            k + 1,
            f.passages.len(),
            p.similarity
        );
        let rule = width.saturating_sub(title.chars().count() + 2);
        let title = trim(&title, width - 2);
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            paint(&format!("──{title}{}", "─".repeat(rule)), &code, opts.color)
        )?;
        let head_a = trim(&format!("A {} [{}..{}]", f.a, p.a[0], p.a[1]), col);
        let head_b = trim(&format!("B {} [{}..{}]", f.b, p.b[0], p.b[1]), col);
        writeln!(out, "{} │ {}", pad(&head_a, col), head_b)?;
        let left = wrap(&p.text_a, col, usize::MAX);
        let right = wrap(&p.text_b, col, usize::MAX);
        for r in 0..left.len().max(right.len()) {
            let l = left.get(r).map(String::as_str).unwrap_or("");
            let rt = right.get(r).map(String::as_str).unwrap_or("");
            let padding = " ".repeat(col.saturating_sub(l.chars().count()));
            let line = format!(
                "{}{padding} │ {}",
                paint(l, &code, opts.color),
                paint(rt, &code, opts.color)
            );
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// A bar the width of the document: `█` where a passage lies (in its
/// pair's colour), `·` elsewhere.
fn location_bar(f: &Finding, side_a: bool, report: &Report, width: usize, color: bool) -> String {
    let id = if side_a { &f.a } else { &f.b };
    let ranges: Vec<(usize, [usize; 2])> = f
        .passages
        .iter()
        .enumerate()
        .map(|(k, p)| (k, if side_a { p.a } else { p.b }))
        .collect();
    let end = ranges.iter().map(|(_, r)| r[1]).max().unwrap_or(0);
    // The report keeps the raw size; a decoded or extracted text can be
    // shorter, never shorter than the last passage.
    let len = report
        .documents
        .iter()
        .find(|d| &d.id == id)
        .map(|d| d.bytes)
        .unwrap_or(0)
        .max(end)
        .max(1);
    let mut cells: Vec<Option<usize>> = vec![None; width];
    for (k, r) in &ranges {
        let from = r[0] * width / len;
        let to = (r[1] * width).div_ceil(len).clamp(from + 1, width);
        for c in cells.iter_mut().take(to).skip(from.min(width - 1)) {
            c.get_or_insert(*k);
        }
    }
    let mut s = String::new();
    for c in cells {
        match c {
            Some(k) => s.push_str(&paint("█", &pair_code(k, MatchKind::Verbatim), color)),
            None => s.push('·'),
        }
    }
    s
}

/// `line` as is when it fits, else word-wrapped with an indent.
fn fit(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_string();
    }
    wrap(line, width - 2, usize::MAX).join("\n  ")
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.chars().count())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_is_plain_without_colour() {
        assert_eq!(paint("x", "1", false), "x");
        assert_eq!(paint("x", "1", true), "\x1b[1mx\x1b[0m");
    }
}
