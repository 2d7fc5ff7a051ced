//! The `dedup` binary: the command line over the library. Argument
//! definitions and the commands live in `cli/` (modules of the binary, not
//! of the library: clap, indicatif and terminal handling are the binary's
//! alone, behind the `cli` feature).

mod cli;

use clap::Parser;

// jemalloc, not glibc's malloc: a large scan frees and allocates millions
// of small vectors between stages, and glibc's bins then cost more per
// allocation the larger the corpus (consolidating them took 0.7 s of one
// thread in a 200k scan). Pages are returned at once (no decay), which
// keeps the peak of a 200k scan under 2 GiB; with jemalloc's default
// decay it was 2.3 GB (docs/performance.md).
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (the `_RJEM_MALLOC_CONF`
/// environment variable still overrides them).
#[cfg(target_os = "linux")]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static MALLOC_CONF: &[u8; 34] = b"dirty_decay_ms:0,muzzy_decay_ms:0\0";

fn main() {
    let cli = cli::Cli::parse();
    std::process::exit(cli::run(cli));
}
