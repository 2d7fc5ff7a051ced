//! What a check needs to know about the whole indexed collection so that
//! its scan of the new documents and their candidates decides as a scan of
//! the union would: the index's answers to the collection-fact rules of
//! [`crate::candidates::facts`] (documents per language, the holders of a
//! bigram or a sentence with their language or stored MinHash), and the
//! sentence postings those answers come from.

use super::{sql, Index};
use crate::candidates::facts::{distinct_sentences, FactStore, SentenceHolder};
use crate::error::{Error, Result};
use crate::features::Features;
use crate::sketch::Signature;
use ahash::AHashMap;
use rusqlite::{params, Transaction};
use std::path::Path;

/// A MinHash as stored: its slots, little-endian.
pub(super) fn signature_blob(signature: &Signature) -> Vec<u8> {
    signature.0.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn signature_of(blob: &[u8]) -> Signature {
    Signature(
        blob.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Stores the sentence postings of document `rowid`.
pub(super) fn store_sentences(
    tx: &Transaction,
    f: &Features,
    rowid: i64,
    path: &Path,
) -> Result<()> {
    let mut stmt = tx
        .prepare_cached("INSERT OR IGNORE INTO sentences(key, doc) VALUES (?1, ?2)")
        .map_err(sql(path))?;
    for k in distinct_sentences(f) {
        stmt.execute(params![k as i64, rowid]).map_err(sql(path))?;
    }
    Ok(())
}

/// Deletes the sentence postings of document `rowid`.
pub(super) fn delete_sentences(
    tx: &Transaction,
    f: &Features,
    rowid: i64,
    path: &Path,
) -> Result<()> {
    let mut stmt = tx
        .prepare_cached("DELETE FROM sentences WHERE key = ?1 AND doc = ?2")
        .map_err(sql(path))?;
    for k in distinct_sentences(f) {
        stmt.execute(params![k as i64, rowid]).map_err(sql(path))?;
    }
    Ok(())
}

/// The index's answers for the collection facts: the `documents` table's
/// languages and signatures and the `bigrams` and `sentences` postings, by
/// rowid.
impl FactStore for Index {
    type Doc = i64;
    type Error = Error;

    fn documents_per_language(&self) -> Result<AHashMap<u16, usize>> {
        let err = sql(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT language, count(*) FROM documents GROUP BY language")
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .map_err(&err)?;
        let mut per_language: AHashMap<u16, usize> = AHashMap::new();
        for r in rows {
            let (l, n) = r.map_err(&err)?;
            *per_language.entry(l as u16).or_default() += n as usize;
        }
        Ok(per_language)
    }

    fn language(&self, doc: i64) -> Result<u16> {
        let err = sql(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT language FROM documents WHERE rowid = ?1")
            .map_err(&err)?;
        let l: i64 = stmt.query_row([doc], |row| row.get(0)).map_err(&err)?;
        Ok(l as u16)
    }

    fn bigram_holders(&self, key: u64, limit: usize) -> Result<Vec<(i64, u16)>> {
        let err = sql(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT b.doc, d.language FROM bigrams b JOIN documents d ON d.rowid = b.doc \
                 WHERE b.key = ?1 LIMIT ?2",
            )
            .map_err(&err)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![key as i64, limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as u16))
            })
            .map_err(&err)?;
        rows.map(|r| r.map_err(&err)).collect()
    }

    fn sentence_count(&self, key: u64) -> Result<usize> {
        let err = sql(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT count(*) FROM sentences WHERE key = ?1")
            .map_err(&err)?;
        let n: i64 = stmt.query_row([key as i64], |r| r.get(0)).map_err(&err)?;
        Ok(n as usize)
    }

    fn sentence_holders(&self, key: u64, limit: usize) -> Result<Vec<SentenceHolder<i64>>> {
        let err = sql(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT s.doc, d.id, d.signature FROM sentences s \
                 JOIN documents d ON d.rowid = s.doc WHERE s.key = ?1 ORDER BY d.id LIMIT ?2",
            )
            .map_err(&err)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![key as i64, limit], |r| {
                Ok(SentenceHolder {
                    doc: r.get(0)?,
                    id: r.get(1)?,
                    signature: signature_of(&r.get::<_, Vec<u8>>(2)?),
                })
            })
            .map_err(&err)?;
        rows.map(|r| r.map_err(&err)).collect()
    }
}
