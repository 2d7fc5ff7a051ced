//! The index's tables and its `meta` entries: the feature parameters that
//! decide what is stored (one [`FeatureParams`] record), checked on every
//! open so that an index is never read with parameters that would make its
//! keys meaningless.

use super::index_err;
use crate::candidates::band_keys;
use crate::error::Result;
use crate::features::Extractor;
use crate::hash::stable_hash;
use crate::input::Document;
use crate::params::FeatureParams;
use ahash::AHashMap;
use std::path::Path;

/// Version of the table layout and `meta` entries. Bumped on any
/// incompatible change (2: the feature parameters are one `features`
/// record instead of one entry each; 4: both the `sentences` and the
/// `fingerprints` tables; 5: the `sentence_keys` table).
pub const INDEX_SCHEMA_VERSION: u32 = 5;

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
    signature BLOB NOT NULL,
    added TEXT NOT NULL DEFAULT ''
);
CREATE INDEX documents_content_hash ON documents(content_hash);
CREATE TABLE bands(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE TABLE bigrams(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE TABLE sentences(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE TABLE fingerprints(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE TABLE sentence_keys(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
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
pub fn fingerprint(extractor: &Extractor, params: &FeatureParams) -> String {
    let f = extractor.features(&Document::from_text("probe", PROBE));
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&f.content_hash.to_le_bytes());
    bytes.extend_from_slice(&(f.tokens as u64).to_le_bytes());
    for k in band_keys(&f.signature, params.lsh) {
        bytes.extend_from_slice(&k.to_le_bytes());
    }
    for k in f
        .bigrams
        .iter()
        .chain(&f.fingerprints)
        .chain(&f.sentence_keys)
    {
        bytes.extend_from_slice(&k.to_le_bytes());
    }
    format!("{:016x}", stable_hash(&bytes, 0x1DE7))
}

/// The `meta` entries of a new index.
pub fn meta_for(params: &FeatureParams, extractor: &Extractor) -> Vec<(String, String)> {
    vec![
        ("schema_version".into(), INDEX_SCHEMA_VERSION.to_string()),
        (
            "tool_version".into(),
            format!("dedup {}", env!("CARGO_PKG_VERSION")),
        ),
        (
            "features".into(),
            serde_json::to_string(params).expect("plain numbers serialize"),
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

/// Checks the schema version and returns the feature parameters the index
/// was built with.
pub fn check_meta(meta: &AHashMap<String, String>, path: &Path) -> Result<FeatureParams> {
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
    let params: FeatureParams = meta
        .get("features")
        .and_then(|v| serde_json::from_str(v).ok())
        .ok_or_else(|| {
            index_err(
                path,
                format!("meta entry `features` missing or invalid: {REBUILD}"),
            )
        })?;
    let lsh = params.lsh;
    if lsh.bands * lsh.rows > params.num_perm || lsh.rows == 0 {
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
    params: &FeatureParams,
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

/// Fails when the index cannot serve a run with feature parameters `run`:
/// they must be equal, except that a run without the rewrite tier can read
/// an index built with it (the bigrams are simply not asked for).
pub fn compare_params(index: &FeatureParams, run: &FeatureParams, path: &Path) -> Result<()> {
    let needed = FeatureParams {
        rewrite_tier: index.rewrite_tier && run.rewrite_tier,
        semantic_keys: index.semantic_keys && run.semantic_keys,
        ..*index
    };
    if needed == *run {
        return Ok(());
    }
    // Name the differing fields, from the one serialized form.
    let fields = |p: &FeatureParams| match serde_json::to_value(p) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Default::default(),
    };
    let (theirs, ours) = (fields(index), fields(run));
    let diffs: Vec<String> = theirs
        .iter()
        .filter(|(k, v)| ours.get(*k) != Some(v))
        .map(|(k, v)| {
            format!(
                "{k} {v} vs {}",
                ours.get(k).unwrap_or(&serde_json::Value::Null)
            )
        })
        .collect();
    // The one difference a user meets without changing a parameter: an
    // index built with `--no-semantic` (or before sentence keys).
    let hint = if run.semantic_keys && !index.semantic_keys {
        " (the index has no sentence keys of the semantic tier: check with --no-semantic)"
    } else {
        ""
    };
    Err(index_err(
        path,
        format!(
            "parameters differ from the index (index vs this run): {}{hint}. Run with the \
             index's parameters, or {REBUILD} and the new parameters",
            diffs.join(", ")
        ),
    ))
}
