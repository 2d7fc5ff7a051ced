//! The one place the bindings call the `dedup` library: loading, scanning,
//! checking, the index and the JSON report. Everything Python-specific is in
//! `lib.rs`; when the library's API moves, only this file follows it.

use dedup::check::{check_documents, check_index};
use dedup::index::{AddSummary, Index, IndexStats, ADD_BATCH};
use dedup::input::{self, Document, Format, InputError, InputOptions, Loaded};
use dedup::pipeline::{scan, Scope};
use dedup::report::json::write_json;
use dedup::{Params, Report};
use std::path::PathBuf;

pub use dedup::Error;

/// Detection parameters as Python passes them: `None` keeps the default.
#[derive(Debug, Default, Clone)]
pub struct ParamOverrides {
    pub threshold: Option<f64>,
    pub shingle_size: Option<usize>,
    pub num_perm: Option<usize>,
    pub rewrite: Option<bool>,
    pub min_bigram_containment: Option<f64>,
    pub min_window_containment: Option<f64>,
}

impl ParamOverrides {
    /// The run parameters: `base` (the defaults, or an index's parameters)
    /// with the given values replaced, checked like the command line's.
    pub fn apply(&self, base: &Params) -> Result<Params, Error> {
        let mut p = Params::new(
            self.shingle_size.unwrap_or(base.features.shingle_size),
            self.num_perm.unwrap_or(base.features.num_perm),
            self.threshold.unwrap_or(base.decision.threshold),
        )?;
        p.features.rewrite_tier = self.rewrite.unwrap_or(base.features.rewrite_tier);
        p.decision.min_bigram_containment = self
            .min_bigram_containment
            .unwrap_or(base.decision.min_bigram_containment);
        p.decision.min_window_containment = self
            .min_window_containment
            .unwrap_or(base.decision.min_window_containment);
        Ok(p)
    }
}

/// Documents gathered from a Python iterable: texts converted one by one as
/// the iterable yields them, paths loaded at the end (directories walked,
/// files decoded exactly as `dedup scan` does).
#[derive(Debug)]
pub struct Inputs {
    documents: Vec<Document>,
    errors: Vec<InputError>,
    paths: Vec<PathBuf>,
    options: InputOptions,
}

impl Inputs {
    /// No documents yet; JSONL files are read with these fields.
    pub fn new(text_field: &str, id_field: &str) -> Self {
        Inputs {
            documents: Vec::new(),
            errors: Vec::new(),
            paths: Vec::new(),
            options: InputOptions {
                text_field: text_field.to_string(),
                id_field: id_field.to_string(),
                ..InputOptions::default()
            },
        }
    }

    /// A text (its UTF-8 bytes) or raw bytes under `id`, read as a file
    /// with that content would be (BOMs, Windows-1252 fallback, binary
    /// detection, the size cap): a scan of texts equals `dedup scan` of the
    /// same texts saved as files.
    pub fn bytes(&mut self, id: String, bytes: &[u8]) {
        let mut part = Loaded::default();
        input::load_bytes(&id, &id, bytes, Format::Text, &self.options, &mut part);
        self.documents.extend(part.documents);
        self.errors.extend(part.errors);
    }

    /// A file or directory, read when the inputs are finished.
    pub fn path(&mut self, path: PathBuf) {
        self.paths.push(path);
    }

    /// An item that could not be used: reported under `errors`, like an
    /// unreadable file.
    pub fn error(&mut self, id: String, message: String) {
        self.errors.push(InputError {
            file: id,
            line: None,
            message,
        });
    }

    /// Loads the paths and returns every document, sorted by id with ids
    /// unique (a later duplicate is an error), and the errors, sorted.
    pub fn finish(mut self) -> (Vec<Document>, Vec<InputError>) {
        if !self.paths.is_empty() {
            let loaded = input::load(&self.paths, &self.options);
            self.documents.extend(loaded.documents);
            self.errors.extend(loaded.errors);
        }
        // Stable: of two documents with one id the first given stays.
        self.documents.sort_by(|a, b| a.id.cmp(&b.id));
        let mut documents: Vec<Document> = Vec::with_capacity(self.documents.len());
        for d in self.documents {
            if documents.last().is_some_and(|last| last.id == d.id) {
                self.errors.push(InputError {
                    file: d.path,
                    line: None,
                    message: format!("duplicate id {}: skipped", d.id),
                });
            } else {
                documents.push(d);
            }
        }
        self.errors
            .sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
        (documents, self.errors)
    }
}

/// Runs `f` on `threads` worker threads (a pool of its own), or on the
/// global pool (all cores) when `None`.
pub fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> T {
    match threads.and_then(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .ok()
    }) {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// `dedup scan` of the inputs: the report as the JSON the command prints.
pub fn scan_json(inputs: Inputs, params: &Params) -> String {
    let (documents, errors) = inputs.finish();
    report_json(&scan(&documents, errors, params, Scope::All))
}

/// `dedup check NEW --against COLLECTION`, both from Python inputs.
pub fn check_against_json(new: Inputs, collection: Inputs, params: &Params) -> String {
    let (new, mut errors) = new.finish();
    let (collection, collection_errors) = collection.finish();
    errors.extend(collection_errors);
    errors.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    report_json(&check_documents(new, collection, errors, params).report)
}

/// `dedup check NEW --index PATH`.
pub fn check_index_json(index: &Index, new: Inputs, params: &Params) -> Result<String, Error> {
    let (new, errors) = new.finish();
    Ok(report_json(
        &check_index(index, new, errors, params)?.report,
    ))
}

/// Opens an existing index.
pub fn open_index(path: &std::path::Path) -> Result<Index, Error> {
    Index::open(path)
}

/// Creates an index for the feature part of `params` (replacing a file
/// there only with `overwrite`).
pub fn create_index(
    path: &std::path::Path,
    params: &Params,
    overwrite: bool,
) -> Result<Index, Error> {
    Index::create(path, &params.features, overwrite)
}

/// Adds (or replaces, or skips unchanged) documents; input errors are
/// returned, as `dedup index add` prints them.
pub fn add_to_index(
    index: &mut Index,
    inputs: Inputs,
) -> Result<(AddSummary, Vec<InputError>), Error> {
    let (documents, errors) = inputs.finish();
    let summary = index.add(&documents, ADD_BATCH, &|_| {})?;
    Ok((summary, errors))
}

/// The run parameters of a check against `index`: the defaults with the
/// index's shingle size, permutations and tier (what it stores), as
/// `dedup check --index` takes them. The LSH bands follow the threshold,
/// so a threshold other than the index's is refused by the check, with a
/// request to rebuild.
pub fn index_run_params(index: &Index) -> Result<Params, Error> {
    let stored = index.params();
    let mut p = Params::new(
        stored.shingle_size,
        stored.num_perm,
        Params::default().decision.threshold,
    )?;
    p.features.rewrite_tier = stored.rewrite_tier;
    Ok(p)
}

/// What the index stores about its parameters, as JSON.
pub fn index_params_json(index: &Index) -> String {
    serde_json::to_string(index.params()).expect("parameters serialize")
}

/// `dedup index stats`.
pub fn index_stats(index: &Index) -> Result<IndexStats, Error> {
    index.stats()
}

/// The report in the JSON of `dedup scan --format json`.
fn report_json(report: &Report) -> String {
    let mut out = Vec::new();
    write_json(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the JSON printer writes UTF-8")
}
