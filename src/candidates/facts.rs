//! The collection facts of `dedup check`: which content bigrams of the new
//! documents are common ([`CommonBigrams`]) and which sentences of the
//! compared documents are boilerplate ([`Boilerplate`]), decided over a
//! stored collection plus the new documents (less the stored old versions
//! of new documents) as a scan of that union decides them. One rule each,
//! over any store that answers a few questions about its documents
//! ([`FactStore`]): the SQLite index implements it, and so does
//! [`MemoryFacts`] for a collection loaded from disk, as with
//! [`super::Postings`] for the candidate rule.

use super::{is_common_bucket, CommonBigrams, LanguageShares, MemoryPostings, Postings};
use crate::boilerplate::{is_boilerplate, Boilerplate, HOLDERS_SAMPLED};
use crate::features::Features;
use crate::input::Document;
use crate::language::language_id;
use crate::params::Params;
use crate::sketch::Signature;
use ahash::{AHashMap, AHashSet};
use std::hash::Hash;

/// A stored holder of a sentence: the document, its id and its MinHash.
#[derive(Debug, Clone)]
pub struct SentenceHolder<D> {
    /// How the store names the document.
    pub doc: D,
    /// The document's id (holders are sampled in id order).
    pub id: String,
    /// The document's MinHash (the holder test of boilerplate).
    pub signature: Signature,
}

/// A stored collection, asked what the collection facts need: its
/// documents' languages and the holders of a bigram or a sentence. Every
/// answer counts every stored document; the rules leave out the excluded
/// ones themselves.
pub trait FactStore {
    /// How the store names a document.
    type Doc: Copy + Eq + Hash;
    /// What can go wrong reading the store.
    type Error;
    /// Stored documents per language (see [`language_id`]).
    fn documents_per_language(&self) -> Result<AHashMap<u16, usize>, Self::Error>;
    /// The language of stored document `doc`.
    fn language(&self, doc: Self::Doc) -> Result<u16, Self::Error>;
    /// Up to `limit` holders of content bigram `key` (a document repeats as
    /// often as the store holds the pair), each with its language, in the
    /// store's order.
    fn bigram_holders(&self, key: u64, limit: usize) -> Result<Vec<(Self::Doc, u16)>, Self::Error>;
    /// How many stored documents hold sentence `key`.
    fn sentence_count(&self, key: u64) -> Result<usize, Self::Error>;
    /// The first `limit` stored holders of sentence `key`, in id order.
    fn sentence_holders(
        &self,
        key: u64,
        limit: usize,
    ) -> Result<Vec<SentenceHolder<Self::Doc>>, Self::Error>;
}

/// The distinct sentence hashes of a document.
pub(crate) fn distinct_sentences(f: &Features) -> Vec<u64> {
    let mut v = f.sentence_hashes.clone();
    v.sort_unstable();
    v.dedup();
    v
}

/// The common bigrams among the bigrams of `new_features` (the only ones a
/// pair with a new document can share), counted over `store` plus the new
/// documents, less the `excluded` old versions of new documents. Empty when
/// the rewrite tier is off.
pub fn common_bigrams<S: FactStore>(
    store: &S,
    new_features: &[Features],
    excluded: &AHashSet<S::Doc>,
    params: &Params,
) -> Result<CommonBigrams, S::Error> {
    if !params.rewrite_tier() {
        return Ok(CommonBigrams::default());
    }
    // Documents per language in the union.
    let mut per_language = store.documents_per_language()?;
    for &d in excluded {
        if let Some(n) = per_language.get_mut(&store.language(d)?) {
            *n = n.saturating_sub(1);
        }
    }
    for f in new_features {
        *per_language
            .entry(language_id(&f.language.code))
            .or_default() += 1;
    }

    let mut new_holders: AHashMap<u64, Vec<u16>> = AHashMap::new();
    for f in new_features {
        for &k in &f.bigrams {
            new_holders
                .entry(k)
                .or_default()
                .push(language_id(&f.language.code));
        }
    }
    let shares = LanguageShares::from_ids(per_language);
    let rare = params.candidates.rare_keys();
    // One more than the cap (plus the excluded) tells whether the bigram is
    // over it: the count is then not needed exactly.
    let limit = rare.max_bucket + 1 + excluded.len();
    let mut keys: Vec<(&u64, &Vec<u16>)> = new_holders.iter().collect();
    keys.sort_unstable_by_key(|(k, _)| **k);
    let mut common = Vec::new();
    for (&key, langs) in keys {
        let mut languages = langs.clone();
        for (doc, l) in store.bigram_holders(key, limit)? {
            if !excluded.contains(&doc) {
                languages.push(l);
            }
        }
        // The scan's rule for a bucket of this many holders.
        let documents = languages.len();
        if is_common_bucket(documents, rare, || {
            shares.is_common(
                &params.collection.rarity,
                documents,
                &mut languages.iter().copied(),
            )
        }) {
            common.push(key);
        }
    }
    Ok(CommonBigrams::from_bigrams(common))
}

/// The boilerplate sentences among those of `new` and of the stored
/// documents a check compares (features `compared`), decided over `store`
/// plus `new`, less the `excluded` old versions of new documents. Empty
/// when the rewrite tier is off.
pub fn boilerplate<S: FactStore>(
    store: &S,
    (new, new_features): (&[Document], &[Features]),
    compared: &[&Features],
    excluded: &AHashSet<S::Doc>,
    params: &Params,
) -> Result<Boilerplate, S::Error> {
    if !params.rewrite_tier() {
        return Ok(Boilerplate::default());
    }
    let rule = &params.collection.boilerplate;
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
        .chain(compared.iter().copied())
        .flat_map(distinct_sentences)
        .collect();
    sentences.sort_unstable();
    sentences.dedup();
    let new_ids: AHashSet<&str> = new.iter().map(|d| d.id.as_str()).collect();
    // Enough holders that, after leaving out the excluded and the new
    // documents' own ids, a truncated read still has at least the minimum
    // and the first sampled holders by id.
    let limit = HOLDERS_SAMPLED.max(rule.min_documents) + excluded.len() + new.len();
    let mut boilerplate = Vec::new();
    for key in sentences {
        let from_new = new_holders.get(&key).map_or(&[][..], |v| v.as_slice());
        // An upper bound first: most sentences are in one document.
        if store.sentence_count(key)? + from_new.len() < rule.min_documents {
            continue;
        }
        let read = store.sentence_holders(key, limit)?;
        let fetched = read.len();
        let holders: Vec<(String, Signature)> = read
            .into_iter()
            .filter(|h| !excluded.contains(&h.doc) && !new_ids.contains(h.id.as_str()))
            .map(|h| (h.id, h.signature))
            .collect();
        // All holders read: the count is exact. Otherwise at least `limit`
        // less the left out remain, no fewer than the minimum, and the first
        // holders by id are among those read.
        if fetched < limit && holders.len() + from_new.len() < rule.min_documents {
            continue;
        }
        // The scan's rule over the union's holders.
        let union: Vec<(&str, &Signature)> = holders
            .iter()
            .map(|(id, s)| (id.as_str(), s))
            .chain(from_new.iter().copied())
            .collect();
        if is_boilerplate(union, rule) {
            boilerplate.push(key);
        }
    }
    Ok(Boilerplate::from_hashes(boilerplate))
}

/// [`FactStore`] of documents held in memory, by their index in the list
/// they were loaded in: their bigram holders are those of the collection's
/// [`MemoryPostings`].
#[derive(Debug)]
pub struct MemoryFacts<'a> {
    postings: &'a MemoryPostings,
    ids: Vec<&'a str>,
    signatures: Vec<&'a Signature>,
    languages: Vec<u16>,
    /// Distinct holders of each sentence, ascending.
    sentences: AHashMap<u64, Vec<u32>>,
}

impl<'a> MemoryFacts<'a> {
    /// The facts store of `documents` with their `features` (document `i`
    /// is `documents[i]`) and the `postings` built from those features.
    pub fn new(
        documents: &'a [Document],
        features: &'a [Features],
        postings: &'a MemoryPostings,
    ) -> Self {
        let mut sentences: AHashMap<u64, Vec<u32>> = AHashMap::new();
        for (i, f) in features.iter().enumerate() {
            for k in distinct_sentences(f) {
                sentences.entry(k).or_default().push(i as u32);
            }
        }
        MemoryFacts {
            postings,
            ids: documents.iter().map(|d| d.id.as_str()).collect(),
            signatures: features.iter().map(|f| &f.signature).collect(),
            languages: features
                .iter()
                .map(|f| language_id(&f.language.code))
                .collect(),
            sentences,
        }
    }
}

impl FactStore for MemoryFacts<'_> {
    type Doc = u32;
    type Error = std::convert::Infallible;

    fn documents_per_language(&self) -> Result<AHashMap<u16, usize>, Self::Error> {
        let mut per_language: AHashMap<u16, usize> = AHashMap::new();
        for &l in &self.languages {
            *per_language.entry(l).or_default() += 1;
        }
        Ok(per_language)
    }

    fn language(&self, doc: u32) -> Result<u16, Self::Error> {
        Ok(self.languages[doc as usize])
    }

    fn bigram_holders(&self, key: u64, limit: usize) -> Result<Vec<(u32, u16)>, Self::Error> {
        let Ok(docs) = self.postings.members(super::KeyKind::Bigram, key, limit);
        Ok(docs
            .into_iter()
            .map(|d| (d, self.languages[d as usize]))
            .collect())
    }

    fn sentence_count(&self, key: u64) -> Result<usize, Self::Error> {
        Ok(self.sentences.get(&key).map_or(0, Vec::len))
    }

    fn sentence_holders(
        &self,
        key: u64,
        limit: usize,
    ) -> Result<Vec<SentenceHolder<u32>>, Self::Error> {
        let mut docs = self.sentences.get(&key).cloned().unwrap_or_default();
        docs.sort_unstable_by_key(|&d| self.ids[d as usize]);
        docs.truncate(limit);
        Ok(docs
            .into_iter()
            .map(|d| SentenceHolder {
                doc: d,
                id: self.ids[d as usize].to_string(),
                signature: self.signatures[d as usize].clone(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Extractor;
    use crate::index::Index;

    const CREDIT: &str = "Reporting by the regional news desk.";
    const STORIES: [&str; 7] = [
        "The river flooded the lower town after three days of rain and the schools closed.",
        "A new bakery opened on the market square, selling rye bread baked in a wood oven.",
        "The football club lost its home game after a late penalty in the ninetieth minute.",
        "Farmers reported an early harvest of cherries thanks to the warm spring weather.",
        "The council voted to repair the old bridge before the winter frost sets in.",
        "A brass band from the neighbouring valley played at the autumn festival on Sunday.",
        "The library extended its opening hours for students preparing for their exams.",
    ];

    fn collection() -> Vec<Document> {
        STORIES
            .iter()
            .enumerate()
            .map(|(i, s)| Document::from_text(&format!("d{i}"), &format!("{s} {CREDIT}")))
            .collect()
    }

    /// The in-memory store and the index answer the same facts as a scan
    /// of the union finds, for a new document and its old version stored.
    #[test]
    fn memory_and_index_facts_agree_with_a_scan_of_the_union() {
        let params = Params::default();
        let extractor = Extractor::new(&params.features);
        let stored = collection();
        let new = vec![Document::from_text(
            "d0",
            &format!("{} {CREDIT}", STORIES[1]),
        )];
        let features = |docs: &[Document]| -> Vec<Features> {
            docs.iter().map(|d| extractor.features(d)).collect()
        };
        let (new_features, stored_features) = (features(&new), features(&stored));

        // A scan of the union: the new document replaces `d0`.
        let union: Vec<(&Document, &Features)> = new
            .iter()
            .zip(&new_features)
            .chain(stored.iter().zip(&stored_features).skip(1))
            .collect();
        let sentences: Vec<&[u64]> = union
            .iter()
            .map(|(_, f)| f.sentence_hashes.as_slice())
            .collect();
        let signatures: Vec<&Signature> = union.iter().map(|(_, f)| &f.signature).collect();
        let ids: Vec<&str> = union.iter().map(|(d, _)| d.id.as_str()).collect();
        let scanned = Boilerplate::find(
            &sentences,
            &signatures,
            &ids,
            &params.collection.boilerplate,
        );

        let kept: Vec<Document> = stored[1..].to_vec();
        let postings = MemoryPostings::new(&stored_features[1..], params.features.lsh);
        let memory = MemoryFacts::new(&kept, &stored_features[1..], &postings);
        let compared: Vec<&Features> = stored_features[1..].iter().collect();
        let none = AHashSet::new();
        let Ok(in_memory) = boilerplate(&memory, (&new, &new_features), &compared, &none, &params);

        let dir = tempfile::tempdir().unwrap();
        let mut index = Index::create(&dir.path().join("i.db"), &params.features, false).unwrap();
        index.add(&stored, 8, &|_| {}).unwrap();
        let all: Vec<Features> = stored_features[1..].to_vec();
        let indexed = index
            .boilerplate(&new, &new_features, &all, &params)
            .unwrap();

        for (_, f) in &union {
            for &s in &f.sentence_hashes {
                assert_eq!(scanned.contains(s), in_memory.contains(s));
                assert_eq!(scanned.contains(s), indexed.contains(s));
            }
        }
        if params.rewrite_tier() {
            assert!(!scanned.is_empty());
        }

        let Ok(common) = common_bigrams(&memory, &new_features, &none, &params);
        let from_index = index.common_bigrams(&new, &new_features, &params).unwrap();
        for &k in &new_features[0].bigrams {
            assert_eq!(common.contains(k), from_index.contains(k));
        }
    }
}
