//! The record formats of a distributed run (`dedup sketch`, `buckets`,
//! `verify`, `assemble`; see `contrib/spark`): how a document travels
//! between machines, and the collection-level facts ([`Collection`]) a
//! driver aggregates and hands to every executor so that each pair
//! decision equals a single-machine scan's. No rule lives here: the
//! subcommands call the same library functions as [`crate::pipeline::scan`]
//! ([`crate::candidates::bucket_pairs`], [`crate::candidates::is_common_bucket`],
//! [`crate::boilerplate::is_boilerplate`], [`crate::dense::representative`],
//! [`crate::pipeline::assemble`]).

use crate::boilerplate::Boilerplate;
use crate::candidates::CommonBigrams;
use crate::input::{format_of, load_bytes, Document, InputError, InputOptions, Loaded};
use crate::pipeline::Collection;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One document as a JSON line: its id and either its text, its raw bytes
/// (`latin1`: one character per byte, how a driver ships a file's bytes in
/// JSON without base64), or a `path` to read. `idx` is the document's number
/// in the collection (its rank by id, the scan's order), echoed in outputs.
#[derive(Debug, Clone, Deserialize)]
pub struct DocRecord {
    /// The document's number in the collection, if the driver gave one.
    #[serde(default)]
    pub idx: Option<u32>,
    /// The document's id (a scan's: the path relative to the root).
    pub id: String,
    /// The text, as it is compared.
    #[serde(default)]
    pub text: Option<String>,
    /// The raw bytes of the file, one character (U+0000..U+00FF) per byte:
    /// decoded and parsed (by the extension of `path`) like a scanned file.
    #[serde(default)]
    pub latin1: Option<String>,
    /// The file it came from (read from disk when neither `text` nor
    /// `latin1` is given).
    #[serde(default)]
    pub path: Option<String>,
}

impl DocRecord {
    /// The document, read the way a scan reads it. A record that is not one
    /// document (a binary file, bytes above U+00FF, a JSONL file) is an
    /// [`InputError`] naming the record.
    pub fn document(&self, opts: &InputOptions) -> Result<Document, InputError> {
        let path = self.path.clone().unwrap_or_else(|| self.id.clone());
        let problem = |message: String| InputError {
            file: path.clone(),
            line: None,
            message,
        };
        if let Some(text) = &self.text {
            let mut d = Document::from_text(&self.id, text);
            d.path = path.clone();
            return Ok(d);
        }
        let bytes: Vec<u8> = match &self.latin1 {
            Some(chars) => chars
                .chars()
                .map(|c| u8::try_from(u32::from(c)))
                .collect::<Result<_, _>>()
                .map_err(|_| problem("`latin1` holds a character above U+00FF".into()))?,
            None => match &self.path {
                Some(p) => std::fs::read(p).map_err(|e| problem(crate::input::describe_io(&e)))?,
                None => {
                    return Err(problem(
                        "record has none of `text`, `latin1`, `path`".into(),
                    ))
                }
            },
        };
        let format = format_of(Path::new(&path));
        if format == crate::input::Format::Jsonl {
            return Err(problem(
                "a JSONL file is many documents: give its lines as records".into(),
            ));
        }
        let mut loaded = Loaded::default();
        load_bytes(&path, &self.id, &bytes, format, opts, &mut loaded);
        if let Some(e) = loaded.errors.into_iter().next() {
            return Err(e);
        }
        match loaded.documents.pop() {
            Some(d) if loaded.documents.is_empty() => Ok(d),
            _ => Err(problem("record is not exactly one document".into())),
        }
    }
}

/// The collection-level facts as a JSON object, written by a driver and
/// read by `dedup sketch` (boilerplate) and `dedup verify` (both).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CollectionFile {
    /// Hashes of the boilerplate sentences (`dedup buckets`, tier
    /// `sentence`).
    #[serde(default)]
    pub boilerplate: Vec<u64>,
    /// Bucket keys of the common bigrams (`dedup buckets`, tier `bigram`).
    #[serde(default)]
    pub common: Vec<u64>,
}

impl CollectionFile {
    /// The facts as the pipeline takes them.
    pub fn collection(&self) -> Collection {
        Collection {
            boilerplate: Boilerplate::from_hashes(self.boilerplate.iter().copied()),
            common: CommonBigrams::from_bigrams(self.common.iter().copied()),
        }
    }
}
