//! GitHub Actions printer: one workflow command per passage (per finding
//! when it has none), pointing at the lines of the new document, so that
//! the finding shows up on the changed file in a pull request.
//!
//! Escaping follows the runner's rules (actions/toolkit `command.ts`):
//! in the message `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`; in
//! properties `:` and `,` also become `%3A` and `%2C`.

use super::locate::{display_path, region, Oriented, Sources};
use super::{Finding, Report, Verdict};
use std::io::Write;

/// Escapes a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A short description of a finding: verdict, other document, score and
/// source. Documents are named by id, as in every other format (the text
/// and JSON reports); paths only locate the annotation.
pub fn describe(f: &Finding, other: &str) -> String {
    let source = match &f.source {
        Some(s) if s == other => format!("likely source: {other}"),
        Some(_) => "this document looks like the source".to_string(),
        None => "source undetermined".to_string(),
    };
    format!(
        "{} of {} (score {:.2}; {}, confidence {:.2})",
        f.verdict, other, f.score, source, f.confidence
    )
}

/// Writes one command per passage. Findings that fail the check
/// (`fails(verdict)`) are `::error`, the others `::warning`.
pub fn write_github(
    report: &Report,
    sources: &Sources,
    fails: &dyn Fn(Verdict) -> bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for f in &report.pairs {
        let side = Oriented::of(f, sources);
        let Some(here) = sources.get(side.here) else {
            continue;
        };
        let level = if fails(f.verdict) { "error" } else { "warning" };
        let title = escape_property(&format!("dedup: {}", f.verdict));
        let file = escape_property(&display_path(here.path));
        let summary = describe(f, side.other);
        if f.passages.is_empty() {
            writeln!(
                out,
                "::{level} file={file},line=1,title={title}::{}",
                escape_data(&summary)
            )?;
            continue;
        }
        let n = f.passages.len();
        for (i, p) in f.passages.iter().enumerate() {
            let (range, other_range) = side.ranges(p);
            let r = region(here.text, range);
            let mut message = format!(
                "{summary}\npassage {}/{n}: {:?} match, similarity {:.2}",
                i + 1,
                p.kind,
                p.similarity
            );
            if let Some(o) = sources.get(side.other) {
                let ro = region(o.text, other_range);
                message.push_str(&format!(
                    ", lines {}-{} of {}",
                    ro.start_line, ro.end_line, side.other
                ));
            }
            writeln!(
                out,
                "::{level} file={file},line={},endLine={},title={title}::{}",
                r.start_line,
                r.end_line,
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner_rules() {
        assert_eq!(escape_data("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
