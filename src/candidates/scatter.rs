//! A stable parallel counting sort ("scatter"): items of many groups placed
//! into dense buckets in two parallel passes, one counting and one writing
//! each item straight to its final slot. The rewrite tier uses it twice
//! (keys into hash blocks, the later members of buckets by document).

use rayon::prelude::*;
use std::ops::Range;

/// Items that [`scatter_into`] places into buckets, group by group.
///
/// A safe trait: [`scatter_into`] checks every write against the counts of
/// the first pass, so an `each` that yields different items on the two
/// passes makes it panic, never write out of bounds or leave a slot
/// unwritten.
pub(crate) trait Scatter: Sync {
    /// What is placed.
    type Item: Copy + Send;
    /// Calls `f(bucket, item)` for every item of `group` (`bucket` below the
    /// bucket count of the histograms), in the same order on every call.
    fn each(&self, group: &Range<usize>, f: impl FnMut(usize, Self::Item));
}

/// The first pass of [`scatter_into`]: per group, how many items go to
/// each of `buckets`. A caller placing a source a range of buckets at a time
/// counts once for all of them and hands each range's share to
/// [`scatter_into`].
pub(crate) fn histograms<S: Scatter>(
    source: &S,
    groups: &[Range<usize>],
    buckets: usize,
) -> Vec<Vec<usize>> {
    groups
        .par_iter()
        .map(|g| {
            let mut h = vec![0usize; buckets];
            source.each(g, |b, _| h[b] += 1);
            h
        })
        .collect()
}

/// A stable parallel counting sort with its counting pass given
/// (`histograms[g][b]` items of group `g` go to bucket `b`, see
/// [`histograms`]): every group's items into `items` (cleared first),
/// bucket after bucket (within a bucket the groups in order, each group's
/// items in order); returns where each bucket starts (`buckets + 1`
/// bounds). The write pass is parallel over groups, each item written
/// straight to its place. A mismatch between the counts and what `source`
/// yields makes it panic. A caller placing a source a share at a time
/// passes the same `items` for every share, which writes them into the
/// memory of the first instead of having fresh pages mapped for each.
pub(crate) fn scatter_into<S: Scatter>(
    source: &S,
    groups: &[Range<usize>],
    histograms: &[Vec<usize>],
    items: &mut Vec<S::Item>,
) -> Vec<usize> {
    assert_eq!(histograms.len(), groups.len(), "a histogram per group");
    let buckets = histograms.first().map_or(0, Vec::len);
    // Where each group starts writing in each bucket, and where it must stop.
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
    let ends: Vec<Vec<usize>> = next
        .iter()
        .zip(histograms)
        .map(|(n, h)| n.iter().zip(h).map(|(s, c)| s + c).collect())
        .collect();
    items.clear();
    items.reserve(at);
    let dest = Slots::new(items);
    groups
        .par_iter()
        .zip(next.par_iter_mut())
        .zip(&ends)
        .for_each(|((g, next), ends)| {
            source.each(g, |b, item| {
                let slot = next[b];
                assert!(slot < ends[b], "scatter: more items on the second pass");
                // SAFETY: `slot` lies in `next[g][b]..ends[g][b]`, the range
                // of `items` that belongs to this group and bucket alone
                // (the ranges of all groups and buckets are disjoint and end
                // at `at`, the capacity), and each slot is written once
                // since `next[b]` only grows.
                unsafe { dest.write(slot, item) };
                next[b] += 1;
            });
        });
    // Every group filled exactly its ranges: all of `0..at` is written.
    assert!(
        next == ends,
        "scatter: fewer items on the second pass than on the first"
    );
    // SAFETY: the assertion above shows every index below `at` (within the
    // capacity) was written once with an initialized `S::Item`.
    unsafe { items.set_len(at) };
    bounds
}

/// The spare capacity of a vector, written by several threads at disjoint
/// indices. Only [`scatter_into`] makes one, and only for `Copy` items.
struct Slots<T> {
    ptr: *mut T,
    capacity: usize,
}

// SAFETY: a `Slots` only hands out writes of `Copy + Send` values through
// `write`, whose caller promises that no two threads write the same index
// (see `scatter_into`): sharing it is sharing disjoint `&mut T` slots.
unsafe impl<T: Copy + Send> Sync for Slots<T> {}

impl<T: Copy> Slots<T> {
    fn new(v: &mut Vec<T>) -> Self {
        Slots {
            ptr: v.as_mut_ptr(),
            capacity: v.capacity(),
        }
    }

    /// Writes `item` at `index`.
    ///
    /// # Safety
    /// `index` is below the capacity and no other thread reads or writes it
    /// while `self` lives.
    unsafe fn write(&self, index: usize, item: T) {
        debug_assert!(index < self.capacity);
        // SAFETY: the caller guarantees `index` is within the allocation and
        // that no other thread touches it.
        unsafe { self.ptr.add(index).write(item) };
    }
}
