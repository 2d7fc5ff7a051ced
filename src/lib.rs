//! `dedup`: finds exact duplicates, near-duplicates, rewrites and
//! paraphrases in a collection of documents, aligns the passages that match
//! and names the likely source.
//!
//! Layers, bottom up: the domain [`model`] (findings, verdicts, passages,
//! clusters, the report); the stages, one module each: [`input`] →
//! [`normalize`] → [`shingle`] / [`units`] → [`sketch`] → [`features`] →
//! [`candidates`] → [`verify`] (with [`align`] and [`provenance`]) →
//! [`cluster`]; [`pipeline`] wires them ([`pipeline::scan`] is the library's
//! entry point, [`check`] the one for new documents against a collection);
//! the printers in [`report`] and the store in [`index`] sit on top. The
//! command line is the binary's (`src/main.rs`), not part of the library.
//! docs/architecture.md draws the whole picture.

#![warn(missing_docs)]

pub mod align;
pub mod boilerplate;
pub mod candidates;
pub mod check;
pub mod cluster;
pub mod dense;
pub mod distributed;
pub mod error;
pub mod features;
pub mod hash;
pub mod index;
pub mod input;
pub mod language;
pub mod model;
pub mod normalize;
pub mod params;
pub mod pipeline;
pub mod provenance;
pub mod report;
pub mod semantic;
pub mod shingle;
pub mod sketch;
pub mod units;
pub mod verbatim;
pub mod verify;

pub use error::{Error, Result};
pub use input::Document;
pub use model::{Cluster, Evidence, Finding, Passage, Report, Verdict};
pub use params::Params;

/// Shared helpers of the unit tests.
#[cfg(test)]
mod test_support {
    /// A xorshift64 generator from `seed` (non-zero): the same sequence on
    /// every machine, for tests that draw many random inputs.
    pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }
}
