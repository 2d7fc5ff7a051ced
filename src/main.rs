//! The `dedup` binary: the command line over the library. Argument
//! definitions and the commands live in `cli/` (modules of the binary, not
//! of the library: clap, indicatif and terminal handling are the binary's
//! alone, behind the `cli` feature).

mod cli;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    std::process::exit(cli::run(cli));
}
