//! `dedup check`: new documents against a collection (a persistent
//! [`Index`] or documents loaded from disk) and against each other. The
//! collection is cut down to the documents a scan could pair with a new
//! one, then the ordinary scan runs on the union with
//! [`Scope::Focus`] on the new documents: the same stages, so the same
//! findings as `dedup scan` over the whole union.

use crate::candidates::facts::{boilerplate, common_bigrams};
use crate::candidates::{stored_candidates, MemoryFacts, MemoryPostings, QueryKeys};
use crate::error::Result;
use crate::features::{Extractor, Features};
use crate::index::Index;
use crate::input::{Document, InputError};
use crate::model::{Report, Verdict};
use crate::params::Params;
use crate::pipeline::{scan_with_progress, Collection, Scope};
use ahash::AHashSet;
use rayon::prelude::*;

/// The outcome of a check: the report and the documents it is about.
#[derive(Debug)]
pub struct CheckRun {
    /// Findings involving at least one new document.
    pub report: Report,
    /// The compared documents (new ones and the collection documents that
    /// were candidates), sorted by id.
    pub documents: Vec<Document>,
    /// `is_new[i]`: whether `documents[i]` is one of the checked documents.
    pub is_new: Vec<bool>,
}

/// Checks `new` against `collection` (documents already loaded): the
/// collection is cut down by the same candidate rule as an index's
/// ([`stored_candidates`] over [`MemoryPostings`]), and its facts are
/// decided by the same rules ([`common_bigrams`] and [`boilerplate`] over
/// [`MemoryFacts`]). A collection document with the id of a new one is its
/// old version and is left out.
pub fn check_documents(
    new: Vec<Document>,
    collection: Vec<Document>,
    errors: Vec<InputError>,
    params: &Params,
) -> CheckRun {
    let new_ids: AHashSet<&str> = new.iter().map(|d| d.id.as_str()).collect();
    let collection: Vec<Document> = collection
        .into_iter()
        .filter(|d| !new_ids.contains(d.id.as_str()))
        .collect();
    let extractor = Extractor::new(&params.features);
    let features_of = |docs: &[Document]| -> Vec<Features> {
        docs.par_iter().map(|d| extractor.features(d)).collect()
    };
    let (new_features, stored_features) = (features_of(&new), features_of(&collection));
    let store = MemoryPostings::new(&stored_features, params.features.lsh);
    let memory = MemoryFacts::new(&collection, &stored_features, &store);
    // The collection holds no old versions of the new documents (left out
    // above): nothing to exclude.
    let excluded = AHashSet::new();
    let Ok(common) = common_bigrams(&memory, &new_features, &excluded, params);
    let queries: Vec<QueryKeys> = new_features.iter().map(QueryKeys::of).collect();
    let Ok(keep) = stored_candidates(
        &store,
        &queries,
        &params.candidate_rule(),
        &excluded,
        &common,
    );
    let compared: Vec<&Features> = keep.iter().map(|&i| &stored_features[i as usize]).collect();
    let Ok(found) = boilerplate(&memory, (&new, &new_features), &compared, &excluded, params);
    drop(stored_features);
    let facts = Collection {
        boilerplate: found,
        common,
    };
    let mut collection: Vec<Option<Document>> = collection.into_iter().map(Some).collect();
    let candidates = keep
        .into_iter()
        .filter_map(|i| collection[i as usize].take())
        .collect();
    check_union(new, candidates, errors, params, &facts)
}

/// Checks `new` against the documents of `index` (looked up by their
/// candidate keys, then loaded with their stored text). Fails when `params`
/// do not match the index.
pub fn check_index(
    index: &Index,
    new: Vec<Document>,
    errors: Vec<InputError>,
    params: &Params,
) -> Result<CheckRun> {
    index.check_params(params)?;
    let extractor = Extractor::new(&params.features);
    let features: Vec<Features> = new.par_iter().map(|d| extractor.features(d)).collect();
    let common = index.common_bigrams(&new, &features, params)?;
    let candidates = index.candidates(&new, &features, params, &common)?;
    let compared: Vec<Features> = candidates
        .par_iter()
        .map(|d| extractor.features(d))
        .collect();
    let facts = Collection {
        boilerplate: index.boilerplate(&new, &features, &compared, params)?,
        common,
    };
    Ok(check_union(new, candidates, errors, params, &facts))
}

/// The scan of `new` and the collection's candidates, reporting only pairs
/// with a new document.
fn check_union(
    new: Vec<Document>,
    candidates: Vec<Document>,
    errors: Vec<InputError>,
    params: &Params,
    facts: &Collection,
) -> CheckRun {
    let mut union: Vec<(Document, bool)> = new.into_iter().map(|d| (d, true)).collect();
    union.extend(candidates.into_iter().map(|d| (d, false)));
    // Sorted by id like a scan's input, so pair order and `a`/`b` agree.
    union.sort_by(|x, y| x.0.id.cmp(&y.0.id));
    let (documents, is_new): (Vec<Document>, Vec<bool>) = union.into_iter().unzip();
    let report = scan_with_progress(
        &documents,
        errors,
        params,
        Scope::Focus(&is_new),
        Some(facts),
        &|_, _, _| {},
    );
    CheckRun {
        report,
        documents,
        is_new,
    }
}

/// Whether a finding of `verdict` fails a check run with `--fail-on
/// fail_on`: severity is exact > near-duplicate > paraphrase >
/// partial-reuse, the order of [`Verdict`]'s variants.
pub fn fails(verdict: Verdict, fail_on: Verdict) -> bool {
    verdict <= fail_on
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_paraphrase_ignores_partial_reuse_only() {
        let on = Verdict::Paraphrase;
        assert!(fails(Verdict::Exact, on));
        assert!(fails(Verdict::NearDuplicate, on));
        assert!(fails(Verdict::Paraphrase, on));
        assert!(!fails(Verdict::PartialReuse, on));
        assert!(fails(Verdict::PartialReuse, Verdict::PartialReuse));
        assert!(!fails(Verdict::NearDuplicate, Verdict::Exact));
    }
}
