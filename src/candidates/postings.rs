//! The candidate rule for documents asked about one at a time against a
//! stored collection (`dedup check`): the same rule as a scan's, over any
//! store that can list a key's documents ([`Postings`]). The SQLite index
//! implements it, and so does [`MemoryPostings`] for a collection loaded
//! from disk; a distributed driver would implement it over its own tables.

use super::{band_keys, has_bands, CommonBigrams, LshParams, RareKeys};
use crate::features::Features;
use ahash::{AHashMap, AHashSet};
use std::hash::Hash;

/// The kinds of candidate keys a document has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// The hash of the normalized text (exact duplicates).
    Content,
    /// An LSH band key (near-duplicate tier).
    Band,
    /// A content bigram (rewrite tier).
    Bigram,
    /// A winnowed shingle fingerprint (verbatim runs).
    Fingerprint,
    /// A SimHash key of a sentence vector (semantic tier).
    SentenceKey,
}

/// A store of candidate keys: which documents hold a key.
pub trait Postings {
    /// How the store names a document.
    type Doc: Copy + Eq + Hash + Ord;
    /// What can go wrong reading the store.
    type Error;
    /// Up to `limit` documents holding `key` of `kind`, in the store's order.
    fn members(&self, kind: KeyKind, key: u64, limit: usize)
        -> Result<Vec<Self::Doc>, Self::Error>;
}

/// What candidate generation needs of one document asked about.
#[derive(Debug, Clone, Copy)]
pub struct QueryKeys<'a> {
    /// Its normalized text's hash, `None` for an empty document.
    pub content_hash: Option<u64>,
    /// Its features (signature for the LSH band keys, content bigrams).
    pub features: &'a Features,
}

impl<'a> QueryKeys<'a> {
    /// The keys of a document with these features.
    pub fn of(features: &'a Features) -> Self {
        QueryKeys {
            content_hash: (features.tokens > 0).then_some(features.content_hash),
            features,
        }
    }
}

/// The candidate rule of both tiers, for asking a store.
#[derive(Debug, Clone, Copy)]
pub struct CandidateRule {
    /// LSH banding of the stored band keys.
    pub lsh: LshParams,
    /// Members read per LSH band: a band shared by more documents is
    /// boilerplate, and a scan links such buckets as a star anyway.
    pub max_band_bucket: usize,
    /// The rewrite tier's rule, `None` when the tier is off.
    pub rare_keys: Option<RareKeys>,
    /// The verbatim-run rule over fingerprints, `None` when off.
    pub verbatim_keys: Option<RareKeys>,
    /// The semantic tier's rule over sentence keys, `None` when off.
    pub sentence_keys: Option<RareKeys>,
}

/// The stored documents that a scan of the store together with `queries`
/// could pair with one of `queries`: same content hash, a shared LSH band,
/// or (rewrite tier) enough shared bigrams that are rare in the union (the
/// queries' own holders count towards a bigram's bucket) and not `common`
/// in the collection. Documents in
/// `excluded` (old versions of the queries) are neither returned nor
/// counted. Sorted, duplicate-free.
pub fn stored_candidates<P: Postings>(
    store: &P,
    queries: &[QueryKeys],
    rule: &CandidateRule,
    excluded: &AHashSet<P::Doc>,
    common: &CommonBigrams,
) -> Result<Vec<P::Doc>, P::Error> {
    let mut wanted: AHashSet<P::Doc> = AHashSet::new();
    for q in queries {
        if let Some(h) = q.content_hash {
            wanted.extend(store.members(KeyKind::Content, h, usize::MAX)?);
        }
        let sig = &q.features.signature;
        if has_bands(sig, rule.lsh) {
            for key in band_keys(sig, rule.lsh) {
                wanted.extend(store.members(KeyKind::Band, key, rule.max_band_bucket)?);
            }
        }
    }
    // The rare-key tiers: each rule over its own keys (only bigrams have
    // collection-common keys besides the cap).
    let is_common = |key: u64| common.contains(key);
    let never = |_: u64| false;
    type KeysOf = fn(&Features) -> &[u64];
    type Tier<'a> = (Option<RareKeys>, KeyKind, KeysOf, &'a dyn Fn(u64) -> bool);
    let tiers: [Tier; 3] = [
        (rule.rare_keys, KeyKind::Bigram, |f| &f.bigrams, &is_common),
        (
            rule.verbatim_keys,
            KeyKind::Fingerprint,
            |f| &f.fingerprints,
            &never,
        ),
        (
            rule.sentence_keys,
            KeyKind::SentenceKey,
            |f| &f.sentence_keys,
            &never,
        ),
    ];
    for (tier, kind, keys_of, is_common) in tiers {
        let Some(rare) = tier else { continue };
        let keys: Vec<&[u64]> = queries.iter().map(|q| keys_of(q.features)).collect();
        wanted.extend(rare_key_partners(
            store, kind, &keys, rare, excluded, is_common,
        )?);
    }
    let mut out: Vec<P::Doc> = wanted
        .into_iter()
        .filter(|d| !excluded.contains(d))
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// Stored documents sharing at least [`RareKeys::min_count`] keys of `kind`
/// with one of the queries (whose keys are `keys`), counting only keys rare
/// in the union: the queries' own holders count towards a key's bucket.
fn rare_key_partners<P: Postings>(
    store: &P,
    kind: KeyKind,
    keys: &[&[u64]],
    rare: RareKeys,
    excluded: &AHashSet<P::Doc>,
    is_common: &dyn Fn(u64) -> bool,
) -> Result<Vec<P::Doc>, P::Error> {
    let mut in_queries: AHashMap<u64, usize> = AHashMap::new();
    for ks in keys {
        for &k in ks.iter() {
            *in_queries.entry(k).or_default() += 1;
        }
    }
    // Members of the rare keys only (`None` = too common).
    let mut rare_members: AHashMap<u64, Option<Vec<P::Doc>>> = AHashMap::new();
    for (&key, &held) in &in_queries {
        // One more than the cap (plus the excluded) tells whether the
        // bucket is too large.
        let limit = rare.max_bucket + 1 + excluded.len();
        let mut docs = store.members(kind, key, limit)?;
        docs.retain(|d| !excluded.contains(d));
        let is_rare = rare.is_rare(docs.len() + held) && !is_common(key);
        rare_members.insert(key, is_rare.then_some(docs));
    }
    let mut out = Vec::new();
    for ks in keys {
        let mut shared: AHashMap<P::Doc, usize> = AHashMap::new();
        for k in ks.iter() {
            if let Some(Some(docs)) = rare_members.get(k) {
                for &d in docs {
                    *shared.entry(d).or_default() += 1;
                }
            }
        }
        out.extend(
            shared
                .into_iter()
                .filter(|&(_, n)| rare.is_candidate(n))
                .map(|(d, _)| d),
        );
    }
    Ok(out)
}

/// [`Postings`] of documents held in memory, by their index in the list
/// the features came from.
#[derive(Debug, Default)]
pub struct MemoryPostings {
    keys: AHashMap<(KeyKind, u64), Vec<u32>>,
}

impl MemoryPostings {
    /// The postings of `features` (document `i` is `features[i]`).
    pub fn new(features: &[Features], lsh: LshParams) -> Self {
        let mut keys: AHashMap<(KeyKind, u64), Vec<u32>> = AHashMap::new();
        for (i, f) in features.iter().enumerate() {
            let d = i as u32;
            if f.tokens > 0 {
                keys.entry((KeyKind::Content, f.content_hash))
                    .or_default()
                    .push(d);
            }
            if has_bands(&f.signature, lsh) {
                for k in band_keys(&f.signature, lsh) {
                    keys.entry((KeyKind::Band, k)).or_default().push(d);
                }
            }
            for &k in &f.bigrams {
                keys.entry((KeyKind::Bigram, k)).or_default().push(d);
            }
            for &k in &f.fingerprints {
                keys.entry((KeyKind::Fingerprint, k)).or_default().push(d);
            }
            for &k in &f.sentence_keys {
                keys.entry((KeyKind::SentenceKey, k)).or_default().push(d);
            }
        }
        MemoryPostings { keys }
    }
}

impl Postings for MemoryPostings {
    type Doc = u32;
    type Error = std::convert::Infallible;
    fn members(&self, kind: KeyKind, key: u64, limit: usize) -> Result<Vec<u32>, Self::Error> {
        Ok(self
            .keys
            .get(&(kind, key))
            .map(|v| v[..v.len().min(limit)].to_vec())
            .unwrap_or_default())
    }
}
