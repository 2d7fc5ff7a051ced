//! Input: turns paths into [`Document`]s. Walks directories (sorted),
//! decodes bytes (UTF-8 with or without BOM, UTF-16 with BOM, otherwise
//! Windows-1252 with a warning), extracts text from HTML and JSONL, and
//! turns every per-file problem into an [`InputError`] or a warning instead
//! of stopping the run.

pub mod decode;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How a document's bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (dropped from the text).
    Utf8Bom,
    /// UTF-16 little endian, with BOM.
    Utf16le,
    /// UTF-16 big endian, with BOM.
    Utf16be,
    /// Not valid UTF-8: decoded as Windows-1252.
    Windows1252,
}

/// The container format a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown (front matter read for metadata).
    Markdown,
    /// HTML (visible text extracted).
    Html,
    /// One line of a JSON Lines file.
    Jsonl,
}

/// Metadata found in or beside a document, used as provenance evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    /// Publication date as written (ISO 8601 preferred).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Title, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Author, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Canonical URL, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publishing outlet or site name, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// One document to compare.
#[derive(Debug, Clone)]
pub struct Document {
    /// Stable id: path relative to the scanned root with `/` separators;
    /// for JSONL, `path#id`.
    pub id: String,
    /// The file it came from, as found on disk (`-` for stdin).
    pub path: String,
    /// Decoded text (for HTML, the extracted visible text). Passage byte
    /// ranges point into this string.
    pub text: String,
    /// Size of the raw input in bytes.
    pub bytes: usize,
    /// How the bytes were decoded.
    pub encoding: Encoding,
    /// The container format.
    pub format: Format,
    /// Metadata used as provenance evidence.
    pub meta: DocMeta,
    /// Problems that did not stop the document from being compared.
    pub warnings: Vec<String>,
}

/// A problem that kept a file (or one JSONL line) out of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    /// The file the problem is in.
    pub file: String,
    /// 1-based line number, for JSONL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}

/// Options of the input stage.
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// JSONL field holding the text.
    pub text_field: String,
    /// JSONL field holding the id.
    pub id_field: String,
    /// Honour `.gitignore`/`.ignore` files while walking.
    pub respect_ignore: bool,
    /// Larger inputs are truncated to this many bytes, with a warning.
    pub max_bytes: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            text_field: "text".into(),
            id_field: "id".into(),
            respect_ignore: false,
            max_bytes: 64 << 20,
        }
    }
}

/// The documents and problems of one load.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Documents sorted by id, ids unique.
    pub documents: Vec<Document>,
    /// Files or lines that could not be used.
    pub errors: Vec<InputError>,
}

/// File extensions read when walking a directory. Files given by name are
/// read whatever their extension.
pub const EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "html", "htm", "jsonl", "ndjson",
];

/// Loads every path: files, directories (recursive), or `-` for stdin.
pub fn load(paths: &[PathBuf], opts: &InputOptions) -> Loaded {
    let mut out = Loaded::default();
    for root in paths {
        if root.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
                Ok(_) => load_bytes("-", "-", &bytes, Format::Text, opts, &mut out),
                Err(e) => out
                    .errors
                    .push(err("-", format!("cannot read standard input: {e}"))),
            }
            continue;
        }
        match std::fs::metadata(root) {
            Err(e) => out
                .errors
                .push(err(&root.display().to_string(), describe_io(&e))),
            Ok(m) if m.is_dir() => walk(root, opts, &mut out),
            Ok(_) => {
                let id = root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                load_file(root, &id, opts, &mut out);
            }
        }
    }
    out.documents.sort_by(|a, b| a.id.cmp(&b.id));
    out.documents.dedup_by(|a, b| a.id == b.id);
    out.errors
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    out
}

fn err(file: &str, message: String) -> InputError {
    InputError {
        file: file.to_string(),
        line: None,
        message,
    }
}

/// A short, user-facing description of an I/O error.
pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn walk(root: &Path, opts: &InputOptions, out: &mut Loaded) {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(opts.respect_ignore)
        .hidden(true)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Err(e) => out
                .errors
                .push(err(&root.display().to_string(), e.to_string())),
            Ok(entry) => {
                let path = entry.path();
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let ext = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(|e| e.to_ascii_lowercase());
                if !ext.as_deref().is_some_and(|e| EXTENSIONS.contains(&e)) {
                    continue;
                }
                let rel = path.strip_prefix(root).unwrap_or(path);
                let id = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                load_file(path, &id, opts, out);
            }
        }
    }
}

/// Format from a file name's extension.
pub fn format_of(path: &Path) -> Format {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("md" | "markdown") => Format::Markdown,
        Some("html" | "htm") => Format::Html,
        Some("jsonl" | "ndjson") => Format::Jsonl,
        _ => Format::Text,
    }
}

fn load_file(path: &Path, id: &str, opts: &InputOptions, out: &mut Loaded) {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Err(e) => out.errors.push(err(&shown, describe_io(&e))),
        Ok(bytes) => load_bytes(&shown, id, &bytes, format_of(path), opts, out),
    }
}

/// Turns one input's bytes into documents (several for JSONL).
pub fn load_bytes(
    path: &str,
    id: &str,
    bytes: &[u8],
    format: Format,
    opts: &InputOptions,
    out: &mut Loaded,
) {
    let mut warnings = Vec::new();
    let raw_len = bytes.len();
    let bytes = if bytes.len() > opts.max_bytes {
        warnings.push(format!(
            "larger than {} bytes: only the first {} bytes are compared",
            opts.max_bytes, opts.max_bytes
        ));
        &bytes[..opts.max_bytes]
    } else {
        bytes
    };
    if decode::looks_binary(bytes) {
        out.errors
            .push(err(path, "binary file (NUL bytes): skipped".into()));
        return;
    }
    let (text, encoding) = decode::decode(bytes);
    if encoding == Encoding::Windows1252 {
        warnings.push("not valid UTF-8: decoded as Windows-1252".into());
    }
    match format {
        Format::Jsonl => {
            // The JSONL reader is added by the input issue; until then the
            // whole file is one document.
            push_doc(
                out,
                id,
                path,
                text,
                raw_len,
                encoding,
                Format::Text,
                DocMeta::default(),
                warnings,
            );
        }
        _ => push_doc(
            out,
            id,
            path,
            text,
            raw_len,
            encoding,
            format,
            DocMeta::default(),
            warnings,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn push_doc(
    out: &mut Loaded,
    id: &str,
    path: &str,
    text: String,
    bytes: usize,
    encoding: Encoding,
    format: Format,
    meta: DocMeta,
    mut warnings: Vec<String>,
) {
    if text.trim().is_empty() {
        warnings.push("empty document: no text to compare".into());
    }
    out.documents.push(Document {
        id: id.to_string(),
        path: path.to_string(),
        text,
        bytes,
        encoding,
        format,
        meta,
        warnings,
    });
}
