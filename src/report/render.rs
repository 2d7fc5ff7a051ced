//! One entry point for every printer: [`render`] picks the writer of a
//! [`Format`] and hands it what it needs from a [`RenderContext`]. `scan`,
//! `check` and `report` all print through it.

use super::html::{self, DocTexts, HtmlOptions};
use super::locate::{SourceText, Sources};
use super::{github, json, sarif, text, Report, Verdict};
use crate::input::Document;
use std::io::Write;

/// Output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable summary and side-by-side passages.
    Text,
    /// One JSON object (docs/report-schema.md).
    Json,
    /// One JSON object per finding, one per line.
    Jsonl,
    /// A self-contained HTML page.
    Html,
    /// GitHub Actions workflow commands (annotations on new files).
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

/// What the printers need besides the report: document texts (HTML shows
/// them around the passages; GitHub and SARIF turn byte ranges into lines),
/// which findings fail a check, and the text width.
pub struct RenderContext<'a> {
    /// Texts by document id (may be empty: HTML then shows passages only).
    pub texts: DocTexts<'a>,
    /// Paths, texts and new-ness by document id (GitHub, SARIF).
    pub sources: Sources<'a>,
    /// Whether a finding of this verdict fails the run (GitHub, SARIF).
    pub fails: &'a dyn Fn(Verdict) -> bool,
    /// Columns of the text format.
    pub width: usize,
}

/// Every finding fails: a scan's view.
fn any_finding(_: Verdict) -> bool {
    true
}

impl<'a> RenderContext<'a> {
    /// A context with no document texts (every finding failing, width 100).
    pub fn new() -> Self {
        RenderContext {
            texts: DocTexts::new(),
            sources: Sources::new(),
            fails: &any_finding,
            width: text::TextOptions::default().width,
        }
    }

    /// A context over loaded documents; `is_new[i]` marks the checked ones
    /// (`None`: all of them, as in a scan).
    pub fn of_documents(documents: &'a [Document], is_new: Option<&'a [bool]>) -> Self {
        let sources = documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    d.id.as_str(),
                    SourceText {
                        path: &d.path,
                        text: &d.text,
                        is_new: is_new.is_none_or(|n| n[i]),
                    },
                )
            })
            .collect();
        RenderContext {
            texts: html::texts_of(documents),
            sources,
            ..RenderContext::new()
        }
    }
}

impl Default for RenderContext<'_> {
    fn default() -> Self {
        RenderContext::new()
    }
}

/// Writes `report` in `format`.
pub fn render(
    format: Format,
    report: &Report,
    ctx: &RenderContext,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::write_text(
            report,
            &text::TextOptions {
                width: ctx.width,
                ..Default::default()
            },
            out,
        ),
        Format::Json => json::write_json(report, out),
        Format::Jsonl => json::write_jsonl(report, out),
        Format::Html => html::write_html(report, &ctx.texts, &HtmlOptions::default(), out),
        Format::Github => github::write_github(report, &ctx.sources, ctx.fails, out),
        Format::Sarif => sarif::write_sarif(report, &ctx.sources, ctx.fails, out),
    }
}
