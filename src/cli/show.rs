//! `dedup show`: a saved report's findings in the terminal, one of them
//! side by side.

use clap::Args;
use dedup::report::{json, show, Report};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `dedup show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A report written by `dedup scan --format json`.
    pub report: PathBuf,
    /// Which finding: its number in the list (1 = first), or the ids of its
    /// two documents. Without it, the findings are listed.
    #[arg(num_args = 0..=2, value_name = "N | A B")]
    pub pair: Vec<String>,
}

/// Runs `dedup show`.
pub fn run(args: &ShowArgs) -> anyhow::Result<i32> {
    let report = json::read_json(&args.report)?;
    let stdout = std::io::stdout();
    let opts = show::ShowOptions {
        width: super::terminal_width(),
        color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let mut out = super::open_output(None)?;
    let result = match args.pair.as_slice() {
        [] => show::write_list(&report, &opts, &mut out),
        [n] => show::write_pair(&report, pick_number(&report, n)?, &opts, &mut out),
        [a, b] => show::write_pair(&report, pick_ids(&report, a, b)?, &opts, &mut out),
        _ => unreachable!("clap allows at most two values"),
    };
    super::finish_output(result, &mut out)?;
    Ok(super::EXIT_CLEAN)
}

fn pick_number(report: &Report, n: &str) -> anyhow::Result<usize> {
    let count = report.pairs.len();
    match n.parse::<usize>() {
        Ok(k) if (1..=count).contains(&k) => Ok(k - 1),
        Ok(k) if count == 0 => anyhow::bail!("no finding #{k}: the report has no findings"),
        Ok(k) => anyhow::bail!("no finding #{k}: findings are numbered 1 to {count}"),
        Err(_) => anyhow::bail!(
            "{n:?} is not a finding number: give a number from 1 to {count}, or the ids of two documents"
        ),
    }
}

fn pick_ids(report: &Report, a: &str, b: &str) -> anyhow::Result<usize> {
    for id in [a, b] {
        if report.documents.iter().all(|d| d.id != id) {
            anyhow::bail!(
                "no document {id:?} in the report (`dedup show REPORT` lists the findings)"
            );
        }
    }
    report
        .pairs
        .iter()
        .position(|f| (f.a == a && f.b == b) || (f.a == b && f.b == a))
        .ok_or_else(|| anyhow::anyhow!("no finding between {a} and {b} in the report"))
}
