//! The scan pipeline: documents in, report out. Each stage is its own
//! module; this one only wires them together and runs the per-document and
//! per-pair work in parallel (rayon). Every pair decision depends on the two
//! documents and the parameters alone, never on the rest of the corpus, so
//! checking against a persistent index gives the same findings as a scan of
//! the union.

use crate::align::{align, best_window, UnitPassage, WindowMatch};
use crate::boilerplate::Boilerplate;
use crate::candidates::{candidate_pairs, CandidatePair};
use crate::cluster::groups;
use crate::input::{Document, InputError};
use crate::language::{language_of, DocumentLanguage};
use crate::normalize::{normalize, NormalizedText};
use crate::params::Params;
use crate::provenance::{attribute, PairShape};
use crate::report::{
    round4, Cluster, DocumentInfo, Finding, MatchKind, Passage, Report, Stats, Verdict,
    SCHEMA_VERSION,
};
use crate::shingle::{
    content_hash, shingle_hash, sorted_intersection_len, span_shingles, word_shingles, Shingles,
};
use crate::sketch::{MinHasher, Signature};
use crate::units::{SentenceBigrams, Unit, UnitExtractor, UnitParams};
use crate::verify::{set_similarity, SetSimilarity};
use ahash::AHashMap;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;

/// Everything the pipeline derives from one document.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Number of word tokens.
    pub tokens: usize,
    /// Hash of the normalized text (exact duplicates).
    pub content_hash: u64,
    /// Word-shingle set (near-duplicate tier, verification).
    pub shingles: Shingles,
    /// MinHash of the shingle set.
    pub signature: Signature,
    /// Content units (rewrite tier, alignment), built on first use: only
    /// documents that are part of a candidate pair ever need them.
    pub units: OnceLock<Vec<Unit>>,
    /// Hash of the word trigram starting at each token, built with the
    /// units: the verbatim test of a passage reads it instead of normalizing
    /// the passage text again.
    pub token_trigrams: OnceLock<Vec<u64>>,
    /// Sorted, unique bigrams of consecutive content terms, boilerplate
    /// sentences left out: the rewrite tier's candidate keys and its
    /// whole-document similarity.
    pub bigrams: Vec<u64>,
    /// The document's language (detected, or forced by the parameters).
    pub language: DocumentLanguage,
    /// The hash of each sentence, in text order (boilerplate counts).
    pub sentence_hashes: Vec<u64>,
    /// Indices of the sentences found to be boilerplate (sorted).
    pub boilerplate: Vec<u32>,
}

/// Reusable per-run state for feature extraction.
pub struct Extractor {
    params: Params,
    doc_hasher: MinHasher,
}

impl Extractor {
    /// An extractor for `params`.
    pub fn new(params: &Params) -> Self {
        Extractor {
            params: params.clone(),
            doc_hasher: MinHasher::new(params.num_perm, params.seed),
        }
    }

    /// All features of one document, on its own: no sentence is
    /// boilerplate (what the index stores; a scan decides boilerplate over
    /// the collection, see [`Extractor::features_pending`]).
    pub fn features(&self, doc: &Document) -> Features {
        let (mut f, pending) = self.features_pending(doc);
        f.finish(pending, &Boilerplate::default());
        f
    }

    /// The features of one document before the collection is known: the
    /// content bigrams stay by sentence until [`Features::finish`].
    pub fn features_pending(&self, doc: &Document) -> (Features, SentenceBigrams) {
        let norm = normalize(&doc.text);
        self.features_of(&doc.text, &norm)
    }

    /// [`Extractor::features_pending`] from an already normalized text.
    pub fn features_of(&self, text: &str, norm: &NormalizedText) -> (Features, SentenceBigrams) {
        let shingles = word_shingles(norm, self.params.shingle_size);
        let signature = if shingles.is_empty() {
            Signature::default()
        } else {
            self.doc_hasher.sketch(&shingles)
        };
        let language = language_of(text, self.params.language.as_deref());
        let pending = if self.params.rewrite_tier {
            UnitExtractor::for_language(UnitParams::default(), &language.code)
                .sentence_bigrams(text, norm)
        } else {
            SentenceBigrams::default()
        };
        let units = OnceLock::new();
        if !self.params.rewrite_tier {
            let _ = units.set(Vec::new());
        }
        let features = Features {
            tokens: norm.len(),
            content_hash: content_hash(norm),
            shingles,
            signature,
            units,
            token_trigrams: OnceLock::new(),
            bigrams: Vec::new(),
            language,
            sentence_hashes: pending.sentence_hashes().collect(),
            boilerplate: Vec::new(),
        };
        (features, pending)
    }
}

impl Features {
    /// Sets the content bigrams from the sentences of `pending` that are
    /// not `boilerplate`, and records which ones were.
    pub fn finish(&mut self, pending: SentenceBigrams, boilerplate: &Boilerplate) {
        let (bigrams, dropped) = if boilerplate.is_empty() {
            pending.finish(|_| false)
        } else {
            pending.finish(|h| boilerplate.contains(h))
        };
        self.bigrams = bigrams;
        self.boilerplate = dropped;
    }

    /// The document's content units, built once on first use (boilerplate
    /// sentences without content terms).
    pub fn units(&self, doc: &Document) -> &[Unit] {
        self.units.get_or_init(|| {
            let norm = normalize(&doc.text);
            let trigrams = (0..norm.len().saturating_sub(2))
                .map(|i| shingle_hash(norm.span(i, i + 3)))
                .collect();
            let _ = self.token_trigrams.set(trigrams);
            UnitExtractor::for_language(UnitParams::default(), &self.language.code).units_without(
                &doc.text,
                &norm,
                &self.boilerplate,
            )
        })
    }

    /// The sorted, unique word-trigram hashes of the tokens `from..to`
    /// (the same set as normalizing that span's text and shingling it by 3).
    fn span_trigrams(&self, doc: &Document, from: usize, to: usize) -> Vec<u64> {
        match self.token_trigrams.get() {
            Some(all) if to >= from + 3 && to - 2 <= all.len() => {
                let mut v = all[from..to - 2].to_vec();
                v.sort_unstable();
                v.dedup();
                v
            }
            // Spans under three tokens (one shingle of all their words), or
            // units built without trigrams.
            _ => span_shingles(&normalize(&doc.text), from, to, 3).0,
        }
    }
}

/// Rewrite-tier candidates: documents sharing at least `min_shared_bigrams`
/// content bigrams, ignoring bigrams found in more than `max_bigram_bucket`
/// documents (too common to be evidence). An inverted index of rare seeds:
/// linear in the bigrams plus the pairs the rare ones make.
pub fn rewrite_candidate_pairs(
    features: &[Features],
    params: &Params,
    given: Option<&CommonBigrams>,
) -> (Vec<CandidatePair>, CommonBigrams) {
    // Entries are packed into one u64 (high bits of the bigram hash, low
    // bits the document) so the sort moves half the bytes. Dropping low hash
    // bits can only merge two rare bigrams' buckets: extra candidates that
    // verification rejects, never a missed one.
    let doc_bits = usize::BITS - features.len().max(2).leading_zeros();
    let doc_mask = (1u64 << doc_bits) - 1;
    let sources: Vec<&[u64]> = features.iter().map(|f| f.bigrams.as_slice()).collect();
    // Documents per language: a bigram is common when it is in a large
    // share of the documents of its languages.
    let languages: Vec<u16> = features
        .iter()
        .map(|f| crate::language::language_id(&f.language.code))
        .collect();
    let mut per_language: AHashMap<u16, usize> = AHashMap::new();
    for &l in &languages {
        *per_language.entry(l).or_default() += 1;
    }
    let rarity = &params.rarity;
    let common_run = |members: &[u64]| -> bool {
        if let Some(given) = given {
            return given.contains(members[0]);
        }
        if members.len() < rarity.min_documents {
            return false;
        }
        let mut seen: Vec<u16> = members
            .iter()
            .map(|&x| languages[(x & doc_mask) as usize])
            .collect();
        seen.sort_unstable();
        seen.dedup();
        let of_languages: usize = seen.iter().map(|l| per_language[l]).sum();
        members.len() as f64 > rarity.max_share * of_languages as f64
    };
    let (parts, common) = rare_buckets(&sources, doc_bits, params.max_bigram_bucket, &common_run);
    let common = match given {
        Some(given) => given.clone(),
        None => CommonBigrams { keys: common },
    };
    let later = later_members_by_document(features.len(), &parts);
    // Per document `a`, count the buckets it shares with each later document
    // `b` in a dense counter (reset through the list of entries touched).
    // Each occurrence of `a` in a bucket meets each occurrence of `b` after
    // it, as each pair of bucket entries did when pairs were listed.
    let need = params.min_shared_bigrams.max(1) as u32;
    let n = features.len();
    let members = &later.members;
    // Long runs of documents per task: each task zeroes its own counter.
    let mut out: Vec<CandidatePair> = (0..n)
        .into_par_iter()
        .with_min_len(512)
        .map_init(
            || (vec![0u32; n], Vec::new()),
            |(count, touched), a| {
                let mut found = Vec::new();
                for &(from, to) in &later.tails[later.starts[a]..later.starts[a + 1]] {
                    for &b in &members[from as usize..to as usize] {
                        if b as usize == a {
                            continue;
                        }
                        let c = &mut count[b as usize];
                        if *c == 0 {
                            touched.push(b);
                        }
                        *c += 1;
                        if *c == need {
                            found.push(b);
                        }
                    }
                }
                for &b in touched.iter() {
                    count[b as usize] = 0;
                }
                touched.clear();
                found.sort_unstable();
                found
                    .into_iter()
                    .map(move |b| CandidatePair::new(a as u32, b))
                    .collect::<Vec<_>>()
            },
        )
        .flatten_iter()
        .collect();
    // Documents in order, each one's partners sorted: already in order (the
    // sort only checks, linear on sorted input).
    out.sort_unstable();
    (out, common)
}

/// Content bigrams too common in the collection to be evidence of reuse:
/// found in more than `max_bigram_bucket` documents, or in at least
/// [`crate::params::RarityParams::min_documents`] and more than
/// [`crate::params::RarityParams::max_share`] of the documents of their
/// languages. They make no candidates and do not count as shared.
#[derive(Debug, Clone, Default)]
pub struct CommonBigrams {
    /// Sorted bigram hashes with their lowest [`COMMON_KEY_BITS`] bits
    /// cleared (how the candidate stage packs them).
    keys: Vec<u64>,
}

/// Low bits of a bigram hash that [`CommonBigrams`] ignores: room for
/// document numbers in the packed keys of the candidate stage (32 bits, any
/// collection size). Two bigrams agreeing in the other 32 bits are
/// confused: odds 2^-32 per pair, a rare bigram then not counted.
pub const COMMON_KEY_BITS: u32 = 32;

impl CommonBigrams {
    /// From bigram hashes (any order, any low bits).
    pub fn from_bigrams(bigrams: impl IntoIterator<Item = u64>) -> Self {
        let mut keys: Vec<u64> = bigrams.into_iter().map(common_key).collect();
        keys.sort_unstable();
        keys.dedup();
        CommonBigrams { keys }
    }

    /// Whether a bigram (or a packed key of one) is common.
    #[inline]
    pub fn contains(&self, bigram: u64) -> bool {
        self.keys.binary_search(&common_key(bigram)).is_ok()
    }

    /// Number of common bigrams.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when none is.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[inline]
fn common_key(bigram: u64) -> u64 {
    bigram & !((1u64 << COMMON_KEY_BITS) - 1)
}

/// What a scan learns from the whole collection rather than from a pair:
/// given by an index check, whose scan sees only part of the collection.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// Boilerplate sentences.
    pub boilerplate: Boilerplate,
    /// Common content bigrams.
    pub common: CommonBigrams,
}

/// Rare buckets of sorted packed keys: runs of one bigram key holding 2 to
/// `max_bucket` entries, each as its documents (ascending; a document
/// repeats when two of its bigrams share the packed key).
struct Buckets {
    /// Documents of the buckets, bucket after bucket.
    members: Vec<u32>,
    /// Each bucket's range in `members`.
    spans: Vec<(u32, u32)>,
}

/// All bucket members, and for each document the bucket tails after each of
/// its occurrences: `tails[starts[d]..starts[d + 1]]`, ranges into the
/// members.
struct LaterMembers {
    members: Vec<u32>,
    starts: Vec<usize>,
    tails: Vec<(u32, u32)>,
}

/// Joins the parts' members and groups the bucket tails by the document they
/// follow: a counting sort (document ids are dense), in parallel over groups
/// of parts, each writing its own slots of every document's list. A
/// bucket's last member has no tail.
fn later_members_by_document(documents: usize, parts: &[Buckets]) -> LaterMembers {
    let mut offsets = Vec::with_capacity(parts.len() + 1);
    let mut total = 0;
    for p in parts {
        offsets.push(total);
        total += p.members.len();
    }
    offsets.push(total);
    let mut members = vec![0u32; total];
    let mut rest: &mut [u32] = &mut members;
    let mut slices = Vec::with_capacity(parts.len());
    for p in parts {
        let (head, tail) = rest.split_at_mut(p.members.len());
        slices.push(head);
        rest = tail;
    }
    slices
        .into_par_iter()
        .zip(parts)
        .for_each(|(dest, p)| dest.copy_from_slice(&p.members));
    let groups = balanced_groups(
        parts.iter().map(|p| p.members.len()),
        total.div_ceil(rayon::current_num_threads()),
    );
    let (tails, starts) = scatter(
        &BucketTails {
            parts,
            offsets: &offsets,
        },
        &groups,
        documents,
    );
    LaterMembers {
        members,
        starts,
        tails,
    }
}

/// The rare buckets of the packed keys `(x & !doc_mask) | i` of every `x`
/// of every `sources[i]` (`doc_mask` has the low `doc_bits` bits): runs of
/// equal key holding 2 to `max_bucket` entries, in key order.
///
/// A parallel counting pass scatters the keys straight from the sources
/// into 4096 blocks by their top 12 bits (keys are hashes, so the blocks are
/// about even); each block, small enough for the cache, is scattered again
/// by the next 8 bits, finished by insertion sort and the runs read off while
/// the block is still in cache. Several times faster than sorting the
/// millions of keys of the rewrite tier and scanning them afterwards.
fn rare_buckets(
    sources: &[&[u64]],
    doc_bits: u32,
    max_bucket: usize,
    common_run: &(dyn Fn(&[u64]) -> bool + Sync),
) -> (Vec<Buckets>, Vec<u64>) {
    const BITS: u32 = 12;
    const BLOCKS: usize = 1 << BITS;
    const SUB_BITS: u32 = 8;
    let doc_mask = (1u64 << doc_bits) - 1;
    let sub = |x: u64| ((x >> (64 - BITS - SUB_BITS)) & ((1 << SUB_BITS) - 1)) as usize;
    let total: usize = sources.iter().map(|s| s.len()).sum();
    let groups = balanced_groups(
        sources.iter().map(|s| s.len()),
        total.div_ceil(rayon::current_num_threads() * 4),
    );
    let (keys, bounds) = scatter(
        &PackedKeys {
            sources,
            doc_mask,
            bits: BITS,
        },
        &groups,
        BLOCKS,
    );
    let blocks: Vec<&[u64]> = bounds.windows(2).map(|w| &keys[w[0]..w[1]]).collect();
    let found: Vec<(Buckets, Vec<u64>)> = blocks
        .par_chunks(16)
        .map_init(Vec::new, |sorted: &mut Vec<u64>, chunk| {
            let mut part = Buckets {
                members: Vec::new(),
                spans: Vec::new(),
            };
            let mut common = Vec::new();
            for keys in chunk {
                let mut next = [0u32; 1 << SUB_BITS];
                for &x in keys.iter() {
                    next[sub(x)] += 1;
                }
                let mut at = 0;
                for n in next.iter_mut() {
                    (*n, at) = (at, at + *n);
                }
                sorted.clear();
                sorted.resize(keys.len(), 0);
                for &x in keys.iter() {
                    let s = sub(x);
                    sorted[next[s] as usize] = x;
                    next[s] += 1;
                }
                // Sorted by the top 20 bits, the groups a handful of keys
                // each: one insertion sort pass finishes the block.
                for i in 1..sorted.len() {
                    let x = sorted[i];
                    let mut j = i;
                    while j > 0 && sorted[j - 1] > x {
                        sorted[j] = sorted[j - 1];
                        j -= 1;
                    }
                    sorted[j] = x;
                }
                let mut from = 0;
                while from < sorted.len() {
                    let bigram = sorted[from] & !doc_mask;
                    let mut to = from + 1;
                    while to < sorted.len() && sorted[to] & !doc_mask == bigram {
                        to += 1;
                    }
                    let run = &sorted[from..to];
                    if run.len() > max_bucket || (run.len() >= 2 && common_run(run)) {
                        common.push(bigram);
                    } else if run.len() >= 2 {
                        let first = part.members.len() as u32;
                        part.members
                            .extend(run.iter().map(|&x| (x & doc_mask) as u32));
                        part.spans.push((first, part.members.len() as u32));
                    }
                    from = to;
                }
            }
            (part, common)
        })
        .collect();
    let mut parts = Vec::with_capacity(found.len());
    let mut common = Vec::new();
    for (p, c) in found {
        parts.push(p);
        common.extend(c.into_iter().map(common_key));
    }
    // Blocks are in key order, and so their runs: sorted already.
    common.dedup();
    (parts, common)
}

/// Consecutive ranges of `0..weights.len()`, each holding at least
/// `per_group` of the weight (the last one what is left), so that parallel
/// tasks get about equal work.
fn balanced_groups(
    weights: impl Iterator<Item = usize>,
    per_group: usize,
) -> Vec<std::ops::Range<usize>> {
    let per_group = per_group.max(1);
    let mut groups = Vec::new();
    let (mut first, mut held, mut n) = (0, 0, 0);
    for (i, w) in weights.enumerate() {
        held += w;
        n = i + 1;
        if held >= per_group {
            groups.push(first..n);
            (first, held) = (n, 0);
        }
    }
    if first < n {
        groups.push(first..n);
    }
    groups
}

/// Items that [`scatter`] places into buckets, group by group.
trait Scatter: Sync {
    /// What is placed.
    type Item: Copy + Send;
    /// Calls `f(bucket, item)` for every item of `group`, in the same order
    /// on every call.
    fn each(&self, group: &std::ops::Range<usize>, f: impl FnMut(usize, Self::Item));
}

/// A stable parallel counting sort: every group's items, bucket after
/// bucket (within a bucket the groups in order, each group's items in
/// order), and where each bucket starts (`buckets + 1` bounds). One parallel
/// pass counts per group, a second writes every item straight to its place.
fn scatter<S: Scatter>(
    source: &S,
    groups: &[std::ops::Range<usize>],
    buckets: usize,
) -> (Vec<S::Item>, Vec<usize>) {
    let histograms: Vec<Vec<usize>> = groups
        .par_iter()
        .map(|g| {
            let mut h = vec![0usize; buckets];
            source.each(g, |b, _| h[b] += 1);
            h
        })
        .collect();
    // Where each group starts writing in each bucket.
    let mut next = vec![vec![0usize; buckets]; groups.len()];
    let mut bounds = Vec::with_capacity(buckets + 1);
    let mut at = 0;
    for b in 0..buckets {
        bounds.push(at);
        for (g, h) in histograms.iter().enumerate() {
            next[g][b] = at;
            at += h[b];
        }
    }
    bounds.push(at);
    let mut items: Vec<S::Item> = Vec::with_capacity(at);
    let dest = SharedSlice(items.as_mut_ptr());
    groups
        .par_iter()
        .zip(next.par_iter_mut())
        .for_each(|(g, next)| {
            let dest = &dest;
            source.each(g, |b, item| {
                // SAFETY: every group owns the disjoint index ranges
                // `next[g][b]..next[g][b] + histograms[g][b]` of `items`,
                // whose capacity is the sum of all histograms; `each` gives
                // the same items on both passes.
                unsafe { dest.0.add(next[b]).write(item) };
                next[b] += 1;
            });
        });
    // SAFETY: the scatter above wrote every index below `at` once.
    unsafe { items.set_len(at) };
    (items, bounds)
}

/// The packed keys `(x & !doc_mask) | i` of every `x` of every
/// `sources[i]`, bucketed by their top `bits` bits.
struct PackedKeys<'a> {
    sources: &'a [&'a [u64]],
    doc_mask: u64,
    bits: u32,
}

impl Scatter for PackedKeys<'_> {
    type Item = u64;
    #[inline]
    fn each(&self, group: &std::ops::Range<usize>, mut f: impl FnMut(usize, u64)) {
        for i in group.clone() {
            for &x in self.sources[i] {
                let key = (x & !self.doc_mask) | i as u64;
                f((key >> (64 - self.bits)) as usize, key);
            }
        }
    }
}

/// For each member of a rare bucket but its last, the range of the members
/// after it, bucketed by that member's document (ranges into the joined
/// members: part `i` starts at `offsets[i]`).
struct BucketTails<'a> {
    parts: &'a [Buckets],
    offsets: &'a [usize],
}

impl Scatter for BucketTails<'_> {
    type Item = (u32, u32);
    #[inline]
    fn each(&self, group: &std::ops::Range<usize>, mut f: impl FnMut(usize, (u32, u32))) {
        for i in group.clone() {
            let offset = self.offsets[i] as u32;
            let p = &self.parts[i];
            for &(from, to) in &p.spans {
                for at in from..to - 1 {
                    f(
                        p.members[at as usize] as usize,
                        (offset + at + 1, offset + to),
                    );
                }
            }
        }
    }
}

/// A raw pointer that threads may share because each writes only its own
/// disjoint indices.
struct SharedSlice<T>(*mut T);
// SAFETY: used only for disjoint writes of plain integers, see `scatter`.
unsafe impl<T: Send> Sync for SharedSlice<T> {}

/// The evaluation of one candidate pair, before it is decided.
#[derive(Debug, Clone)]
pub struct PairEvaluation {
    /// Identical normalized text.
    pub exact: bool,
    /// Exact shingle-set similarity.
    pub sets: SetSimilarity,
    /// Aligned passages in unit indices.
    pub passages: Vec<UnitPassage>,
    /// Share of a's tokens in passages.
    pub coverage_a: f64,
    /// Share of b's tokens in passages.
    pub coverage_b: f64,
    /// Unit pairs backing the passages.
    pub aligned_units: usize,
    /// Mean passage similarity, weighted by tokens.
    pub mean_similarity: f64,
    /// Content bigrams the two documents share.
    pub shared_bigrams: usize,
    /// Share of the smaller document's content bigrams found in the other.
    pub bigram_containment: f64,
    /// The best-matching window pair, if any window shares bigrams.
    pub window: Option<WindowMatch>,
}

/// Share of a document's tokens inside the given unit ranges.
fn coverage(units: &[Unit], ranges: impl Iterator<Item = (u32, u32)>, tokens: usize) -> f64 {
    if tokens == 0 {
        return 0.0;
    }
    let mut covered = vec![false; units.len()];
    for (from, to) in ranges {
        for c in &mut covered[from as usize..=to as usize] {
            *c = true;
        }
    }
    let n: usize = units
        .iter()
        .zip(&covered)
        .filter(|(_, &c)| c)
        .map(|(u, _)| u.tokens())
        .sum();
    n as f64 / tokens as f64
}

/// Verifies and aligns one pair (no decision yet).
pub fn evaluate(
    (fa, ua): (&Features, &[Unit]),
    (fb, ub): (&Features, &[Unit]),
    params: &Params,
    common: &CommonBigrams,
) -> PairEvaluation {
    let exact = fa.tokens > 0 && fa.content_hash == fb.content_hash;
    let sets = set_similarity(&fa.shingles, &fb.shingles);
    let mut shared: Vec<u64> = intersection(&fa.bigrams, &fb.bigrams);
    // Bigrams common in the collection are no evidence: only rare ones count
    // as shared (the documents' own counts stay whole, so that a pair's
    // containment needs no lookup beyond the bigrams it shares).
    if !common.is_empty() {
        shared.retain(|&x| !common.contains(x));
    }
    let shared_bigrams = shared.len();
    let smaller = fa.bigrams.len().min(fb.bigrams.len());
    let bigram_containment = if smaller == 0 {
        0.0
    } else {
        shared_bigrams as f64 / smaller as f64
    };
    let whole_document = exact
        || sets.jaccard >= params.threshold
        || (shared_bigrams >= params.min_shared_bigrams
            && bigram_containment >= params.min_bigram_containment);
    // The window search is the costly part of a pair; it is only needed
    // when the whole-document rules have not already decided.
    let window =
        if !whole_document && params.rewrite_tier && shared_bigrams >= params.min_shared_bigrams {
            best_window(ua, ub, &shared, &params.align)
        } else {
            None
        };
    // Passages are only worth aligning for a pair that can be a finding.
    let can_be_finding = whole_document || window.is_some_and(|w| window_qualifies(&w, params));
    let mut passages = if can_be_finding {
        align(ua, ub, &params.align)
    } else {
        Vec::new()
    };
    // A whole-document finding whose sentences were all rewritten past the
    // seed threshold still shows where the two texts agree most: its best
    // window pair, so no finding comes without a passage to read.
    let needs_window = passages.is_empty() && whole_document && !exact && params.rewrite_tier;
    let window = match window {
        None if needs_window => best_window(ua, ub, &shared, &params.align),
        w => w,
    };
    let shown_window = window.filter(|w| needs_window || window_qualifies(w, params));
    // A window match that no sentence-level passage covers is a passage of
    // its own (a paraphrased paragraph whose sentences were merged or split).
    if let Some(w) = shown_window {
        let overlaps = passages
            .iter()
            .any(|p| p.a_units.0 <= w.a_units.1 && w.a_units.0 <= p.a_units.1);
        if !overlaps {
            passages.push(UnitPassage {
                a_units: w.a_units,
                b_units: w.b_units,
                seeds: Vec::new(),
                similarity: w.term_containment,
            });
            passages.sort_by_key(|q| (q.a_units, q.b_units));
        }
    }
    let coverage_a = coverage(ua, passages.iter().map(|p| p.a_units), fa.tokens);
    let coverage_b = coverage(ub, passages.iter().map(|p| p.b_units), fb.tokens);
    let aligned_units = passages.iter().map(|p| p.seeds.len().max(1)).sum();
    let weight: f64 = passages.iter().map(|p| p.seeds.len().max(1) as f64).sum();
    let mean_similarity = if weight > 0.0 {
        passages
            .iter()
            .map(|p| p.similarity * p.seeds.len().max(1) as f64)
            .sum::<f64>()
            / weight
    } else {
        0.0
    };
    PairEvaluation {
        exact,
        sets,
        passages,
        coverage_a,
        coverage_b,
        aligned_units,
        mean_similarity,
        shared_bigrams,
        bigram_containment,
        window,
    }
}

/// Elements common to two sorted, duplicate-free slices.
fn intersection(a: &[u64], b: &[u64]) -> Vec<u64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Whether a window match is strong enough to be reuse on its own.
fn window_qualifies(w: &WindowMatch, params: &Params) -> bool {
    w.term_containment >= params.min_window_containment
        && w.bigram_containment >= params.min_window_bigram_containment
}

/// The verdict and score of an evaluated pair, or `None` for no finding.
pub fn decide(e: &PairEvaluation, params: &Params) -> Option<(Verdict, f64)> {
    if e.exact {
        return Some((Verdict::Exact, 1.0));
    }
    if e.sets.jaccard >= params.threshold {
        return Some((Verdict::NearDuplicate, e.sets.jaccard));
    }
    if !params.rewrite_tier || e.shared_bigrams < params.min_shared_bigrams {
        return None;
    }
    let whole = e.bigram_containment >= params.min_bigram_containment;
    let local = e.window.is_some_and(|w| window_qualifies(&w, params));
    if !(whole || local) {
        return None;
    }
    let cov_max = e.coverage_a.max(e.coverage_b);
    let cov_min = e.coverage_a.min(e.coverage_b);
    let score = 0.5 * cov_max + 0.5 * e.mean_similarity;
    let verbatim = e.sets.containment_a_in_b.max(e.sets.containment_b_in_a) >= 0.5;
    // Both texts mostly aligned and mostly the same wording: an edited copy
    // (too many words changed for the Jaccard threshold, still the same
    // text). Reworded throughout: a paraphrase. A verbatim block covering
    // only one side is partial reuse.
    if verbatim && cov_min >= 0.5 {
        Some((Verdict::NearDuplicate, score))
    } else if cov_max >= 0.5 && !verbatim {
        Some((Verdict::Paraphrase, score))
    } else {
        Some((Verdict::PartialReuse, score))
    }
}

/// Turns unit passages into report passages with byte ranges and texts.
fn report_passages(
    (a, fa, ua): (&Document, &Features, &[Unit]),
    (b, fb, ub): (&Document, &Features, &[Unit]),
    passages: &[UnitPassage],
) -> Vec<Passage> {
    passages
        .iter()
        .map(|p| {
            let ra = [
                ua[p.a_units.0 as usize].start as usize,
                ua[p.a_units.1 as usize].end as usize,
            ];
            let rb = [
                ub[p.b_units.0 as usize].start as usize,
                ub[p.b_units.1 as usize].end as usize,
            ];
            let (ta, tb) = (&a.text[ra[0]..ra[1]], &b.text[rb[0]..rb[1]]);
            let tokens = |u: &[Unit], (first, last): (u32, u32)| {
                (
                    u[first as usize].first_token as usize,
                    u[last as usize].end_token as usize,
                )
            };
            let (a0, a1) = tokens(ua, p.a_units);
            let (b0, b1) = tokens(ub, p.b_units);
            let (ga, gb) = (fa.span_trigrams(a, a0, a1), fb.span_trigrams(b, b0, b1));
            let shared = sorted_intersection_len(&ga, &gb) as f64;
            let verbatim = shared / (ga.len().min(gb.len()).max(1) as f64) >= 0.5;
            Passage {
                a: ra,
                b: rb,
                similarity: round4(p.similarity),
                kind: if verbatim {
                    MatchKind::Verbatim
                } else {
                    MatchKind::Reworded
                },
                text_a: ta.to_string(),
                text_b: tb.to_string(),
            }
        })
        .collect()
}

/// Evaluates, decides and explains one pair; `None` when it is no finding.
pub fn finding(
    a: &Document,
    fa: &Features,
    b: &Document,
    fb: &Features,
    params: &Params,
    common: &CommonBigrams,
) -> Option<Finding> {
    let (ua, ub) = (fa.units(a), fb.units(b));
    let e = evaluate((fa, ua), (fb, ub), params, common);
    let (verdict, score) = decide(&e, params)?;
    let contained = |own: usize| {
        if own == 0 {
            0.0
        } else {
            e.shared_bigrams as f64 / own as f64
        }
    };
    let shape = PairShape {
        verdict,
        coverage_a: e.coverage_a,
        coverage_b: e.coverage_b,
        passages: e.passages.len(),
        containment_a: contained(fa.bigrams.len()),
        containment_b: contained(fb.bigrams.len()),
    };
    let prov = attribute(a, b, &shape);
    Some(Finding {
        a: a.id.clone(),
        b: b.id.clone(),
        verdict,
        score: round4(score),
        jaccard: round4(e.sets.jaccard),
        containment_a_in_b: round4(e.sets.containment_a_in_b),
        containment_b_in_a: round4(e.sets.containment_b_in_a),
        coverage_a: round4(e.coverage_a),
        coverage_b: round4(e.coverage_b),
        source: prov.source,
        confidence: prov.confidence,
        evidence: prov.evidence,
        passages: report_passages((a, fa, ua), (b, fb, ub), &e.passages),
    })
}

/// Which pairs a run reports.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Every pair of documents.
    All,
    /// Only pairs with at least one document marked `true` (new documents
    /// in `dedup check`).
    Focus(&'a [bool]),
}

/// Runs the whole pipeline over loaded documents.
pub fn scan(
    documents: &[Document],
    errors: Vec<InputError>,
    params: &Params,
    scope: Scope,
) -> Report {
    scan_with_progress(documents, errors, params, scope, None, &|_, _, _| {})
}

/// Progress callback: stage name, items done, items in the stage.
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

/// [`scan`], reporting progress (called every few hundred items, from any
/// thread). `collection` gives the boilerplate and common bigrams of a
/// larger collection these documents are part of (an index check); `None`
/// finds them in `documents`.
pub fn scan_with_progress(
    documents: &[Document],
    errors: Vec<InputError>,
    params: &Params,
    scope: Scope,
    collection: Option<&Collection>,
    progress: Progress,
) -> Report {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = |stage: &str, total: usize| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if n % 256 == 0 || n == total {
            progress(stage, n, total);
        }
    };
    let mut timings = BTreeMap::new();
    let mut counters = BTreeMap::new();
    let t = Instant::now();
    let extractor = Extractor::new(params);
    let (mut features, pending): (Vec<Features>, Vec<SentenceBigrams>) = documents
        .par_iter()
        .map(|d| {
            let f = extractor.features_pending(d);
            tick("sketching", documents.len());
            f
        })
        .unzip();
    timings.insert("sketch".to_string(), t.elapsed().as_secs_f64() * 1e3);

    // Boilerplate is a property of the collection: sentences repeated by
    // many documents that are not copies of each other.
    let t = Instant::now();
    let boilerplate = if params.rewrite_tier {
        let found = match collection {
            Some(given) => given.boilerplate.clone(),
            None => {
                let sentences: Vec<Vec<u64>> =
                    features.iter().map(|f| f.sentence_hashes.clone()).collect();
                let signatures: Vec<&Signature> = features.iter().map(|f| &f.signature).collect();
                let ids: Vec<&str> = documents.iter().map(|d| d.id.as_str()).collect();
                Boilerplate::find(&sentences, &signatures, &ids, &params.boilerplate)
            }
        };
        features
            .par_iter_mut()
            .zip(pending)
            .for_each(|(f, p)| f.finish(p, &found));
        found
    } else {
        Boilerplate::default()
    };
    counters.insert(
        "boilerplate_sentences".to_string(),
        boilerplate.len() as u64,
    );
    timings.insert("boilerplate".to_string(), t.elapsed().as_secs_f64() * 1e3);

    let t = Instant::now();
    let in_scope = |p: &CandidatePair| match scope {
        Scope::All => true,
        Scope::Focus(mask) => mask[p.a as usize] || mask[p.b as usize],
    };
    let mut pairs = exact_pairs(&features);
    let signatures: Vec<Signature> = features.iter().map(|f| f.signature.clone()).collect();
    let near = candidate_pairs(&signatures, params.lsh, params.max_bucket);
    counters.insert("candidates_near_duplicate".to_string(), near.len() as u64);
    pairs.extend(near);
    let common = if params.rewrite_tier {
        let (rewrite, common) =
            rewrite_candidate_pairs(&features, params, collection.map(|c| &c.common));
        counters.insert("candidates_rewrite".to_string(), rewrite.len() as u64);
        counters.insert("common_bigrams".to_string(), common.len() as u64);
        pairs.extend(rewrite);
        common
    } else {
        CommonBigrams::default()
    };
    pairs.retain(|p| in_scope(p));
    pairs.sort_unstable();
    pairs.dedup();
    counters.insert("candidates".to_string(), pairs.len() as u64);
    timings.insert("candidates".to_string(), t.elapsed().as_secs_f64() * 1e3);

    // Units of the documents in some candidate pair, built up front in
    // parallel (each once) so verification threads do not wait on them.
    let t = Instant::now();
    let mut involved: Vec<u32> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    involved.sort_unstable();
    involved.dedup();
    if params.rewrite_tier {
        involved.par_iter().for_each(|&i| {
            features[i as usize].units(&documents[i as usize]);
        });
    }
    counters.insert("documents_in_pairs".to_string(), involved.len() as u64);
    timings.insert("units".to_string(), t.elapsed().as_secs_f64() * 1e3);

    let t = Instant::now();
    done.store(0, std::sync::atomic::Ordering::Relaxed);
    let mut findings: Vec<Finding> = pairs
        .par_iter()
        .filter_map(|p| {
            tick("verifying", pairs.len());
            let (a, b) = (p.a as usize, p.b as usize);
            finding(
                &documents[a],
                &features[a],
                &documents[b],
                &features[b],
                params,
                &common,
            )
        })
        .collect();
    findings.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    timings.insert("verify_align".to_string(), t.elapsed().as_secs_f64() * 1e3);

    let clusters = clusters(documents, &features, &findings);
    let mut report = Report {
        version: SCHEMA_VERSION,
        tool: format!("dedup {}", env!("CARGO_PKG_VERSION")),
        params: serde_json::to_value(params).unwrap_or_default(),
        summary: Default::default(),
        documents: documents
            .iter()
            .zip(&features)
            .map(|(d, f)| DocumentInfo {
                id: d.id.clone(),
                path: d.path.clone(),
                bytes: d.bytes,
                tokens: f.tokens,
                encoding: d.encoding,
                format: d.format,
                meta: d.meta.clone(),
                warnings: d.warnings.clone(),
                language: params.rewrite_tier.then(|| f.language.clone()),
                boilerplate_sentences: f.boilerplate.len(),
            })
            .collect(),
        pairs: findings,
        clusters,
        errors,
        stats: Stats {
            threads: rayon::current_num_threads(),
            timings_ms: timings,
            counters,
        },
    };
    report.summarize();
    // Freeing the units, shingles and bigrams of every document is hundreds
    // of thousands of small vectors: freed in parallel, each thread mostly
    // into its own allocator arena, it takes a third of the time.
    features.into_par_iter().with_min_len(64).for_each(drop);
    report
}

/// Pairs of documents with identical normalized text, found by hash.
fn exact_pairs(features: &[Features]) -> Vec<CandidatePair> {
    let mut by_hash: AHashMap<u64, Vec<u32>> = AHashMap::new();
    for (i, f) in features.iter().enumerate() {
        if f.tokens > 0 {
            by_hash.entry(f.content_hash).or_default().push(i as u32);
        }
    }
    let mut out = Vec::new();
    for group in by_hash.values() {
        // A star around the first member keeps large groups linear.
        out.extend(group[1..].iter().map(|&d| CandidatePair::new(group[0], d)));
    }
    out
}

/// Clusters of whole-document reuse (exact, near-duplicate, paraphrase;
/// partial reuse does not make two documents duplicates). The document kept
/// is one never named as derived, then the longest, then the smallest id.
fn clusters(documents: &[Document], features: &[Features], findings: &[Finding]) -> Vec<Cluster> {
    let index: AHashMap<&str, u32> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i as u32))
        .collect();
    let whole = findings
        .iter()
        .filter(|f| f.verdict != Verdict::PartialReuse);
    let edges: Vec<(u32, u32)> = whole
        .clone()
        .map(|f| (index[f.a.as_str()], index[f.b.as_str()]))
        .collect();
    let mut derived = vec![false; documents.len()];
    for f in whole {
        if let Some(src) = &f.source {
            let other = if src == &f.a { &f.b } else { &f.a };
            derived[index[other.as_str()] as usize] = true;
        }
    }
    groups(documents.len(), edges)
        .into_iter()
        .map(|g| {
            let keep = *g
                .iter()
                .min_by_key(|&&i| {
                    (
                        derived[i as usize],
                        std::cmp::Reverse(features[i as usize].tokens),
                        i,
                    )
                })
                .expect("groups are non-empty");
            Cluster {
                keep: documents[keep as usize].id.clone(),
                drop: g
                    .iter()
                    .filter(|&&i| i != keep)
                    .map(|&i| documents[i as usize].id.clone())
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_trigrams_equal_shingling_the_span_text() {
        let text = std::fs::read_to_string("samples/001_0ae9a733e2d797e1.txt").unwrap();
        let doc = Document::from_text("d", &text);
        let params = Params::new(5, 16, 0.5).unwrap();
        let f = Extractor::new(&params).features(&doc);
        let units = f.units(&doc).to_vec();
        assert!(units.len() > 10);
        for w in units.windows(3) {
            let (from, to) = (w[0].first_token as usize, w[2].end_token as usize);
            let slice = &text[w[0].start as usize..w[2].end as usize];
            let expected = word_shingles(&normalize(slice), 3).0;
            assert_eq!(f.span_trigrams(&doc, from, to), expected, "{slice}");
        }
        // A one-token span: one shingle of that token.
        let u = &units[0];
        let first = u.first_token as usize;
        let one = &text[u.start as usize..];
        let word_end = one.find(' ').unwrap_or(one.len());
        assert_eq!(
            f.span_trigrams(&doc, first, first + 1),
            word_shingles(&normalize(&one[..word_end]), 3).0
        );
    }

    #[test]
    fn rare_buckets_equal_sorting_and_scanning() {
        let mut x = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // Keys drawn from a small set so that buckets of every size occur,
        // over sources of uneven lengths (some empty, some long); and wide
        // random keys, mostly unique.
        let pool: Vec<u64> = (0..20_000).map(|_| next()).collect();
        let narrow: Vec<u64> = (0..120_000)
            .map(|i| pool[(next() % (1 + i as u64 / 4)) as usize % pool.len()])
            .collect();
        let wide: Vec<u64> = (0..150_000)
            .map(|i| if i % 7 == 0 { pool[i % 9_000] } else { next() })
            .collect();
        for (v, max_bucket) in [(narrow, 50), (wide, 50), (vec![7, 7, 7], 3)] {
            let mut sources: Vec<&[u64]> = Vec::new();
            let mut rest = v.as_slice();
            let mut len = 0;
            while !rest.is_empty() {
                let (head, tail) = rest.split_at(len.min(rest.len()));
                sources.push(head);
                rest = tail;
                len = (len * 7 + 13) % 2_000;
            }
            let doc_bits = usize::BITS - sources.len().max(2).leading_zeros();
            let doc_mask = (1u64 << doc_bits) - 1;
            let mut keys: Vec<u64> = sources
                .iter()
                .enumerate()
                .flat_map(|(i, s)| s.iter().map(move |&x| (x & !doc_mask) | i as u64))
                .collect();
            keys.sort_unstable();
            let (mut members, mut spans) = (Vec::new(), Vec::new());
            for run in keys.chunk_by(|x, y| x & !doc_mask == y & !doc_mask) {
                if (2..=max_bucket).contains(&run.len()) {
                    let from = members.len() as u32;
                    members.extend(run.iter().map(|&x| (x & doc_mask) as u32));
                    spans.push((from, members.len() as u32));
                }
            }
            assert!(!spans.is_empty());
            let (parts, _) = rare_buckets(&sources, doc_bits, max_bucket, &|_| false);
            let (mut found_members, mut found_spans) = (Vec::new(), Vec::new());
            for p in &parts {
                let offset = found_members.len() as u32;
                found_members.extend_from_slice(&p.members);
                found_spans.extend(p.spans.iter().map(|&(f, t)| (f + offset, t + offset)));
            }
            assert_eq!(found_members, members);
            assert_eq!(found_spans, spans);
            // Every tail of every document, in bucket order per document.
            let later = later_members_by_document(sources.len(), &parts);
            assert_eq!(later.members, members);
            let mut expected = vec![Vec::new(); sources.len()];
            for &(from, to) in &spans {
                for at in from..to - 1 {
                    expected[members[at as usize] as usize].push((at + 1, to));
                }
            }
            for (d, tails) in expected.iter().enumerate() {
                assert_eq!(
                    &later.tails[later.starts[d]..later.starts[d + 1]],
                    &tails[..]
                );
            }
        }
    }
}
