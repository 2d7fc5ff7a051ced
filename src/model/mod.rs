//! The domain model under the stages: what a run finds ([`finding`]) and
//! the report that holds it ([`report`]). Stages produce these types,
//! printers and stores consume them; nothing here depends on a stage.

pub mod finding;
pub mod report;

pub use finding::{
    round4, Cluster, ClusterMember, Evidence, Finding, MatchKind, Passage, SentencePair, Tier,
    Verdict,
};
pub use report::{
    DocumentInfo, ProvenanceEdge, ProvenanceGraph, Report, Stats, Summary, SCHEMA_VERSION,
};
