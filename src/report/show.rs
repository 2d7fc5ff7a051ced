//! The terminal detail view of one finding (`dedup show`): every passage
//! pair side by side, each pair in its own colour, each aligned sentence
//! pair numbered on both sides (`[1]`, `[2]`, ...), with a bar per document
//! showing where the reused text lies. Also the numbered list of findings
//! the view is chosen from.

use super::text::{trim, wrap};
use super::{Finding, MatchKind, Report};
use std::collections::BTreeMap;
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
        "#{} {verdict}{}  score {:.2}  {} <-> {}",
        index + 1,
        super::text::tier_note(f),
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
    if f.passages.iter().any(|p| !p.pairs.is_empty()) {
        writeln!(
            out,
            "{}",
            fit(
                "[n] starts aligned sentence pair n of its passage, on both sides",
                width
            )
        )?;
    }
    let col = (width - 3) / 2;
    for (k, p) in f.passages.iter().enumerate() {
        let code = pair_code(k, p.kind);
        let kind = match p.kind {
            MatchKind::Verbatim => "verbatim",
            MatchKind::Reworded => "reworded",
        };
        let sentences = match p.pairs.len() {
            0 => String::new(),
            1 => " · 1 sentence pair".to_string(),
            n => format!(" · {n} sentence pairs"),
        };
        let title = format!(
            " passage {}/{} · {kind} · similarity {:.2}{sentences} ",
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
        let starts_a: Vec<usize> = p.pairs.iter().map(|s| s.a[0]).collect();
        let starts_b: Vec<usize> = p.pairs.iter().map(|s| s.b[0]).collect();
        let (text_a, marks_a) = number_sentences(&p.text_a, p.a[0], &starts_a);
        let (text_b, marks_b) = number_sentences(&p.text_b, p.b[0], &starts_b);
        let left: Vec<String> = wrap(&text_a, col, usize::MAX)
            .iter()
            .map(|l| unglue(l))
            .collect();
        let right: Vec<String> = wrap(&text_b, col, usize::MAX)
            .iter()
            .map(|l| unglue(l))
            .collect();
        for r in 0..left.len().max(right.len()) {
            let l = left.get(r).map(String::as_str).unwrap_or("");
            let rt = right.get(r).map(String::as_str).unwrap_or("");
            let padding = " ".repeat(col.saturating_sub(l.chars().count()));
            let line = format!(
                "{}{padding} │ {}",
                paint_marked(l, &code, &marks_a, opts.color),
                paint_marked(rt, &code, &marks_b, opts.color)
            );
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// Joins a sentence mark to the word after it through the word wrap (which
/// splits at whitespace): one column wide like the space it becomes once
/// the text is wrapped.
const GLUE: char = '\u{1}';

/// `text`, one side of a passage starting at byte `from` of its document,
/// with the number of each sentence pair (`[1]`, `[2]`, ...) put before the
/// pair's sentence, whose start on this side is `starts[pair]`; pairs whose
/// sentences start at one place share a mark (`[1,2]`). Starts outside the
/// text or inside a character are left out. Returns the text, to be wrapped
/// and then [`unglue`]d, and its marks.
pub(super) fn number_sentences(text: &str, from: usize, starts: &[usize]) -> (String, Vec<String>) {
    let mut at: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (j, &start) in starts.iter().enumerate() {
        if let Some(offset) = start.checked_sub(from) {
            if offset < text.len() && text.is_char_boundary(offset) {
                at.entry(before_opening(text, offset))
                    .or_default()
                    .push(j + 1);
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 6 * at.len());
    let mut marks = Vec::with_capacity(at.len());
    let mut done = 0;
    for (offset, pairs) in at {
        let numbers: Vec<String> = pairs.iter().map(usize::to_string).collect();
        let mark = format!("[{}]", numbers.join(","));
        out.push_str(&text[done..offset]);
        // A space before the mark, so it is a word of its own even where
        // the sentence follows a quote; after it, GLUE, so the wrap keeps it
        // on the line of the sentence's first word.
        out.push(' ');
        out.push_str(&mark);
        let next = text[offset..].chars().next();
        out.push(if next.is_some_and(char::is_whitespace) {
            ' '
        } else {
            GLUE
        });
        marks.push(mark);
        done = offset;
    }
    out.push_str(&text[done..]);
    (out, marks)
}

/// `offset` moved back over the opening quotes or brackets right before
/// it when they begin a word: a sentence that starts inside a quote gets its
/// mark before the quote.
fn before_opening(text: &str, offset: usize) -> usize {
    let mut at = offset;
    while let Some(c) = text[..at].chars().next_back() {
        if !"\"'“‘«([".contains(c) {
            break;
        }
        at -= c.len_utf8();
    }
    if text[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace)
    {
        at
    } else {
        offset
    }
}

/// A wrapped line of [`number_sentences`]' text with its marks' glue made
/// spaces again.
fn unglue(line: &str) -> String {
    line.replace(GLUE, " ")
}

/// A wrapped line of passage text in its pair's colour, the sentence marks
/// among its words (`marks`) in reverse video; plain without colour.
fn paint_marked(line: &str, code: &str, marks: &[String], color: bool) -> String {
    if !color {
        return line.to_string();
    }
    let mark_code = format!("7;{code}");
    // Runs of plain words painted as one, each mark on its own.
    let mut pieces: Vec<String> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for word in line.split(' ') {
        if marks.iter().any(|m| m == word) {
            if !run.is_empty() {
                pieces.push(paint(&run.join(" "), code, true));
                run.clear();
            }
            pieces.push(paint(word, &mark_code, true));
        } else {
            run.push(word);
        }
    }
    if !run.is_empty() {
        pieces.push(paint(&run.join(" "), code, true));
    }
    pieces.join(" ")
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
    fn sentence_numbers_go_before_each_pair_start() {
        // A passage at byte 100: sentences at 100, 116 and (two pairs) 130;
        // a start before the passage is left out.
        let text = "First one here. \"Second one.\" Third.";
        let (numbered, marks) = number_sentences(text, 100, &[100, 130, 116, 130, 5]);
        assert_eq!(
            numbered,
            " [1]\u{1}First one here.  [3]\u{1}\"Second one.\"  [2,4]\u{1}Third."
        );
        assert_eq!(marks, ["[1]", "[3]", "[2,4]"]);
        // Wrapped narrow, a mark stays on the line of its sentence's first
        // word.
        let lines: Vec<String> = wrap(&numbered, 12, usize::MAX)
            .iter()
            .map(|l| unglue(l))
            .collect();
        assert_eq!(
            lines,
            [
                "[1] First",
                "one here.",
                "[3] \"Second",
                "one.\"",
                "[2,4] Third."
            ]
        );
    }

    #[test]
    fn a_sentence_inside_a_quote_is_marked_before_the_quote() {
        let text = "He said: “Yes. It is.” Then (maybe) not.";
        let yes = text.find("Yes").unwrap();
        let it = text.find("It").unwrap();
        let maybe = text.find("maybe").unwrap();
        let (numbered, _) = number_sentences(text, 0, &[yes, it, maybe]);
        assert_eq!(
            numbered,
            "He said:  [1]\u{1}“Yes.  [2]\u{1}It is.” Then  [3]\u{1}(maybe) not."
        );
    }

    #[test]
    fn sentence_marks_are_painted_apart_only_with_colour() {
        let marks = vec!["[2]".to_string()];
        assert_eq!(paint_marked("a [2] b", "1", &marks, false), "a [2] b");
        assert_eq!(
            paint_marked("a [2] b", "1", &marks, true),
            "\x1b[1ma\x1b[0m \x1b[7;1m[2]\x1b[0m \x1b[1mb\x1b[0m"
        );
    }

    #[test]
    fn paint_is_plain_without_colour() {
        assert_eq!(paint("x", "1", false), "x");
        assert_eq!(paint("x", "1", true), "\x1b[1mx\x1b[0m");
    }
}
