//! `dedup`: finds exact duplicates, near-duplicates, rewrites and
//! paraphrases in a collection of documents, aligns the passages that match
//! and names the likely source.
//!
//! The pipeline, one module per stage:
//! [`input`] → [`normalize`] → [`shingle`] / [`units`] → [`sketch`] →
//! [`candidates`] → [`verify`] → [`align`] → [`provenance`] → [`cluster`] →
//! [`report`]. [`pipeline`] wires the stages together; [`cli`] is the
//! command line.

#![warn(missing_docs)]

pub mod align;
pub mod boilerplate;
pub mod candidates;
pub mod check;
pub mod cli;
pub mod cluster;
pub mod error;
pub mod hash;
pub mod index;
pub mod input;
pub mod language;
pub mod normalize;
pub mod params;
pub mod pipeline;
pub mod provenance;
pub mod report;
pub mod shingle;
pub mod sketch;
pub mod units;
pub mod verify;

pub use error::{Error, Result};
pub use input::Document;
pub use params::Params;
pub use report::{Finding, Passage, Report, Verdict};
