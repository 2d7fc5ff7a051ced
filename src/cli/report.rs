//! `dedup report`: renders a saved JSON report. The HTML page shows the
//! documents' full text, so the documents are read again from their paths
//! (with the default input options); a text that no longer matches the
//! report's passages is not used (the page then shows passages only).

use super::{terminal_width, write_report, OutputFormat};
use clap::Args;
use dedup::input::{self, Format, InputOptions};
use dedup::provenance::collection::document_ids;
use dedup::report::{html, json, RenderContext, Report};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Arguments of `dedup report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A report written by `dedup scan --format json`.
    pub report: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Html)]
    pub format: OutputFormat,
    /// Write here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// No notes on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `dedup report`.
pub fn run(args: &ReportArgs) -> anyhow::Result<i32> {
    let report = json::read_json(&args.report)?;
    let owned = if args.format == OutputFormat::Html {
        reread_texts(&report, &args.report)
    } else {
        HashMap::new()
    };
    let texts: html::DocTexts = owned
        .iter()
        .map(|(id, text)| (id.as_str(), text.as_str()))
        .collect();
    if args.format == OutputFormat::Html && !args.quiet {
        let wanted = document_ids(&report.pairs).len();
        let usable = html::doc_views(&report, &texts, &html::HtmlOptions::default())
            .values()
            .filter(|v| !v.passages_only)
            .count();
        if usable < wanted {
            eprintln!(
                "dedup: {} of {} documents in findings could not be read again as they were scanned: the page shows their passages only",
                wanted - usable,
                wanted
            );
        }
    }
    let ctx = RenderContext {
        texts,
        width: terminal_width(),
        ..RenderContext::new()
    };
    write_report(&report, args.format.into(), args.output.as_ref(), &ctx)?;
    Ok(super::EXIT_CLEAN)
}

/// Texts of the documents in findings, read again from their paths
/// (relative paths: from the current directory, else from the report's).
fn reread_texts(report: &Report, report_path: &Path) -> HashMap<String, String> {
    let wanted = document_ids(&report.pairs);
    let opts = InputOptions::default();
    let base = report_path.parent().unwrap_or(Path::new(""));
    let mut by_path: HashMap<&str, Vec<input::Document>> = HashMap::new();
    let mut out = HashMap::new();
    for id in wanted {
        let Ok(k) = report.documents.binary_search_by(|d| d.id.as_str().cmp(id)) else {
            continue;
        };
        let info = &report.documents[k];
        if info.path == "-" {
            continue;
        }
        let docs = by_path.entry(info.path.as_str()).or_insert_with(|| {
            let given = PathBuf::from(&info.path);
            let path = if given.exists() || given.is_absolute() {
                given
            } else {
                base.join(&given)
            };
            input::load(&[path], &opts).documents
        });
        let found = if info.format == Format::Jsonl {
            // Loaded alone, a JSONL line's id is `file.jsonl#id`; in the
            // report it is `dir/file.jsonl#id`.
            docs.iter().find(|d| {
                id.ends_with(d.id.as_str())
                    && (id.len() == d.id.len() || id[..id.len() - d.id.len()].ends_with('/'))
            })
        } else {
            docs.first()
        };
        // Whether the text still fits the passages is the renderer's check.
        if let Some(d) = found {
            out.insert(id.to_string(), d.text.clone());
        }
    }
    out
}
