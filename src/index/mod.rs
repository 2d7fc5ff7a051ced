//! Persistent index for `dedup check`: a SQLite file holding, per document,
//! everything both tiers need to find candidates (LSH band keys, content
//! bigram postings, the exact content hash) and the original text, so that
//! passages can be aligned and shown later even if the files moved.
//!
//! Crash safety comes from SQLite: every write is a transaction, documents
//! are committed in small batches, the journal is a write-ahead log (WAL) so
//! readers (`dedup check`) never block the one writer (`dedup index add`)
//! and a killed writer loses at most its in-flight batch.
//!
//! `synchronous=NORMAL`: in WAL mode a commit is then safe against a
//! process crash or kill (the log is in the OS cache), and only a power
//! loss can roll back the last few commits, never corrupt the file. The
//! index is derived data that `dedup index add` can always redo (re-adding
//! an unchanged document is a no-op), so `FULL`'s fsync per commit is not
//! worth its cost.

mod collection;
mod schema;

use crate::candidates::{
    band_keys, facts, has_bands, stored_candidates, KeyKind, Postings, QueryKeys,
};
use crate::error::{Error, Result};
use crate::features::{Extractor, Features};
use crate::input::{DocMeta, Document, Encoding, Format};
use crate::params::{FeatureParams, Params};
use ahash::{AHashMap, AHashSet};
use rayon::prelude::*;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use schema::INDEX_SCHEMA_VERSION;

/// How long a connection waits for another process's lock before failing.
/// Long enough for a writer's batch commit or a WAL checkpoint.
const BUSY_TIMEOUT_MS: u64 = 60_000;

/// Documents per transaction in `dedup index add`: small, so a killed run
/// loses little, large enough that commits do not dominate.
pub const ADD_BATCH: usize = 64;

/// Documents per transaction in `dedup index build`: postings of a batch are
/// inserted in key order, which keeps the B-tree writes sequential.
pub const BUILD_BATCH: usize = 8192;

/// An open index.
pub struct Index {
    conn: Connection,
    path: PathBuf,
    params: FeatureParams,
    extractor: Extractor,
}

/// What one `add` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AddSummary {
    /// Documents not in the index before.
    pub added: usize,
    /// Documents whose text or metadata changed: the old entry was replaced.
    pub replaced: usize,
    /// Documents already indexed with the same text and metadata.
    pub unchanged: usize,
}

/// What `dedup index stats` shows.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    /// The index file.
    pub path: String,
    /// Documents stored.
    pub documents: u64,
    /// Bytes of document text stored.
    pub text_bytes: u64,
    /// Size on disk of the database and its write-ahead log, in bytes.
    pub bytes_on_disk: u64,
    /// Index schema version.
    pub schema_version: u32,
    /// Every `meta` entry (parameters, tool version).
    pub meta: BTreeMap<String, String>,
}

/// Stored per-document fields besides the text.
#[derive(Debug, Serialize, Deserialize)]
struct StoredMeta {
    #[serde(default)]
    meta: DocMeta,
    #[serde(default)]
    warnings: Vec<String>,
}

fn index_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Index {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Turns an SQLite error into an index error naming the file.
fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| index_err(path, format!("database error: {e}"))
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))
        .map_err(sql(path))?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(sql(path))?;
    // A bigger page cache for the postings B-trees (negative = KiB).
    conn.pragma_update(None, "cache_size", -65536)
        .map_err(sql(path))?;
    Ok(())
}

/// Files SQLite keeps beside the database in WAL mode.
fn wal_files(path: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [with("-wal"), with("-shm")]
}

impl Index {
    /// Creates a new, empty index at `path` for `params`. An existing file
    /// is an error unless `overwrite` is set, in which case it is removed.
    pub fn create(path: &Path, params: &FeatureParams, overwrite: bool) -> Result<Index> {
        if path.exists() {
            if !overwrite {
                return Err(index_err(
                    path,
                    "already exists: use `dedup index add` to update it, or `--force` to rebuild",
                ));
            }
            let io = |source| Error::Io {
                path: path.to_path_buf(),
                source,
            };
            std::fs::remove_file(path).map_err(io)?;
            for f in wal_files(path) {
                if f.exists() {
                    std::fs::remove_file(&f).map_err(|source| Error::Io { path: f, source })?;
                }
            }
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(sql(path))?;
        configure(&conn, path)?;
        // WAL is a property of the file: set once here, kept by every
        // later connection.
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(sql(path))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(index_err(
                path,
                format!("cannot use write-ahead logging (journal mode is {mode})"),
            ));
        }
        let extractor = Extractor::new(params);
        let meta = schema::meta_for(params, &extractor);
        let mut conn = conn;
        let tx = conn.transaction().map_err(sql(path))?;
        tx.execute_batch(schema::CREATE).map_err(sql(path))?;
        for (k, v) in &meta {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)",
                params![k, v],
            )
            .map_err(sql(path))?;
        }
        tx.commit().map_err(sql(path))?;
        Ok(Index {
            conn,
            path: path.to_path_buf(),
            params: *params,
            extractor,
        })
    }

    /// Opens an existing index. Fails with a message telling to rebuild when
    /// it was written by an incompatible schema or feature extraction.
    pub fn open(path: &Path) -> Result<Index> {
        if !path.is_file() {
            return Err(index_err(
                path,
                "no index here: create one with `dedup index build CORPUS... --index PATH`",
            ));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(sql(path))?;
        configure(&conn, path)?;
        let meta = read_meta(&conn, path)?;
        let params = schema::check_meta(&meta, path)?;
        add_added_column(&conn, path)?;
        let extractor = Extractor::new(&params);
        schema::check_fingerprint(&meta, &extractor, &params, path)?;
        Ok(Index {
            conn,
            path: path.to_path_buf(),
            params,
            extractor,
        })
    }

    /// The feature parameters the index was built with.
    pub fn params(&self) -> &FeatureParams {
        &self.params
    }

    /// The index file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fails, with a message telling to rebuild, when `run`'s feature
    /// parameters (what is stored) differ from the index's.
    pub fn check_params(&self, run: &Params) -> Result<()> {
        schema::compare_params(&self.params, &run.features, &self.path)
    }

    /// Adds documents, `batch` per transaction. An unchanged document (same
    /// id, text and metadata) is a no-op; a changed one replaces its entry.
    /// `progress` is called after each committed batch with the number of
    /// documents done.
    pub fn add(
        &mut self,
        documents: &[Document],
        batch: usize,
        progress: &dyn Fn(usize),
    ) -> Result<AddSummary> {
        let mut summary = AddSummary::default();
        let mut done = 0;
        for chunk in documents.chunks(batch.max(1)) {
            let features: Vec<Features> = chunk
                .par_iter()
                .map(|d| self.extractor.features(d))
                .collect();
            self.add_batch(chunk, &features, &mut summary)?;
            done += chunk.len();
            progress(done);
        }
        Ok(summary)
    }

    fn add_batch(
        &mut self,
        docs: &[Document],
        features: &[Features],
        summary: &mut AddSummary,
    ) -> Result<()> {
        let path = self.path.clone();
        let err = sql(&path);
        let lsh = self.params.lsh;
        let tx = self.conn.transaction().map_err(&err)?;
        let mut bands: Vec<(i64, i64)> = Vec::new();
        let mut bigrams: Vec<(i64, i64)> = Vec::new();
        let mut fingerprints: Vec<(i64, i64)> = Vec::new();
        let mut sentence_keys: Vec<(i64, i64)> = Vec::new();
        {
            let mut find = tx
                .prepare_cached("SELECT rowid, text, meta_json, path FROM documents WHERE id = ?1")
                .map_err(&err)?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO documents(id, path, content_hash, tokens, text, meta_json, \
                     bytes, encoding, format, language, signature, added) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(&err)?;
            for (doc, f) in docs.iter().zip(features) {
                let meta_json = stored_meta_json(doc);
                let old: Option<(i64, String, String, String)> = find
                    .query_row([&doc.id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()
                    .map_err(&err)?;
                if let Some((rowid, text, meta, old_path)) = old {
                    if text == doc.text && meta == meta_json {
                        if old_path != doc.path {
                            tx.execute(
                                "UPDATE documents SET path = ?1 WHERE rowid = ?2",
                                params![doc.path, rowid],
                            )
                            .map_err(&err)?;
                        }
                        summary.unchanged += 1;
                        continue;
                    }
                    delete_entry(&tx, &self.extractor, lsh, rowid, &text, &path)?;
                    summary.replaced += 1;
                } else {
                    summary.added += 1;
                }
                insert
                    .execute(params![
                        doc.id,
                        doc.path,
                        f.content_hash as i64,
                        f.tokens as i64,
                        doc.text,
                        meta_json,
                        doc.bytes as i64,
                        enum_str(&doc.encoding),
                        enum_str(&doc.format),
                        crate::language::language_id(&f.language.code) as i64,
                        collection::signature_blob(&f.signature),
                        now_utc(),
                    ])
                    .map_err(&err)?;
                let rowid = tx.last_insert_rowid();
                collection::store_sentences(&tx, f, rowid, &path)?;
                if has_bands(&f.signature, lsh) {
                    bands.extend(
                        band_keys(&f.signature, lsh)
                            .iter()
                            .map(|&k| (k as i64, rowid)),
                    );
                }
                bigrams.extend(f.bigrams.iter().map(|&k| (k as i64, rowid)));
                fingerprints.extend(f.fingerprints.iter().map(|&k| (k as i64, rowid)));
                sentence_keys.extend(f.sentence_keys.iter().map(|&k| (k as i64, rowid)));
            }
        }
        // Key order turns the postings inserts into near-sequential B-tree
        // writes.
        bands.sort_unstable();
        bigrams.sort_unstable();
        fingerprints.sort_unstable();
        sentence_keys.sort_unstable();
        insert_postings(&tx, "bands", &bands, &path)?;
        insert_postings(&tx, "bigrams", &bigrams, &path)?;
        insert_postings(&tx, "fingerprints", &fingerprints, &path)?;
        insert_postings(&tx, "sentence_keys", &sentence_keys, &path)?;
        tx.commit().map_err(&err)?;
        Ok(())
    }

    /// Removes documents by id; returns the ids that were not in the index.
    pub fn remove(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let path = self.path.clone();
        let err = sql(&path);
        let lsh = self.params.lsh;
        let tx = self.conn.transaction().map_err(&err)?;
        let mut missing = Vec::new();
        for id in ids {
            let old: Option<(i64, String)> = tx
                .query_row(
                    "SELECT rowid, text FROM documents WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(&err)?;
            match old {
                Some((rowid, text)) => {
                    delete_entry(&tx, &self.extractor, lsh, rowid, &text, &path)?
                }
                None => missing.push(id.clone()),
            }
        }
        tx.commit().map_err(&err)?;
        Ok(missing)
    }

    /// Counts, size on disk and parameters.
    pub fn stats(&self) -> Result<IndexStats> {
        let err = sql(&self.path);
        let (documents, text_bytes): (i64, i64) = self
            .conn
            .query_row(
                "SELECT count(*), coalesce(sum(length(CAST(text AS BLOB))), 0) FROM documents",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(&err)?;
        let meta = read_meta(&self.conn, &self.path)?;
        let mut bytes_on_disk = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        for f in wal_files(&self.path) {
            bytes_on_disk += std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        }
        Ok(IndexStats {
            path: self.path.display().to_string(),
            documents: documents as u64,
            text_bytes: text_bytes as u64,
            bytes_on_disk,
            schema_version: INDEX_SCHEMA_VERSION,
            meta: meta.into_iter().collect(),
        })
    }

    /// Runs SQLite's `PRAGMA integrity_check`; `Ok(())` when it reports ok.
    pub fn integrity_check(&self) -> Result<()> {
        let msg: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(sql(&self.path))?;
        if msg == "ok" {
            Ok(())
        } else {
            Err(index_err(
                &self.path,
                format!("integrity check failed: {msg}"),
            ))
        }
    }

    /// Rowids of the indexed old versions of documents of `new` (same id):
    /// not part of the union a check compares with.
    fn replaced_by(&self, new: &[Document]) -> Result<AHashSet<i64>> {
        let err = sql(&self.path);
        let mut replaced: AHashSet<i64> = AHashSet::new();
        let mut by_id = self
            .conn
            .prepare_cached("SELECT rowid FROM documents WHERE id = ?1")
            .map_err(&err)?;
        for d in new {
            if let Some(r) = by_id
                .query_row([&d.id], |r| r.get::<_, i64>(0))
                .optional()
                .map_err(&err)?
            {
                replaced.insert(r);
            }
        }
        Ok(replaced)
    }

    /// The bigrams of `new` that are common in the index plus `new` (see
    /// [`crate::candidates::CommonBigrams`]), by the rule of
    /// [`facts::common_bigrams`] over this index's [`facts::FactStore`].
    pub fn common_bigrams(
        &self,
        new: &[Document],
        new_features: &[Features],
        params: &Params,
    ) -> Result<crate::candidates::CommonBigrams> {
        let replaced = self.replaced_by(new)?;
        facts::common_bigrams(self, new_features, &replaced, params)
    }

    /// The boilerplate sentences among those of `new` and of the indexed
    /// candidates a check compares (features `compared`), decided over the
    /// index plus `new` by the rule of [`facts::boilerplate`].
    pub fn boilerplate(
        &self,
        new: &[Document],
        new_features: &[Features],
        compared: &[Features],
        params: &Params,
    ) -> Result<crate::boilerplate::Boilerplate> {
        let replaced = self.replaced_by(new)?;
        let compared: Vec<&Features> = compared.iter().collect();
        facts::boilerplate(self, (new, new_features), &compared, &replaced, params)
    }

    /// The indexed documents that a scan of the index together with `new`
    /// could pair with a document of `new`, by the candidate rule of
    /// [`stored_candidates`] over this index's [`Postings`]. Indexed
    /// documents with the id of a new one are its old version and left out.
    /// Sorted by id.
    pub fn candidates(
        &self,
        new: &[Document],
        new_features: &[Features],
        params: &Params,
        common: &crate::candidates::CommonBigrams,
    ) -> Result<Vec<Document>> {
        let err = sql(&self.path);
        let new_ids: AHashSet<&str> = new.iter().map(|d| d.id.as_str()).collect();
        // Rowids of the old versions of new documents: their postings are
        // not part of the union.
        let replaced = self.replaced_by(new)?;
        let queries: Vec<QueryKeys> = new_features.iter().map(QueryKeys::of).collect();
        let mut rule = params.candidate_rule();
        if !self.params.rewrite_tier {
            rule.rare_keys = None;
            rule.verbatim_keys = None;
        }
        if !self.params.semantic_keys {
            rule.sentence_keys = None;
        }
        let wanted = stored_candidates(self, &queries, &rule, &replaced, common)?;
        let mut load = self
            .conn
            .prepare_cached(
                "SELECT id, path, text, meta_json, bytes, encoding, format, added \
                 FROM documents WHERE rowid = ?1",
            )
            .map_err(&err)?;
        let mut out = Vec::with_capacity(wanted.len());
        for rowid in wanted {
            let doc = load
                .query_row([rowid], |r| {
                    Ok(StoredDoc {
                        id: r.get(0)?,
                        path: r.get(1)?,
                        text: r.get(2)?,
                        meta_json: r.get(3)?,
                        bytes: r.get(4)?,
                        encoding: r.get(5)?,
                        format: r.get(6)?,
                        added: r.get(7)?,
                    })
                })
                .map_err(&err)?;
            if new_ids.contains(doc.id.as_str()) {
                continue;
            }
            out.push(doc.into_document(&self.path)?);
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }
}

/// The index's postings: the `documents` table's content hashes and the
/// `bands` and `bigrams` tables, by rowid.
impl Postings for Index {
    type Doc = i64;
    type Error = Error;
    fn members(&self, kind: KeyKind, key: u64, limit: usize) -> Result<Vec<i64>> {
        let err = sql(&self.path);
        let query = match kind {
            KeyKind::Content => {
                "SELECT rowid FROM documents WHERE content_hash = ?1 AND tokens > 0 LIMIT ?2"
            }
            KeyKind::Band => "SELECT doc FROM bands WHERE key = ?1 LIMIT ?2",
            KeyKind::Bigram => "SELECT doc FROM bigrams WHERE key = ?1 LIMIT ?2",
            KeyKind::Fingerprint => "SELECT doc FROM fingerprints WHERE key = ?1 LIMIT ?2",
            KeyKind::SentenceKey => "SELECT doc FROM sentence_keys WHERE key = ?1 LIMIT ?2",
        };
        let mut stmt = self.conn.prepare_cached(query).map_err(&err)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![key as i64, limit], |r| r.get::<_, i64>(0))
            .map_err(&err)?;
        rows.map(|r| r.map_err(&err)).collect()
    }
}

/// A document row as stored.
struct StoredDoc {
    id: String,
    path: String,
    text: String,
    meta_json: String,
    bytes: i64,
    encoding: String,
    format: String,
    added: String,
}

impl StoredDoc {
    fn into_document(self, index: &Path) -> Result<Document> {
        let bad = |what: &str, e: serde_json::Error| {
            index_err(
                index,
                format!(
                    "document {}: unreadable {what} ({e}): rebuild the index",
                    self.id
                ),
            )
        };
        let stored: StoredMeta =
            serde_json::from_str(&self.meta_json).map_err(|e| bad("metadata", e))?;
        let encoding: Encoding =
            serde_json::from_value(serde_json::Value::String(self.encoding.clone()))
                .map_err(|e| bad("encoding", e))?;
        let format: Format = serde_json::from_value(serde_json::Value::String(self.format.clone()))
            .map_err(|e| bad("format", e))?;
        let mut meta = stored.meta;
        meta.indexed = Some(self.added);
        Ok(Document {
            id: self.id,
            path: self.path,
            text: self.text,
            bytes: self.bytes.max(0) as usize,
            encoding,
            format,
            meta,
            warnings: stored.warnings,
        })
    }
}

/// Indexes written before documents' addition times were recorded get the
/// column, empty for the documents already there.
fn add_added_column(conn: &Connection, path: &Path) -> Result<()> {
    let err = sql(path);
    let mut columns = conn
        .prepare("SELECT name FROM pragma_table_info('documents')")
        .map_err(&err)?;
    let names: Vec<String> = columns
        .query_map([], |r| r.get(0))
        .map_err(&err)?
        .collect::<std::result::Result<_, _>>()
        .map_err(&err)?;
    if !names.iter().any(|n| n == "added") {
        conn.execute(
            "ALTER TABLE documents ADD COLUMN added TEXT NOT NULL DEFAULT ''",
            [],
        )
        .map_err(&err)?;
    }
    Ok(())
}

/// The current time as an ISO 8601 UTC timestamp.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    crate::input::dates::utc_timestamp(secs)
}

fn stored_meta_json(doc: &Document) -> String {
    serde_json::to_string(&StoredMeta {
        meta: doc.meta.clone(),
        warnings: doc.warnings.clone(),
    })
    .unwrap_or_else(|_| "{}".into())
}

/// The serde name of a unit enum variant (`utf8`, `text`, ...).
fn enum_str<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn read_meta(conn: &Connection, path: &Path) -> Result<AHashMap<String, String>> {
    let err = sql(path);
    let mut stmt = conn
        .prepare("SELECT key, value FROM meta")
        .map_err(|e| index_err(path, format!("not a dedup index ({e})")))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(&err)?;
    let mut out = AHashMap::new();
    for r in rows {
        let (k, v) = r.map_err(&err)?;
        out.insert(k, v);
    }
    Ok(out)
}

fn insert_postings(
    tx: &rusqlite::Transaction,
    table: &str,
    rows: &[(i64, i64)],
    path: &Path,
) -> Result<()> {
    let mut stmt = tx
        .prepare_cached(&format!(
            "INSERT OR IGNORE INTO {table}(key, doc) VALUES (?1, ?2)"
        ))
        .map_err(sql(path))?;
    for &(k, d) in rows {
        stmt.execute([k, d]).map_err(sql(path))?;
    }
    Ok(())
}

/// Deletes a document row and its postings, found again from its stored
/// text (the feature fingerprint checked at open guarantees the same keys).
fn delete_entry(
    tx: &rusqlite::Transaction,
    extractor: &Extractor,
    lsh: crate::candidates::LshParams,
    rowid: i64,
    text: &str,
    path: &Path,
) -> Result<()> {
    let err = sql(path);
    let f = extractor.features(&Document::from_text("", text));
    if has_bands(&f.signature, lsh) {
        let mut stmt = tx
            .prepare_cached("DELETE FROM bands WHERE key = ?1 AND doc = ?2")
            .map_err(&err)?;
        for k in band_keys(&f.signature, lsh) {
            stmt.execute([k as i64, rowid]).map_err(&err)?;
        }
    }
    for (table, keys) in [
        ("bigrams", &f.bigrams),
        ("fingerprints", &f.fingerprints),
        ("sentence_keys", &f.sentence_keys),
    ] {
        let mut stmt = tx
            .prepare_cached(&format!("DELETE FROM {table} WHERE key = ?1 AND doc = ?2"))
            .map_err(&err)?;
        for &k in keys {
            stmt.execute([k as i64, rowid]).map_err(&err)?;
        }
    }
    collection::delete_sentences(tx, &f, rowid, path)?;
    tx.execute("DELETE FROM documents WHERE rowid = ?1", [rowid])
        .map_err(&err)?;
    Ok(())
}

#[cfg(test)]
mod tests;
