//! The `dedup` binary: parses arguments and hands them to the library.

use clap::Parser;

fn main() {
    let cli = dedup::cli::Cli::parse();
    std::process::exit(dedup::cli::run(cli));
}
