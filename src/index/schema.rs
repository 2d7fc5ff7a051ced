//! The index's tables and its `meta` entries: the parameters that decide
//! what is stored, checked on every open so that an index is never read
//! with parameters that would make its keys meaningless.

use super::index_err;
use crate::candidates::{band_keys, LshParams};
use crate::error::Result;
use crate::hash::stable_hash;
use crate::input::Document;
use crate::params::Params;
use crate::pipeline::Extractor;
use crate::units::UnitParams;
use ahash::AHashMap;
use std::path::Path;

/// Version of the table layout. Bumped on any incompatible change.
pub const INDEX_SCHEMA_VERSION: u32 = 2;

/// Tables. Postings are `WITHOUT ROWID` tables keyed `(key, doc)`: the
/// primary key is the table, so a lookup by key is one B-tree range and no
/// row is stored twice.
pub const CREATE: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents(
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    content_hash INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    text TEXT NOT NULL,
    meta_json TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    format TEXT NOT NULL,
    language INTEGER NOT NULL,
    signature BLOB NOT NULL
);
CREATE INDEX documents_content_hash ON documents(content_hash);
CREATE TABLE bands(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE TABLE bigrams(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE TABLE sentences(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
";

/// A fixed text whose features fingerprint the feature extraction: if a
/// later dedup normalizes, shingles, hashes or extracts bigrams differently,
/// the stored keys no longer match what it computes, and the index must be
/// rebuilt.
const PROBE: &str = "The committee met on Tuesday to review the quarterly \
    results. Revenue grew by twelve percent, while costs fell slightly; \
    analysts said the outlook remained uncertain. «Naïve café» owners, \
    however, reported weaker sales in the second half of the year.";

/// A hex fingerprint of the features `extractor` computes for [`PROBE`].
pub fn fingerprint(extractor: &Extractor, params: &Params) -> String {
    let f = extractor.features(&Document {
        id: "probe".into(),
        path: "probe".into(),
        text: PROBE.into(),
        bytes: PROBE.len(),
        encoding: crate::input::Encoding::Utf8,
        format: crate::input::Format::Text,
        meta: Default::default(),
        warnings: Vec::new(),
    });
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&f.content_hash.to_le_bytes());
    bytes.extend_from_slice(&(f.tokens as u64).to_le_bytes());
    for k in band_keys(&f.signature, params.lsh) {
        bytes.extend_from_slice(&k.to_le_bytes());
    }
    for k in &f.bigrams {
        bytes.extend_from_slice(&k.to_le_bytes());
    }
    format!("{:016x}", stable_hash(&bytes, 0x1DE7))
}

/// The `meta` entries of a new index.
pub fn meta_for(params: &Params, extractor: &Extractor) -> Vec<(String, String)> {
    vec![
        ("schema_version".into(), INDEX_SCHEMA_VERSION.to_string()),
        (
            "tool_version".into(),
            format!("dedup {}", env!("CARGO_PKG_VERSION")),
        ),
        ("shingle_size".into(), params.shingle_size.to_string()),
        ("num_perm".into(), params.num_perm.to_string()),
        ("seed".into(), params.seed.to_string()),
        ("threshold".into(), params.threshold.to_string()),
        ("lsh_bands".into(), params.lsh.bands.to_string()),
        ("lsh_rows".into(), params.lsh.rows.to_string()),
        ("rewrite_tier".into(), params.rewrite_tier.to_string()),
        (
            "unit_max_tokens".into(),
            UnitParams::default().max_tokens.to_string(),
        ),
        ("feature_fingerprint".into(), fingerprint(extractor, params)),
    ]
}

const REBUILD: &str = "rebuild it with `dedup index build CORPUS... --index PATH --force`";

fn get<T: std::str::FromStr>(meta: &AHashMap<String, String>, key: &str, path: &Path) -> Result<T> {
    meta.get(key).and_then(|v| v.parse().ok()).ok_or_else(|| {
        index_err(
            path,
            format!("meta entry `{key}` missing or invalid: {REBUILD}"),
        )
    })
}

/// Checks the schema version and returns the parameters the index was
/// built with.
pub fn check_meta(meta: &AHashMap<String, String>, path: &Path) -> Result<Params> {
    let version: u32 = get(meta, "schema_version", path)?;
    if version != INDEX_SCHEMA_VERSION {
        return Err(index_err(
            path,
            format!(
                "index schema version {version}, this dedup reads version \
                 {INDEX_SCHEMA_VERSION}: {REBUILD}"
            ),
        ));
    }
    let unit_max_tokens: usize = get(meta, "unit_max_tokens", path)?;
    if unit_max_tokens != UnitParams::default().max_tokens {
        return Err(index_err(
            path,
            format!(
                "built with rewrite-tier units of {unit_max_tokens} tokens, this dedup uses {}: {REBUILD}",
                UnitParams::default().max_tokens
            ),
        ));
    }
    let mut params = Params::new(
        get(meta, "shingle_size", path)?,
        get(meta, "num_perm", path)?,
        get(meta, "threshold", path)?,
    )
    .map_err(|e| index_err(path, format!("{e}: {REBUILD}")))?;
    params.seed = get(meta, "seed", path)?;
    params.lsh = LshParams {
        bands: get(meta, "lsh_bands", path)?,
        rows: get(meta, "lsh_rows", path)?,
    };
    params.rewrite_tier = get(meta, "rewrite_tier", path)?;
    if params.lsh.bands * params.lsh.rows > params.num_perm || params.lsh.rows == 0 {
        return Err(index_err(
            path,
            format!("invalid LSH bands/rows: {REBUILD}"),
        ));
    }
    Ok(params)
}

/// Fails when this dedup computes different features than the one that
/// built the index.
pub fn check_fingerprint(
    meta: &AHashMap<String, String>,
    extractor: &Extractor,
    params: &Params,
    path: &Path,
) -> Result<()> {
    let stored: String = get(meta, "feature_fingerprint", path)?;
    if stored != fingerprint(extractor, params) {
        let by = meta.get("tool_version").map(String::as_str).unwrap_or("?");
        return Err(index_err(
            path,
            format!(
                "built by {by}, whose text features differ from this dedup {}: {REBUILD}",
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    Ok(())
}

/// Fails when `run` differs from the index in a parameter that decides what
/// is stored.
pub fn compare_params(index: &Params, run: &Params, path: &Path) -> Result<()> {
    let mut diffs = Vec::new();
    if index.shingle_size != run.shingle_size {
        diffs.push(format!(
            "shingle size (-k) {} vs {}",
            index.shingle_size, run.shingle_size
        ));
    }
    if index.num_perm != run.num_perm {
        diffs.push(format!("--num-perm {} vs {}", index.num_perm, run.num_perm));
    }
    if index.seed != run.seed {
        diffs.push(format!("MinHash seed {} vs {}", index.seed, run.seed));
    }
    if index.threshold != run.threshold {
        diffs.push(format!(
            "--threshold {} vs {}",
            index.threshold, run.threshold
        ));
    } else if index.lsh != run.lsh {
        diffs.push(format!(
            "LSH bands x rows {}x{} vs {}x{}",
            index.lsh.bands, index.lsh.rows, run.lsh.bands, run.lsh.rows
        ));
    }
    if run.rewrite_tier && !index.rewrite_tier {
        diffs.push("the index was built with --no-rewrite, this run uses the rewrite tier".into());
    }
    if diffs.is_empty() {
        return Ok(());
    }
    Err(index_err(
        path,
        format!(
            "parameters differ from the index (index vs this run): {}. Run with the index's \
             parameters, or {REBUILD} and the new parameters",
            diffs.join(", ")
        ),
    ))
}
