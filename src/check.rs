//! `dedup check`: new documents against a collection (a persistent
//! [`Index`] or documents loaded from disk) and against each other. The
//! collection is cut down to the documents a scan could pair with a new
//! one, then the ordinary scan runs on the union with
//! [`Scope::Focus`] on the new documents: the same stages, so the same
//! findings as `dedup scan` over the whole union.

use crate::error::Result;
use crate::index::Index;
use crate::input::{Document, InputError};
use crate::params::Params;
use crate::pipeline::{scan_with_progress, Collection, Extractor, Features, Scope};
use crate::report::{Report, Verdict};
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

/// Checks `new` against `collection` (documents already loaded). A
/// collection document with the id of a new one is its old version and is
/// left out.
pub fn check_documents(
    new: Vec<Document>,
    collection: Vec<Document>,
    errors: Vec<InputError>,
    params: &Params,
) -> CheckRun {
    check_documents_within(new, collection, errors, params, None)
}

/// [`check_documents`] where `collection` is only part of a larger one whose
/// common bigrams and boilerplate `facts` gives (an index check).
fn check_documents_within(
    new: Vec<Document>,
    collection: Vec<Document>,
    errors: Vec<InputError>,
    params: &Params,
    facts: Option<&Collection>,
) -> CheckRun {
    let collection_docs = collection;
    let collection = facts;
    let new_ids: AHashSet<String> = new.iter().map(|d| d.id.clone()).collect();
    let mut union: Vec<(Document, bool)> = new.into_iter().map(|d| (d, true)).collect();
    union.extend(
        collection_docs
            .into_iter()
            .filter(|d| !new_ids.contains(&d.id))
            .map(|d| (d, false)),
    );
    // Sorted by id like a scan's input, so pair order and `a`/`b` agree.
    union.sort_by(|x, y| x.0.id.cmp(&y.0.id));
    let (documents, is_new): (Vec<Document>, Vec<bool>) = union.into_iter().unzip();
    let report = scan_with_progress(
        &documents,
        errors,
        params,
        Scope::Focus(&is_new),
        collection,
        &|_, _, _| {},
    );
    CheckRun {
        report,
        documents,
        is_new,
    }
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
    let extractor = Extractor::new(params);
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
    Ok(check_documents_within(
        new,
        candidates,
        errors,
        params,
        Some(&facts),
    ))
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
