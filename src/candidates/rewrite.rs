//! Rewrite-tier candidates: documents that share at least
//! [`RareKeys::min_shared`] content bigrams, counting only bigrams held by at
//! most [`RareKeys::max_bucket`] documents (common ones are no evidence of
//! reuse). The all-pairs form of the rule for a scan; `check` asks the same
//! rule of a store through [`super::Postings`].

use super::scatter::{histograms, scatter_into, Scatter};
use super::{cap_partners, CandidatePair, CommonBigrams, RareKeys};
use rayon::prelude::*;
use std::ops::Range;

/// Rewrite-tier candidates: documents sharing at least `min_shared_bigrams`
/// content bigrams, ignoring bigrams found in more than `max_bigram_bucket`
/// documents (too common to be evidence). An inverted index of rare seeds:
/// linear in the bigrams plus the pairs the rare ones make. Each
/// document's keys are ascending (bigrams and fingerprints are sorted
/// sets).
///
/// `is_common(bigram, held, holders)` also rules a bigram out (the collection's
/// share rule, see [`CommonBigrams`]); it is asked of every bigram held by
/// at least two and at most `max_bucket` documents. Returns the candidates
/// (after the per-document cap, [`cap_partners`]), the common bigrams (over
/// `max_bucket` or ruled out) and the number of candidates the cap dropped.
pub fn rewrite_candidate_pairs(
    bigrams: &[&[u64]],
    rule: RareKeys,
    is_common: &(dyn Fn(u64, usize, &mut dyn Iterator<Item = u32>) -> bool + Sync),
) -> (Vec<CandidatePair>, CommonBigrams, usize) {
    // Entries are packed into one u64 (high bits of the bigram hash, low
    // bits the document) so the sort moves half the bytes. Dropping low hash
    // bits can only merge two rare bigrams' buckets: extra candidates that
    // verification rejects, never a missed one.
    let doc_bits = doc_bits(bigrams.len());
    let (mut parts, common) = rare_buckets(bigrams, doc_bits, rule, is_common);
    let n = bigrams.len();
    let (members, offsets) = joined_members(&mut parts);
    // Per document `a`, count the buckets it shares with each later document
    // `b` in a dense counter (reset through the list of entries touched).
    // Each occurrence of `a` in a bucket meets each occurrence of `b` after
    // it, as each pair of bucket entries did when pairs were listed. The
    // later documents are copied out per document, a range of documents at
    // a time, so that a large collection holds a share of them; read in
    // place instead, every bucket was a cache miss.
    let need = rule.min_count() as u32;
    let counts = later_counts(&parts, &members, &offsets, n);
    let meetings: usize = counts.iter().sum();
    let passes = meetings.div_ceil(LATER_PER_PASS).clamp(1, MAX_PASSES);
    let ranges = balanced_groups(counts.into_iter(), meetings.div_ceil(passes));
    let mut out: Vec<(CandidatePair, u32)> = Vec::new();
    let mut docs_after = Vec::new();
    for docs in ranges {
        let starts = later_members(docs.clone(), &parts, &members, &offsets, &mut docs_after);
        let first = docs.start;
        // Long runs of documents per task: each task zeroes its own counter.
        let found: Vec<(CandidatePair, u32)> = docs
            .into_par_iter()
            .with_min_len(512)
            .map_init(
                || (vec![0u32; n], Vec::new()),
                |(count, touched), a| {
                    let mut found = Vec::new();
                    let d = a - first;
                    for &b in &docs_after[starts[d]..starts[d + 1]] {
                        let c = &mut count[b as usize];
                        if *c == 0 {
                            touched.push(b);
                        }
                        *c += 1;
                        if *c == need {
                            found.push(b);
                        }
                    }
                    let mut found: Vec<(u32, u32)> =
                        found.into_iter().map(|b| (b, count[b as usize])).collect();
                    for &b in touched.iter() {
                        count[b as usize] = 0;
                    }
                    touched.clear();
                    found.sort_unstable();
                    found
                        .into_iter()
                        .map(move |(b, shared)| (CandidatePair::new(a as u32, b), shared))
                        .collect::<Vec<_>>()
                },
            )
            .flatten_iter()
            .collect();
        out.extend(found);
    }
    // Documents in order, each one's partners sorted: already in order (the
    // sort only checks, linear on sorted input).
    out.sort_unstable();
    let (kept, dropped) = cap_partners(&out, n, rule.max_partners);
    (kept, CommonBigrams::from_bigrams(common), dropped)
}

/// Low bits of a packed key that hold the document number, for a
/// collection of `documents`.
fn doc_bits(documents: usize) -> u32 {
    usize::BITS - documents.max(2).leading_zeros()
}

/// The bucket key of a bigram (or verbatim fingerprint) hash in a
/// collection of `documents`: its low bits cleared as the scan packs them,
/// so that a distributed driver grouping by this key makes the scan's
/// buckets.
pub fn packed_key(hash: u64, documents: usize) -> u64 {
    hash & !((1u64 << doc_bits(documents)) - 1)
}

/// The rule for one bucket of a rare-key tier holding `held` entries: it
/// makes no candidates (its key is common) when it is over the rule's cap,
/// or when it holds two or more and `is_common` (the collection's share
/// rule) says so.
pub fn is_common_bucket(held: usize, rule: RareKeys, is_common: impl FnOnce() -> bool) -> bool {
    !rule.is_rare(held) || (held >= 2 && is_common())
}

/// The shared-key counts a rare bucket adds, `members` ascending (a
/// document repeats when two of its keys share the bucket): each pair of
/// different documents gets the product of their occurrences, as the
/// scan's counting of each occurrence against the later ones does. A pair
/// is a candidate when its counts over all buckets reach
/// [`RareKeys::is_candidate`].
pub fn bucket_shares(members: &[u32]) -> Vec<(CandidatePair, usize)> {
    let runs: Vec<(u32, usize)> = members
        .chunk_by(|x, y| x == y)
        .map(|r| (r[0], r.len()))
        .collect();
    let mut out = Vec::new();
    for (i, &(a, na)) in runs.iter().enumerate() {
        for &(b, nb) in &runs[i + 1..] {
            out.push((CandidatePair::new(a, b), na * nb));
        }
    }
    out
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

/// Later documents are copied out this many at most per pass of
/// [`rewrite_candidate_pairs`] (64 MB).
const LATER_PER_PASS: usize = 1 << 24;

/// The parts' members joined into one list (each part's freed as it is
/// copied), and where each part starts in it.
fn joined_members(parts: &mut [Buckets]) -> (Vec<u32>, Vec<usize>) {
    let total: usize = parts.iter().map(|p| p.members.len()).sum();
    let mut members = Vec::with_capacity(total);
    let mut offsets = Vec::with_capacity(parts.len() + 1);
    for p in parts.iter_mut() {
        offsets.push(members.len());
        members.extend_from_slice(&std::mem::take(&mut p.members));
    }
    offsets.push(members.len());
    (members, offsets)
}

/// How many members follow each document's occurrences in the buckets (an
/// upper bound of its list in [`later_members`]: repeats of itself count),
/// so that passes over ranges of documents hold about equal shares.
fn later_counts(
    parts: &[Buckets],
    members: &[u32],
    offsets: &[usize],
    documents: usize,
) -> Vec<usize> {
    let mut counts = vec![0; documents];
    for (p, &offset) in parts.iter().zip(offsets) {
        for &(from, to) in &p.spans {
            let bucket = &members[offset + from as usize..offset + to as usize];
            for (at, &doc) in bucket.iter().enumerate() {
                counts[doc as usize] += (to - from) as usize - 1 - at;
            }
        }
    }
    counts
}

/// Groups the later members of every bucket by the member of `docs` they
/// follow: a counting sort (document ids are dense), in parallel over groups
/// of parts, each writing its own slots of every document's list. A
/// document is not listed after itself. Returns `starts`: document `d`'s
/// list is `docs_after[starts[d - docs.start]..starts[d - docs.start + 1]]`.
fn later_members(
    docs: Range<usize>,
    parts: &[Buckets],
    members: &[u32],
    offsets: &[usize],
    docs_after: &mut Vec<u32>,
) -> Vec<usize> {
    let groups = balanced_groups(
        offsets.windows(2).map(|w| w[1] - w[0]),
        members.len().div_ceil(rayon::current_num_threads()),
    );
    let source = LaterDocs {
        parts,
        offsets,
        members,
        docs: docs.clone(),
    };
    scatter_into(
        &source,
        &groups,
        &histograms(&source, &groups, docs.len()),
        docs_after,
    )
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
    rule: RareKeys,
    is_common: &(dyn Fn(u64, usize, &mut dyn Iterator<Item = u32>) -> bool + Sync),
) -> (Vec<Buckets>, Vec<u64>) {
    rare_buckets_in_passes(sources, doc_bits, rule, is_common, KEYS_PER_PASS)
}

/// [`rare_buckets`], placing about `keys_per_pass` keys per pass.
fn rare_buckets_in_passes(
    sources: &[&[u64]],
    doc_bits: u32,
    rule: RareKeys,
    is_common: &(dyn Fn(u64, usize, &mut dyn Iterator<Item = u32>) -> bool + Sync),
    keys_per_pass: usize,
) -> (Vec<Buckets>, Vec<u64>) {
    const BITS: u32 = 12;
    const BLOCKS: usize = 1 << BITS;
    let doc_mask = (1u64 << doc_bits) - 1;
    let total: usize = sources.iter().map(|s| s.len()).sum();
    let groups = balanced_groups(
        sources.iter().map(|s| s.len()),
        total.div_ceil(rayon::current_num_threads() * 4),
    );
    // The keys of a large collection are placed a range of blocks at a
    // time, so that memory holds a copy of a share of them, not of all
    // (the bigrams of 200,000 documents are 450 MB). The passes' buckets
    // are the same in the same order, so the result does not change.
    let passes = total.div_ceil(keys_per_pass.max(1)).clamp(1, MAX_PASSES);
    // One counting read of the keys serves every pass: each pass then
    // reads its share of each source, found by binary search.
    let counts = histograms(
        &PackedKeys {
            sources,
            doc_mask,
            bits: BITS,
            blocks: 0..BLOCKS,
        },
        &groups,
        BLOCKS,
    );
    let mut found: Vec<(Buckets, Vec<u64>)> = Vec::new();
    let mut keys = Vec::new();
    // Passes of about equal keys: winnowed fingerprints are the minima of
    // their windows, so most of them fall in the first blocks.
    let mut ends = Vec::with_capacity(passes);
    let mut held = 0;
    for b in 0..BLOCKS - 1 {
        held += counts.iter().map(|h| h[b]).sum::<usize>();
        if ends.len() + 1 < passes && held * passes >= total * (ends.len() + 1) {
            ends.push(b + 1);
        }
    }
    ends.push(BLOCKS);
    for pass in 0..ends.len() {
        let blocks = if pass == 0 { 0 } else { ends[pass - 1] }..ends[pass];
        let share: Vec<Vec<usize>> = counts.iter().map(|h| h[blocks.clone()].to_vec()).collect();
        let bounds = scatter_into(
            &PackedKeys {
                sources,
                doc_mask,
                bits: BITS,
                blocks: blocks.clone(),
            },
            &groups,
            &share,
            &mut keys,
        );
        let slices: Vec<&[u64]> = bounds.windows(2).map(|w| &keys[w[0]..w[1]]).collect();
        let part: Vec<(Buckets, Vec<u64>)> = slices
            .par_chunks(16)
            .map_init(Default::default, |(sorted, next), chunk| {
                let mut part = Buckets {
                    members: Vec::new(),
                    spans: Vec::new(),
                };
                let mut common = Vec::new();
                for keys in chunk {
                    sort_block(keys, BITS, sorted, next);
                    let mut from = 0;
                    while from < sorted.len() {
                        let bigram = sorted[from] & !doc_mask;
                        let mut to = from + 1;
                        while to < sorted.len() && sorted[to] & !doc_mask == bigram {
                            to += 1;
                        }
                        let run = &sorted[from..to];
                        if is_common_bucket(run.len(), rule, || {
                            is_common(
                                bigram,
                                run.len(),
                                &mut run.iter().map(|&x| (x & doc_mask) as u32),
                            )
                        }) {
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
        found.extend(part);
    }
    let mut parts = Vec::with_capacity(found.len());
    let mut common = Vec::new();
    for (p, c) in found {
        parts.push(p);
        common.extend(c);
    }
    (parts, common)
}

/// `keys` (one block, whose top `block_bits` bits are all equal) sorted into
/// `sorted`, with `next` as scratch: scattered by the bits below the
/// block's, then finished by an insertion sort. The scatter's bits grow
/// with the block, so that the sort's groups hold a few keys whatever its
/// size: with fixed bits, a collection ten times larger (or a block of the
/// small hashes winnowing favours) made groups ten times larger, and the
/// sort's cost per key grew with them.
fn sort_block(keys: &[u64], block_bits: u32, sorted: &mut Vec<u64>, next: &mut Vec<u32>) {
    let bits = (keys.len() / 4).max(1).ilog2().clamp(8, 16);
    let sub = |x: u64| ((x >> (64 - block_bits - bits)) & ((1 << bits) - 1)) as usize;
    next.clear();
    next.resize(1 << bits, 0);
    for &x in keys {
        next[sub(x)] += 1;
    }
    let mut at = 0;
    for n in next.iter_mut() {
        (*n, at) = (at, at + *n);
    }
    sorted.clear();
    sorted.resize(keys.len(), 0);
    for &x in keys {
        let s = sub(x);
        sorted[next[s] as usize] = x;
        next[s] += 1;
    }
    for i in 1..sorted.len() {
        let x = sorted[i];
        let mut j = i;
        while j > 0 && sorted[j - 1] > x {
            sorted[j] = sorted[j - 1];
            j -= 1;
        }
        sorted[j] = x;
    }
}

/// Consecutive ranges of `0..weights.len()`, each holding at least
/// `per_group` of the weight (the last one what is left), so that parallel
/// tasks get about equal work.
fn balanced_groups(weights: impl Iterator<Item = usize>, per_group: usize) -> Vec<Range<usize>> {
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

/// The packed keys `(x & !doc_mask) | i` of every `x` of every
/// `sources[i]`, bucketed by their top `bits` bits.
struct PackedKeys<'a> {
    sources: &'a [&'a [u64]],
    doc_mask: u64,
    bits: u32,
    /// Only keys whose block falls in this range, bucketed from its start.
    blocks: Range<usize>,
}

impl Scatter for PackedKeys<'_> {
    type Item = u64;
    #[inline]
    fn each(&self, group: &Range<usize>, mut f: impl FnMut(usize, u64)) {
        let block = |x: u64| (x >> (64 - self.bits)) as usize;
        let all = self.blocks.start == 0 && self.blocks.end == 1 << self.bits;
        for i in group.clone() {
            let keys = self.sources[i];
            debug_assert!(keys.is_sorted(), "a source's keys ascending");
            // A source is ascending, so the keys of these blocks are one run
            // of it: a pass reads its share, not every key.
            let keys = if all {
                keys
            } else {
                let from = keys.partition_point(|&x| block(x) < self.blocks.start);
                let to = from + keys[from..].partition_point(|&x| block(x) < self.blocks.end);
                &keys[from..to]
            };
            for &x in keys {
                // The packing leaves the top bits, and so the block, as is.
                f(
                    block(x) - self.blocks.start,
                    (x & !self.doc_mask) | i as u64,
                );
            }
        }
    }
}

/// Passes at most, over the keys or over the buckets: each pass searches
/// every document's keys (or reads every bucket), so beyond this a larger
/// collection holds a larger share per pass instead (at a million
/// documents, 8 passes of 280 MB of keys).
const MAX_PASSES: usize = 8;

/// Keys placed per pass of [`rare_buckets`]: 64 MB of packed keys.
const KEYS_PER_PASS: usize = 1 << 23;

/// For each member of a rare bucket, the other documents after it in the
/// bucket, bucketed by that member's document (part `i` starts at
/// `offsets[i]` of the joined members).
struct LaterDocs<'a> {
    parts: &'a [Buckets],
    offsets: &'a [usize],
    members: &'a [u32],
    /// Only tails after members of these documents, bucketed from its start.
    docs: Range<usize>,
}

impl Scatter for LaterDocs<'_> {
    type Item = u32;
    #[inline]
    fn each(&self, group: &Range<usize>, mut f: impl FnMut(usize, u32)) {
        for i in group.clone() {
            let offset = self.offsets[i];
            for &(from, to) in &self.parts[i].spans {
                let bucket = &self.members[offset + from as usize..offset + to as usize];
                for (at, &doc) in bucket.iter().enumerate() {
                    let doc = doc as usize;
                    // Members ascend: the rest of the bucket is past the range.
                    if doc >= self.docs.end {
                        break;
                    }
                    if doc >= self.docs.start {
                        for &b in &bucket[at + 1..] {
                            if b as usize != doc {
                                f(doc - self.docs.start, b);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_buckets_equal_sorting_and_scanning() {
        let mut next = crate::test_support::xorshift(0x1234_5678_9abc_def0);
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
            // Each source ascending, as bigrams and fingerprints are.
            let mut owned: Vec<Vec<u64>> = Vec::new();
            let mut rest = v.as_slice();
            let mut len = 0;
            while !rest.is_empty() {
                let (head, tail) = rest.split_at(len.min(rest.len()));
                let mut head = head.to_vec();
                head.sort_unstable();
                owned.push(head);
                rest = tail;
                len = (len * 7 + 13) % 2_000;
            }
            let sources: Vec<&[u64]> = owned.iter().map(Vec::as_slice).collect();
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
            let (parts, _) = rare_buckets(
                &sources,
                doc_bits,
                RareKeys {
                    max_bucket,
                    min_shared: 1,
                    max_partners: 0,
                },
                &|_, _, _| false,
            );
            let (mut found_members, mut found_spans) = (Vec::new(), Vec::new());
            for p in &parts {
                let offset = found_members.len() as u32;
                found_members.extend_from_slice(&p.members);
                found_spans.extend(p.spans.iter().map(|&(f, t)| (f + offset, t + offset)));
            }
            assert_eq!(found_members, members);
            assert_eq!(found_spans, spans);
            // Every later document of every document, in bucket order per
            // document, whether grouped for all documents at once or for
            // ranges.
            let mut parts = parts;
            let (joined, offsets) = joined_members(&mut parts);
            assert_eq!(joined, members);
            let mut expected = vec![Vec::new(); sources.len()];
            for &(from, to) in &spans {
                for at in from..to {
                    let doc = members[at as usize];
                    for &b in &members[at as usize + 1..to as usize] {
                        if b != doc {
                            expected[doc as usize].push(b);
                        }
                    }
                }
            }
            let n = sources.len();
            for passes in [1, 3] {
                for pass in 0..passes {
                    let docs = pass * n / passes..(pass + 1) * n / passes;
                    let mut docs_after = Vec::new();
                    let starts =
                        later_members(docs.clone(), &parts, &joined, &offsets, &mut docs_after);
                    for d in docs.clone() {
                        let k = d - docs.start;
                        assert_eq!(&docs_after[starts[k]..starts[k + 1]], &expected[d][..]);
                    }
                }
            }
            // Placed a share at a time (as in a large collection): the same
            // buckets in the same order.
            let rule = RareKeys {
                max_bucket,
                min_shared: 1,
                max_partners: 0,
            };
            for per_pass in [5_000, 40_000] {
                let (in_passes, _) =
                    rare_buckets_in_passes(&sources, doc_bits, rule, &|_, _, _| false, per_pass);
                let joined: Vec<u32> = in_passes.iter().flat_map(|p| p.members.clone()).collect();
                assert_eq!(joined, members, "{per_pass} keys per pass");
                let spans_in_passes: usize = in_passes.iter().map(|p| p.spans.len()).sum();
                assert_eq!(spans_in_passes, spans.len());
            }
        }
    }
}
