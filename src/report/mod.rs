//! The printers: separate writers over one data model ([`Report`], in
//! [`crate::model`]): `text`, `json`, `html`, `sarif`, `github`, `show`. The JSON
//! form is the source of truth: every other format can be rendered from a
//! saved JSON report.

pub mod baseline;
pub mod github;
pub mod html;
pub mod json;
pub mod locate;
pub mod render;
pub mod sarif;
pub mod show;
pub mod text;

pub use render::{render, Format, RenderContext};

pub use crate::model::{
    round4, Cluster, DocumentInfo, Evidence, Finding, MatchKind, Passage, Report, Stats, Summary,
    Verdict, SCHEMA_VERSION,
};
