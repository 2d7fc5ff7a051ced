//! `dedup index build|add|stats|remove`: the persistent index that
//! `dedup check --index` reads.

use super::{configure_threads, print_input_errors, DetectArgs, InputArgs, EXIT_CLEAN, EXIT_ERROR};
use clap::{Args, Subcommand, ValueEnum};
use dedup::index::{Index, ADD_BATCH, BUILD_BATCH};
use dedup::input;
use std::path::PathBuf;

/// Arguments of `dedup index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// What to do with the index.
    #[command(subcommand)]
    pub command: IndexCommand,
}

/// Subcommands of `dedup index`.
#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Create an index of a corpus (files or directories).
    Build(BuildArgs),
    /// Add documents to an index; unchanged ones are skipped, changed ones
    /// replaced.
    Add(AddArgs),
    /// Show document count, size on disk and parameters.
    Stats(StatsArgs),
    /// Remove documents by id.
    Remove(RemoveArgs),
}

/// Arguments of `dedup index build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Files or directories to index; ids are paths relative to each root.
    #[arg(required = true)]
    pub corpus: Vec<PathBuf>,
    /// The index file to create.
    #[arg(long, value_name = "PATH")]
    pub index: PathBuf,
    /// Replace an existing index file.
    #[arg(long)]
    pub force: bool,
    /// No summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub detect: DetectArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
}

/// Arguments of `dedup index add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Files or directories to add; ids are paths relative to each root.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The index file.
    #[arg(long, value_name = "PATH")]
    pub index: PathBuf,
    /// Documents per transaction: a killed run loses at most one batch.
    #[arg(long, default_value_t = ADD_BATCH)]
    pub batch: usize,
    /// No summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
}

/// Output formats of `dedup index stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// One `name: value` line each.
    Text,
    /// One JSON object.
    Json,
}

/// Arguments of `dedup index stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The index file.
    #[arg(long, value_name = "PATH")]
    pub index: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,
    /// Also run SQLite's integrity check (reads the whole file).
    #[arg(long)]
    pub integrity: bool,
}

/// Arguments of `dedup index remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Ids of the documents to remove (as shown in reports).
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// The index file.
    #[arg(long, value_name = "PATH")]
    pub index: PathBuf,
}

/// Runs `dedup index ...`.
pub fn run_index(args: &IndexArgs) -> anyhow::Result<i32> {
    match &args.command {
        IndexCommand::Build(a) => build(a),
        IndexCommand::Add(a) => add(a),
        IndexCommand::Stats(a) => stats(a),
        IndexCommand::Remove(a) => remove(a),
    }
}

/// Loads and adds documents; exit 2 when some input could not be read (the
/// rest is indexed all the same).
fn load_and_add(
    index: &mut Index,
    paths: &[PathBuf],
    input_args: &InputArgs,
    batch: usize,
    quiet: bool,
) -> anyhow::Result<i32> {
    let loaded = input::load(paths, &input_args.options());
    print_input_errors(&loaded.errors);
    let bar = super::progress_bar(loaded.documents.len(), quiet);
    let summary = index.add(&loaded.documents, batch, &|done| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !quiet {
        eprintln!(
            "dedup: {}: {} added, {} replaced, {} unchanged",
            index.path().display(),
            summary.added,
            summary.replaced,
            summary.unchanged
        );
    }
    Ok(if loaded.errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}

fn build(args: &BuildArgs) -> anyhow::Result<i32> {
    let params = args.detect.params()?;
    configure_threads(args.detect.threads)?;
    let mut index = Index::create(&args.index, &params.features, args.force)?;
    load_and_add(
        &mut index,
        &args.corpus,
        &args.input,
        BUILD_BATCH,
        args.quiet,
    )
}

fn add(args: &AddArgs) -> anyhow::Result<i32> {
    configure_threads(args.threads)?;
    let mut index = Index::open(&args.index)?;
    load_and_add(&mut index, &args.files, &args.input, args.batch, args.quiet)
}

fn stats(args: &StatsArgs) -> anyhow::Result<i32> {
    let index = Index::open(&args.index)?;
    if args.integrity {
        index.integrity_check()?;
    }
    let s = index.stats()?;
    match args.format {
        StatsFormat::Json => println!("{}", serde_json::to_string_pretty(&s)?),
        StatsFormat::Text => {
            println!("index: {}", s.path);
            println!("documents: {}", s.documents);
            println!("text bytes: {}", s.text_bytes);
            println!("size on disk: {} bytes", s.bytes_on_disk);
            println!("schema version: {}", s.schema_version);
            for (k, v) in &s.meta {
                if k != "schema_version" {
                    println!("{k}: {v}");
                }
            }
            if args.integrity {
                println!("integrity: ok");
            }
        }
    }
    Ok(EXIT_CLEAN)
}

fn remove(args: &RemoveArgs) -> anyhow::Result<i32> {
    let mut index = Index::open(&args.index)?;
    let missing = index.remove(&args.ids)?;
    for id in &missing {
        eprintln!("dedup: {}: no document with id {id}", args.index.display());
    }
    Ok(if missing.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}
