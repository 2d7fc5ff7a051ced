//! `dedup check`: new documents against an index or a directory, for CI.

use super::{
    configure_threads, print_input_errors, terminal_width, write_report, DetectArgs, InputArgs,
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS,
};
use clap::{Args, ValueEnum};
use dedup::check::{check_documents, check_index, fails, CheckRun};
use dedup::index::Index;
use dedup::input;
use dedup::report::baseline::{text_hash, Baseline};
use dedup::report::{Format, RenderContext, Verdict};
use std::path::PathBuf;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Human-readable summary and side-by-side passages.
    Text,
    /// One JSON object (the scan report schema).
    Json,
    /// One JSON object per finding, one per line.
    Jsonl,
    /// GitHub Actions workflow commands (annotations on the new files).
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// Self-contained HTML page (for a CI artifact).
    Html,
}

impl From<CheckFormat> for Format {
    fn from(f: CheckFormat) -> Format {
        match f {
            CheckFormat::Text => Format::Text,
            CheckFormat::Json => Format::Json,
            CheckFormat::Jsonl => Format::Jsonl,
            CheckFormat::Github => Format::Github,
            CheckFormat::Sarif => Format::Sarif,
            CheckFormat::Html => Format::Html,
        }
    }
}

/// The least severe verdict that fails the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only exact duplicates.
    Exact,
    /// Exact and near-duplicates.
    NearDuplicate,
    /// Exact, near-duplicates and paraphrases.
    Paraphrase,
    /// Any finding.
    PartialReuse,
}

impl FailOn {
    fn verdict(self) -> Verdict {
        match self {
            FailOn::Exact => Verdict::Exact,
            FailOn::NearDuplicate => Verdict::NearDuplicate,
            FailOn::Paraphrase => Verdict::Paraphrase,
            FailOn::PartialReuse => Verdict::PartialReuse,
        }
    }
}

/// Arguments of `dedup check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The new documents (files or directories; ids are paths relative to
    /// each root, a file's id is its name).
    #[arg(required = true)]
    pub new: Vec<PathBuf>,
    /// Compare against this index (see `dedup index build`).
    #[arg(
        long,
        value_name = "PATH",
        required_unless_present = "against",
        conflicts_with = "against"
    )]
    pub index: Option<PathBuf>,
    /// Compare against the documents in this directory (repeatable).
    #[arg(long, value_name = "DIR")]
    pub against: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Exit 1 only for findings at least this severe (exact >
    /// near-duplicate > paraphrase > partial-reuse); default: any finding.
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub fail_on: Option<FailOn>,
    /// Accepted findings (see --write-baseline): not reported, never fail.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to FILE as accepted, and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Write the report here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// No messages on stderr besides errors.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub detect: DetectArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
}

/// Runs `dedup check`.
pub fn run_check(args: &CheckArgs) -> anyhow::Result<i32> {
    let params = args.detect.params()?;
    configure_threads(args.detect.threads)?;
    let opts = args.input.options();
    // Open the index first: a missing or incompatible index is an error
    // before any work.
    let index = args.index.as_ref().map(|p| Index::open(p)).transpose()?;
    let baseline = args
        .baseline
        .as_ref()
        .map(|p| Baseline::read(p))
        .transpose()?;
    let loaded = input::load(&args.new, &opts);
    let mut errors = loaded.errors;
    if loaded.documents.is_empty() && errors.is_empty() {
        anyhow::bail!("no documents to check in the given paths");
    }
    let run = match &index {
        Some(index) => check_index(index, loaded.documents, errors.clone(), &params)?,
        None => {
            let collection = input::load(&args.against, &opts);
            errors.extend(collection.errors.iter().cloned());
            let mut all = errors.clone();
            all.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            check_documents(loaded.documents, collection.documents, all, &params)
        }
    };
    let input_failed = !run.report.errors.is_empty();
    if !args.quiet || input_failed {
        print_input_errors(&run.report.errors);
    }
    let CheckRun {
        mut report,
        documents,
        is_new,
    } = run;
    report.stats.counters.insert(
        "collection_documents_compared".into(),
        is_new.iter().filter(|&&n| !n).count() as u64,
    );
    let hash_of = |id: &str| {
        documents
            .binary_search_by(|d| d.id.as_str().cmp(id))
            .ok()
            .map(|i| text_hash(&documents[i].text))
    };
    if let Some(b) = &baseline {
        let n = b.filter(&mut report, &hash_of);
        if n > 0 && !args.quiet {
            eprintln!("dedup: {n} finding(s) accepted by the baseline");
        }
    }
    if let Some(path) = &args.write_baseline {
        let written = Baseline::from_report(&report, &hash_of);
        written.write(path)?;
        if !args.quiet {
            eprintln!(
                "dedup: wrote {} accepted finding(s) to {}",
                written.accepted.len(),
                path.display()
            );
        }
        written.filter(&mut report, &hash_of);
    }
    let fail_on = args.fail_on.map_or(Verdict::PartialReuse, FailOn::verdict);
    let fails_check = |v: Verdict| fails(v, fail_on);
    let ctx = RenderContext {
        fails: &fails_check,
        width: terminal_width(),
        ..RenderContext::of_documents(&documents, Some(&is_new))
    };
    write_report(&report, args.format.into(), args.output.as_ref(), &ctx)?;
    if !args.quiet && args.format != CheckFormat::Text {
        eprintln!(
            "dedup: {} new document(s) checked, {} finding(s)",
            is_new.iter().filter(|&&n| n).count(),
            report.pairs.len()
        );
    }
    Ok(if input_failed {
        EXIT_ERROR
    } else if report.pairs.iter().any(|f| fails_check(f.verdict)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
