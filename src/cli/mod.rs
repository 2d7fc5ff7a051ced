//! Command-line interface: argument definitions and the commands that glue
//! the library stages together. `main.rs` only parses and calls [`run`].
//!
//! Exit codes: 0 ran and found nothing, 1 ran and found something, 2 usage
//! or fatal error.

pub mod check;
pub mod index_cmd;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dedup::input::{self, InputOptions};
use dedup::params::Params;
use dedup::pipeline::{scan_with_progress, Scope};
use dedup::report::{render, Format, RenderContext, Report};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

mod distributed;
mod extract;
mod report;
mod show;

/// Exit code: ran, no finding.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: ran, findings reported.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage or fatal error.
pub const EXIT_ERROR: i32 = 2;

/// Find exact duplicates, near-duplicates, rewrites and paraphrases, and
/// which document is the source.
#[derive(Debug, Parser)]
#[command(name = "dedup", version = env!("DEDUP_VERSION"), about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare every document with every other and report reuse.
    Scan(ScanArgs),
    /// Check new documents against an index or a directory (for CI).
    Check(check::CheckArgs),
    /// Build and maintain the persistent index `check --index` reads.
    Index(index_cmd::IndexArgs),
    /// Render a saved JSON report (HTML by default), re-reading the
    /// documents for their full text.
    Report(report::ReportArgs),
    /// List a saved report's findings, or show one side by side.
    Show(show::ShowArgs),
    /// Print what is compared of each document (text, title, date, author,
    /// site, language, warnings) as JSON lines.
    Extract(extract::ExtractArgs),
    /// Per document, the candidate keys of every tier as JSON lines (the
    /// first step of a distributed run, see "Scaling out" in the README).
    Sketch(distributed::SketchArgs),
    /// Per bucket of a candidate key (grouped by a distributed driver), its
    /// candidate pairs, shared-key counts, common keys or boilerplate.
    Buckets(distributed::BucketsArgs),
    /// Per candidate pair (JSON lines with both documents), the finding as
    /// `scan` reports it; or a cluster's representative.
    Verify(distributed::VerifyArgs),
    /// Findings, cluster links and sketched documents into the report
    /// `scan --format json` writes.
    Assemble(distributed::AssembleArgs),
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable summary and side-by-side passages.
    Text,
    /// One JSON object (the schema in docs/report-schema.md).
    Json,
    /// One JSON object per finding, one per line.
    Jsonl,
    /// A self-contained HTML page (inline CSS and script, works offline).
    Html,
}

/// Which text of an HTML page is compared (`--html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HtmlText {
    /// The main content.
    Main,
    /// All visible text.
    Full,
}

/// Options shared by every command that reads documents.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// JSONL field holding the document text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field holding the document id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// Honour .gitignore/.ignore files when walking directories.
    #[arg(long)]
    pub respect_ignore: bool,
    /// Dates used as provenance evidence: FILE, a CSV of `id,date` lines
    /// (they override dates found in the documents); `git`, the time of the
    /// commit that added each file to its git work tree (uncommitted files
    /// get none, with a warning); `mtime`, each file's modification time
    /// (weak evidence). `git` and `mtime` only date documents without a date
    /// of their own; write `./git` for a file named `git`.
    #[arg(long, value_name = "FILE|git|mtime", value_parser = parse_dates)]
    pub dates: Option<input::dates::DatesFrom>,
    /// At most this many bytes are read of a file (of each document, for
    /// JSONL), and a longer text is compared on its first part only (with a
    /// warning).
    #[arg(long, default_value_t = input::DEFAULT_MAX_BYTES, value_name = "BYTES")]
    pub max_bytes: usize,
    /// HTML elements nested deeper than this are read as text of their
    /// ancestor at this depth (with a warning), so a page's cost stays
    /// linear in its size.
    #[arg(long, default_value_t = input::DEFAULT_MAX_NESTING, value_name = "DEPTH")]
    pub max_nesting: usize,
    /// Lines longer than this many bytes are cut (with a warning).
    #[arg(long, default_value_t = input::DEFAULT_MAX_LINE_LENGTH, value_name = "BYTES")]
    pub max_line_length: usize,
    /// Which text of an HTML page is compared: the main content (the
    /// article, without navigation, comments, notices and footers) or all
    /// visible text.
    #[arg(long, value_enum, default_value_t = HtmlText::Main)]
    pub html: HtmlText,
}

/// Detection parameters shared by `scan` and `check`.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Jaccard threshold of the near-duplicate tier (LSH bands/rows are
    /// computed from it).
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    /// Words per shingle.
    #[arg(short = 'k', long = "shingle-size", default_value_t = 5)]
    pub shingle_size: usize,
    /// MinHash permutations.
    #[arg(long, default_value_t = 128)]
    pub num_perm: usize,
    /// Skip the rewrite/paraphrase tier (near-duplicates only).
    #[arg(long)]
    pub no_rewrite: bool,
    /// Rewrite tier: share of the smaller document's content-word bigrams
    /// that must be found in the other for a whole-document finding.
    #[arg(long, default_value_t = 0.13)]
    pub min_bigram_containment: f64,
    /// Rewrite tier: weighted content-word containment of the best-matching
    /// paragraph windows for a passage-level finding.
    #[arg(long, default_value_t = 0.53)]
    pub min_window_containment: f64,
    /// Language of every document, as an ISO 639-1 or 639-3 code (`de`,
    /// `urd`, ...), instead of detecting each document's: it picks the
    /// stopwords and stemmer of the rewrite tier.
    #[arg(long, value_name = "CODE")]
    pub language: Option<String>,
    /// Inside a near-duplicate cluster, report every pair of members, up to
    /// CAP pairs in all (default 100000), not only each member against the
    /// document kept.
    #[arg(long, value_name = "CAP", num_args = 0..=1, default_missing_value = "100000")]
    pub all_pairs: Option<usize>,
    /// Rewrite-tier and verbatim-run candidates kept per document, those
    /// sharing the most rare content bigrams first (0: no cap). A pair is
    /// compared when either of its documents keeps it.
    #[arg(long, value_name = "N", default_value_t = dedup::params::DEFAULT_MAX_PARTNERS)]
    pub max_partners: usize,
    /// Skip the semantic tier: sentence meaning, tried on the pairs the
    /// lexical tiers compare and do not report.
    #[arg(long)]
    pub no_semantic: bool,
    /// The semantic tier's static embedding model: a directory holding a
    /// BPE `tokenizer.json` and one `.safetensors` table (default: the
    /// built-in WordLlama l2_supercat, 128 dimensions).
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

impl DetectArgs {
    /// The run parameters these options describe.
    pub fn params(&self) -> dedup::Result<Params> {
        let mut p = Params::new(self.shingle_size, self.num_perm, self.threshold)?;
        p.features.rewrite_tier = !self.no_rewrite;
        p.decision.min_bigram_containment = self.min_bigram_containment;
        p.decision.min_window_containment = self.min_window_containment;
        if let Some(code) = &self.language {
            let language = dedup::language::LanguageCode::parse(code).ok_or_else(|| {
                dedup::Error::Param(format!(
                    "--language {code}: not a language dedup knows (use an ISO 639-1 or 639-3 code such as de, es, ru, ur, hi, zh)"
                ))
            })?;
            p.features.language = Some(language);
        }
        p.candidates.all_pairs = self.all_pairs.unwrap_or(0);
        p.candidates.max_partners = self.max_partners;
        // The semantic tier verifies the rewrite tier's candidates.
        p.semantic.enabled = !self.no_semantic && !self.no_rewrite;
        p.features.semantic_keys = p.semantic.enabled;
        if let (Some(dir), true) = (&self.model, p.semantic.enabled) {
            dedup::semantic::set_model(dedup::semantic::StaticModel::load(dir)?);
        }
        Ok(p)
    }
}

/// Arguments of `dedup scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (`-` reads one document from stdin).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format (default: text).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write the report here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// No progress or summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub detect: DetectArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
}

fn parse_dates(value: &str) -> Result<input::dates::DatesFrom, String> {
    Ok(input::dates::DatesFrom::parse(value))
}

impl InputArgs {
    /// Input-stage options.
    pub fn options(&self) -> InputOptions {
        InputOptions {
            text_field: self.text_field.clone(),
            id_field: self.id_field.clone(),
            respect_ignore: self.respect_ignore,
            max_bytes: self.max_bytes.max(1),
            max_nesting: self.max_nesting.max(1),
            max_line_length: self.max_line_length.max(1),
            html: match self.html {
                HtmlText::Main => input::HtmlMode::Main,
                HtmlText::Full => input::HtmlMode::Full,
            },
            dates: self.dates.clone(),
        }
    }
}

/// Runs a parsed command line; returns the process exit code. Meant to be
/// the process's last act: a scan leaves its documents and report to the
/// system to free.
pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Check(args) => check::run_check(&args),
        Command::Index(args) => index_cmd::run_index(&args),
        Command::Report(args) => report::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Extract(args) => extract::run(&args),
        Command::Sketch(args) => distributed::run_sketch(&args),
        Command::Buckets(args) => distributed::run_buckets(&args),
        Command::Verify(args) => distributed::run_verify(&args),
        Command::Assemble(args) => distributed::run_assemble(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dedup: {e:#}");
            EXIT_ERROR
        }
    }
}

fn configure_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()?;
    }
    Ok(())
}

fn run_scan(args: &ScanArgs) -> anyhow::Result<i32> {
    let params = args.detect.params()?;
    configure_threads(args.detect.threads)?;
    // Progress on stderr per stage (read, sketching, candidates,
    // clustering, verifying, writing), only on a terminal and without
    // --quiet; dropped for small runs once the documents are counted.
    let reading = progress_bar(usize::MAX, args.quiet);
    if let Some(bar) = &reading {
        bar.set_message("reading");
        bar.set_length(0);
    }
    let loaded = input::load(&args.paths, &args.input.options());
    if let Some(bar) = reading {
        bar.finish_and_clear();
    }
    // A text report on the terminal lists errors itself; otherwise (another
    // format, a file, a pipe) stderr is where a person sees them.
    let report_on_terminal = args.format == OutputFormat::Text
        && args.output.is_none()
        && std::io::stdout().is_terminal();
    if !args.quiet && !report_on_terminal {
        print_input_errors(&loaded.errors);
    }
    if loaded.documents.is_empty() && !args.quiet {
        eprintln!("dedup: no documents to compare");
    }
    let bar = progress_bar(loaded.documents.len(), args.quiet);
    let report = scan_with_progress(
        &loaded.documents,
        loaded.errors,
        &params,
        Scope::All,
        None,
        &|stage, done, total| {
            if let Some(bar) = &bar {
                bar.set_message(stage.to_string());
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
        },
    );
    if let Some(bar) = &bar {
        bar.set_message("writing");
        bar.set_length(report.pairs.len() as u64);
        bar.set_position(0);
    }
    let ctx = RenderContext {
        width: terminal_width(),
        ..RenderContext::of_documents(&loaded.documents, None)
    };
    write_report(&report, args.format.into(), args.output.as_ref(), &ctx)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // A path named on the command line that is missing or unreadable is an
    // error of the run (as in ripgrep), even though the rest was scanned;
    // files inside a directory that cannot be read are per-file errors.
    let code = if args.paths.iter().any(|p| unreadable_root(p)) {
        EXIT_ERROR
    } else if report.pairs.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    };
    // The process exits next, and the system takes its memory back at
    // once: freeing every text and finding one by one took half a second
    // of a 200,000-document scan.
    std::mem::forget(loaded.documents);
    std::mem::forget(report);
    Ok(code)
}

/// Whether a path given on the command line cannot be read at all: it does
/// not exist, or it is a directory that cannot be listed or a file that
/// cannot be opened. `-` (stdin) always can.
pub(crate) fn unreadable_root(path: &std::path::Path) -> bool {
    if path.as_os_str() == "-" {
        return false;
    }
    match std::fs::metadata(path) {
        Err(_) => true,
        Ok(m) if m.is_dir() => std::fs::read_dir(path).is_err(),
        Ok(_) => std::fs::File::open(path).is_err(),
    }
}

/// Prints input errors to stderr, one per line, `file:line: message`.
pub fn print_input_errors(errors: &[input::InputError]) {
    for e in errors {
        match e.line {
            Some(line) => eprintln!("dedup: {}:{}: {}", e.file, line, e.message),
            None => eprintln!("dedup: {}: {}", e.file, e.message),
        }
    }
}

/// A progress bar on stderr, only for a terminal, a run of more than a few
/// hundred documents, and without `--quiet`.
pub fn progress_bar(documents: usize, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || documents <= 300 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(documents as u64);
    let style =
        indicatif::ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
    bar.set_style(style);
    Some(bar)
}

/// Writes a report in `format` to `output` or stdout, through the one
/// [`render`] of the library.
pub fn write_report(
    report: &Report,
    format: Format,
    output: Option<&PathBuf>,
    ctx: &RenderContext,
) -> anyhow::Result<()> {
    let mut sink = open_output(output)?;
    let result = render(format, report, ctx, &mut sink);
    finish_output(result, &mut sink)
}

/// The file `output`, or standard output when there is none, buffered.
pub fn open_output(output: Option<&PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), input::describe_io(&e)))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// Flushes a printer's output. A closed pipe (`dedup ... | head`) is not an
/// error: the reader has seen what it wanted.
pub fn finish_output(result: std::io::Result<()>, sink: &mut dyn Write) -> anyhow::Result<()> {
    match result.and_then(|_| sink.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Columns for text written to stdout: `COLUMNS`, else the terminal's
/// width when stdout is one, else 100; kept within 40..=240. The one width
/// rule of every command that prints text.
pub fn terminal_width() -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok());
    let from_tty = || {
        std::io::stdout()
            .is_terminal()
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(w, _)| w.0 as usize)
    };
    from_env.or_else(from_tty).unwrap_or(100).clamp(40, 240)
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Text => Format::Text,
            OutputFormat::Json => Format::Json,
            OutputFormat::Jsonl => Format::Jsonl,
            OutputFormat::Html => Format::Html,
        }
    }
}
