//! What a check needs to know about the whole indexed collection so that
//! its scan of the new documents and their candidates decides as a scan of
//! the union would: which content bigrams of the new documents are common,
//! and which sentences of the compared documents are boilerplate. Both come
//! from postings counted over the index plus the new documents (minus the
//! old versions they replace), each document's language and its stored
//! MinHash.

use super::sql;
use crate::boilerplate::{holders_are_unrelated, Boilerplate, HOLDERS_SAMPLED};
use crate::candidates::CommonBigrams;
use crate::error::Result;
use crate::features::Features;
use crate::input::Document;
use crate::language::language_id;
use crate::params::Params;
use crate::sketch::Signature;
use ahash::{AHashMap, AHashSet};
use rusqlite::{params, Connection, Transaction};
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

/// The distinct sentence hashes of a document.
fn distinct_sentences(f: &Features) -> Vec<u64> {
    let mut v = f.sentence_hashes.clone();
    v.sort_unstable();
    v.dedup();
    v
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

/// The common bigrams among the bigrams of `new` (the only ones a pair
/// with a new document can share), counted over the index plus `new`, less
/// the `replaced` old versions of new documents.
pub(super) fn common_bigrams(
    conn: &Connection,
    path: &Path,
    params: &Params,
    new_features: &[Features],
    replaced: &AHashSet<i64>,
) -> Result<CommonBigrams> {
    let err = sql(path);
    // Documents per language in the union.
    let mut per_language: AHashMap<u16, usize> = AHashMap::new();
    {
        let mut stmt = conn
            .prepare_cached("SELECT language, count(*) FROM documents GROUP BY language")
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .map_err(&err)?;
        for r in rows {
            let (l, n) = r.map_err(&err)?;
            *per_language.entry(l as u16).or_default() += n as usize;
        }
        let mut lang_of = conn
            .prepare_cached("SELECT language FROM documents WHERE rowid = ?1")
            .map_err(&err)?;
        for &r in replaced {
            let l: i64 = lang_of.query_row([r], |row| row.get(0)).map_err(&err)?;
            if let Some(n) = per_language.get_mut(&(l as u16)) {
                *n = n.saturating_sub(1);
            }
        }
        for f in new_features {
            *per_language
                .entry(language_id(&f.language.code))
                .or_default() += 1;
        }
    }

    // Common bigrams among the new documents' bigrams (the only ones a pair
    // with a new document can share).
    let mut common = Vec::new();
    if params.rewrite_tier() {
        let mut new_holders: AHashMap<u64, Vec<u16>> = AHashMap::new();
        for f in new_features {
            for &k in &f.bigrams {
                new_holders
                    .entry(k)
                    .or_default()
                    .push(language_id(&f.language.code));
            }
        }
        let limit = (params.candidates.max_bigram_bucket + 1 + replaced.len()) as i64;
        let mut holders_of = conn
            .prepare_cached(
                "SELECT b.doc, d.language FROM bigrams b JOIN documents d ON d.rowid = b.doc \
                 WHERE b.key = ?1 LIMIT ?2",
            )
            .map_err(&err)?;
        let mut keys: Vec<(&u64, &Vec<u16>)> = new_holders.iter().collect();
        keys.sort_unstable_by_key(|(k, _)| **k);
        for (&key, langs) in keys {
            let mut languages = langs.clone();
            let rows = holders_of
                .query_map(params![key as i64, limit], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })
                .map_err(&err)?;
            for r in rows {
                let (doc, l) = r.map_err(&err)?;
                if !replaced.contains(&doc) {
                    languages.push(l as u16);
                }
            }
            let documents = languages.len();
            let is_common = !params.candidates.rare_keys().is_rare(documents) || {
                languages.sort_unstable();
                languages.dedup();
                let of_languages: usize = languages
                    .iter()
                    .map(|l| per_language.get(l).copied().unwrap_or(0))
                    .sum();
                params.collection.rarity.is_common(documents, of_languages)
            };
            if is_common {
                common.push(key);
            }
        }
    }

    Ok(CommonBigrams::from_bigrams(common))
}

/// The boilerplate sentences among those of `new` and of the indexed
/// documents a check compares (`compared`), decided over the index plus
/// `new`, less the `replaced` old versions of new documents.
pub(super) fn boilerplate(
    conn: &Connection,
    path: &Path,
    params: &Params,
    (new, new_features): (&[Document], &[Features]),
    compared: &[Features],
    replaced: &AHashSet<i64>,
) -> Result<Boilerplate> {
    let err = sql(path);
    let mut boilerplate = Vec::new();
    if params.rewrite_tier() {
        let mut new_holders: AHashMap<u64, Vec<(&str, &Signature)>> = AHashMap::new();
        for (d, f) in new.iter().zip(new_features) {
            for k in distinct_sentences(f) {
                new_holders
                    .entry(k)
                    .or_default()
                    .push((d.id.as_str(), &f.signature));
            }
        }
        let mut sentences: Vec<u64> = new_features
            .iter()
            .chain(compared)
            .flat_map(distinct_sentences)
            .collect();
        sentences.sort_unstable();
        sentences.dedup();
        let new_ids: AHashSet<&str> = new.iter().map(|d| d.id.as_str()).collect();
        let limit = (HOLDERS_SAMPLED + replaced.len() + new.len()) as i64;
        let mut holders_of = conn
            .prepare_cached(
                "SELECT s.doc, d.id, d.signature FROM sentences s \
                 JOIN documents d ON d.rowid = s.doc WHERE s.key = ?1 ORDER BY d.id LIMIT ?2",
            )
            .map_err(&err)?;
        let mut count_of = conn
            .prepare_cached("SELECT count(*) FROM sentences WHERE key = ?1")
            .map_err(&err)?;
        for key in sentences {
            let from_new = new_holders.get(&key).map_or(&[][..], |v| v.as_slice());
            let total: i64 = count_of
                .query_row([key as i64], |r| r.get(0))
                .map_err(&err)?;
            // An upper bound first: most sentences are in one document.
            if (total as usize + from_new.len()) < params.collection.boilerplate.min_documents {
                continue;
            }
            let mut holders: Vec<(String, Signature)> = Vec::new();
            let mut fetched = 0;
            let rows = holders_of
                .query_map(params![key as i64, limit], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                    ))
                })
                .map_err(&err)?;
            for r in rows {
                let (doc, id, blob) = r.map_err(&err)?;
                fetched += 1;
                if !replaced.contains(&doc) && !new_ids.contains(id.as_str()) {
                    holders.push((id, signature_of(&blob)));
                }
            }
            // All postings read: the count is exact. Otherwise at least
            // `limit` less the replaced remain, more than the minimum, and
            // the first holders by id are among those read.
            if fetched < limit
                && holders.len() + from_new.len() < params.collection.boilerplate.min_documents
            {
                continue;
            }
            holders.extend(from_new.iter().map(|&(id, s)| (id.to_string(), s.clone())));
            holders.sort_by(|a, b| a.0.cmp(&b.0));
            let sampled: Vec<&Signature> = holders
                .iter()
                .take(HOLDERS_SAMPLED)
                .map(|(_, s)| s)
                .collect();
            if holders_are_unrelated(&sampled, &params.collection.boilerplate) {
                boilerplate.push(key);
            }
        }
    }
    Ok(Boilerplate::from_hashes(boilerplate))
}
