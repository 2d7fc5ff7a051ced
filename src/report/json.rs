//! JSON and JSON Lines printers, and the reader for saved reports.

use super::Report;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes the report as one pretty-printed JSON object.
pub fn write_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}

/// Writes one JSON object per finding, one per line (no header), for
/// streaming into other tools.
pub fn write_jsonl(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.pairs {
        serde_json::to_writer(&mut *out, f)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Reads a report written by [`write_json`].
pub fn read_json(path: &Path) -> Result<Report> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let report: Report = serde_json::from_slice(&bytes).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        message: format!("not a dedup JSON report: {e}"),
    })?;
    if report.version != super::SCHEMA_VERSION {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            message: format!(
                "report schema version {} is not supported (this dedup reads {})",
                report.version,
                super::SCHEMA_VERSION
            ),
        });
    }
    Ok(report)
}
