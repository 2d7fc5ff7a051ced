//! `dedup extract`: what `dedup` reads from each document, as JSON lines
//! (`id`, `text`, `title`, `date`, `author`, `site`, `url` and `language`
//! when known, `warnings`), so a user can see what is compared. The input
//! options are those of `scan` (`--html main|full`, the limits).

use super::InputArgs;
use clap::Args;
use dedup::input;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `dedup extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or directories to read (`-` reads one document from stdin).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// No notes on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
}

/// Runs `dedup extract`: one JSON line per document, sorted by id; files
/// that could not be read are listed on stderr.
pub fn run(args: &ExtractArgs) -> anyhow::Result<i32> {
    let loaded = input::load(&args.paths, &args.input.options());
    if !args.quiet {
        super::print_input_errors(&loaded.errors);
    }
    let mut out = super::open_output(args.output.as_ref())?;
    let result = (|| -> std::io::Result<()> {
        for doc in &loaded.documents {
            serde_json::to_writer(&mut out, &doc.extract_record())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })();
    super::finish_output(result, &mut out)?;
    Ok(if args.paths.iter().any(|p| super::unreadable_root(p)) {
        super::EXIT_ERROR
    } else {
        super::EXIT_CLEAN
    })
}
