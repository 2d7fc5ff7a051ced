//! JSON and JSON Lines printers, and the reader for saved reports.

use super::{Cluster, DocumentInfo, Finding, Report, Stats, Summary};
use crate::error::{Error, Result};
use crate::input::InputError;
use crate::model::ProvenanceGraph;
use crate::params::Params;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The fields of [`Report`] in its order, borrowed, with the two long lists
/// left empty: they are printed separately and spliced in.
#[derive(Serialize)]
struct Skeleton<'a> {
    version: u32,
    tool: &'a str,
    params: &'a Params,
    summary: &'a Summary,
    documents: &'a [DocumentInfo],
    pairs: &'a [Finding],
    clusters: &'a [Cluster],
    provenance: &'a [ProvenanceGraph],
    errors: &'a [InputError],
    stats: &'a Stats,
}

/// Writes the report as one pretty-printed JSON object: the same bytes as
/// `serde_json::to_writer_pretty` of the report, with the documents and the
/// findings (most of the bytes) printed in parallel.
pub fn write_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let skeleton = serde_json::to_vec_pretty(&Skeleton {
        version: report.version,
        tool: &report.tool,
        params: &report.params,
        summary: &report.summary,
        documents: &[],
        pairs: &[],
        clusters: &report.clusters,
        provenance: &report.provenance,
        errors: &report.errors,
        stats: &report.stats,
    })?;
    let mut rest = skeleton.as_slice();
    splice(&mut rest, b"\n  \"documents\": []", out, |out| {
        write_elements(&report.documents, out)
    })?;
    splice(&mut rest, b"\n  \"pairs\": []", out, |out| {
        write_elements(&report.pairs, out)
    })?;
    out.write_all(rest)?;
    out.write_all(b"\n")
}

/// Writes `rest` up to the `[` of the empty list `key`, the list's elements
/// (`write` returns whether there were none), and its `]`; `rest` then
/// starts after the skeleton's `]`.
fn splice(
    rest: &mut &[u8],
    key: &[u8],
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<bool>,
) -> std::io::Result<()> {
    // Top-level keys sit on their own line at depth 1: no string value can
    // hold that newline unescaped.
    let at = rest
        .windows(key.len())
        .position(|w| w == key)
        .expect("the skeleton prints every report field");
    let open = at + key.len() - 1;
    out.write_all(&rest[..open])?;
    let empty = write(out)?;
    out.write_all(if empty { b"]" } else { b"\n  ]" })?;
    *rest = &rest[open + 1..];
    Ok(())
}

/// Prints the elements of a top-level array as `to_writer_pretty` prints
/// them after the `[`: each on a new line at depth 2, separated by commas.
/// Printed in parallel in blocks, the blocks written in order a batch at a
/// time, so that memory holds one batch of output, not the whole report
/// (hundreds of megabytes for a large corpus). Returns whether the list
/// was empty.
fn write_elements<T: Serialize + Sync>(items: &[T], out: &mut dyn Write) -> std::io::Result<bool> {
    const INDENT: &[u8] = b"\n    ";
    const BLOCK: usize = 64;
    const BATCH: usize = BLOCK * 64;
    for (batch, in_batch) in items.chunks(BATCH).enumerate() {
        let blocks: Vec<Vec<u8>> = in_batch
            .par_chunks(BLOCK)
            .enumerate()
            .map(|(block, chunk)| {
                let (mut buf, mut one) = (Vec::new(), Vec::new());
                for (i, item) in chunk.iter().enumerate() {
                    if batch > 0 || block > 0 || i > 0 {
                        buf.push(b',');
                    }
                    buf.extend_from_slice(INDENT);
                    one.clear();
                    serde_json::to_writer_pretty(&mut one, item)?;
                    // Strings escape their newlines, so every raw newline is
                    // a line break of the layout: indent it two levels deeper.
                    for (j, line) in one.split(|&b| b == b'\n').enumerate() {
                        if j > 0 {
                            buf.extend_from_slice(INDENT);
                        }
                        buf.extend_from_slice(line);
                    }
                }
                Ok(buf)
            })
            .collect::<std::io::Result<_>>()?;
        for part in &blocks {
            out.write_all(part)?;
        }
    }
    Ok(items.is_empty())
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
    parse_json(&bytes).map_err(|message| Error::Parse {
        path: path.to_path_buf(),
        message,
    })
}

/// Parses a JSON report and checks what the printers rely on: the schema
/// version, and passage byte ranges that run forwards.
pub fn parse_json(bytes: &[u8]) -> std::result::Result<Report, String> {
    let report: Report =
        serde_json::from_slice(bytes).map_err(|e| format!("not a dedup JSON report: {e}"))?;
    if report.version != super::SCHEMA_VERSION {
        return Err(format!(
            "report schema version {} is not supported (this dedup reads {})",
            report.version,
            super::SCHEMA_VERSION
        ));
    }
    for (n, f) in report.pairs.iter().enumerate() {
        for (m, p) in f.passages.iter().enumerate() {
            if p.a[0] > p.a[1] || p.b[0] > p.b[1] {
                return Err(format!(
                    "finding {} ({} <-> {}): passage {} has a byte range that ends before it starts",
                    n + 1,
                    f.a,
                    f.b,
                    m + 1
                ));
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{load, InputOptions};
    use crate::params::Params;
    use crate::pipeline::{scan, Scope};

    fn reference(report: &Report) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(report).unwrap();
        bytes.push(b'\n');
        bytes
    }

    fn written(report: &Report) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_json(report, &mut bytes).unwrap();
        bytes
    }

    #[test]
    fn parallel_printing_gives_the_bytes_of_serde_pretty() {
        let loaded = load(&["samples".into()], &InputOptions::default());
        let mut report = scan(
            &loaded.documents,
            loaded.errors,
            &Params::default(),
            Scope::All,
        );
        assert!(!report.pairs.is_empty(), "samples hold one finding");
        assert_eq!(written(&report), reference(&report));
        // Lists spanning several print blocks, with passages whose texts
        // hold newlines and quotes.
        let (documents, pairs) = (report.documents.clone(), report.pairs.clone());
        for k in 0..150 {
            report
                .documents
                .extend(documents.iter().cloned().map(|mut d| {
                    d.id = format!("{k}\n\"{}", d.id);
                    d
                }));
            report.pairs.extend(pairs.iter().cloned());
        }
        assert_eq!(written(&report), reference(&report));
        report.documents.clear();
        report.pairs.clear();
        assert_eq!(written(&report), reference(&report));
    }
}
