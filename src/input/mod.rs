//! Input: turns paths into [`Document`]s. Walks directories (sorted),
//! decodes bytes (UTF-8 with or without BOM, UTF-16 with BOM, otherwise
//! Windows-1252 with a warning), extracts text from HTML and JSONL, and
//! turns every per-file problem into an [`InputError`] or a warning instead
//! of stopping the run.

pub mod dates;
pub mod decode;
pub mod html;
pub mod jsonl;
pub mod markdown;
pub mod nesting;

use rayon::prelude::*;
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

/// Where a document's [`DocMeta::date`] came from: the provenance stage
/// weighs a file's modification time lower than a publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// Found in the document (JSONL `date`, Markdown front matter, HTML
    /// metadata).
    Document,
    /// Given by `--dates FILE`.
    File,
    /// The time of the git commit that added the file (`--dates git`).
    Git,
    /// The file's modification time (`--dates mtime`): weak evidence, since
    /// a copy, checkout or edit resets it.
    Mtime,
}

/// Metadata found in or beside a document, used as provenance evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    /// Publication date as written (ISO 8601 preferred).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where `date` came from, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    /// When the document was added to the index it was read from (`dedup
    /// check --index`; ISO 8601 UTC, empty when the index predates the
    /// record): such a document was there before the checked ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed: Option<String>,
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
    /// Language as the document declares it (HTML `lang`, a JSONL or front
    /// matter `language`/`lang` field), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
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

impl Document {
    /// A UTF-8 text document with no metadata (tests, benchmarks, library
    /// callers that already hold their text).
    pub fn from_text(id: &str, text: &str) -> Self {
        Document {
            id: id.to_string(),
            path: id.to_string(),
            text: text.to_string(),
            bytes: text.len(),
            encoding: Encoding::Utf8,
            format: Format::Text,
            meta: DocMeta::default(),
            warnings: Vec::new(),
        }
    }
}

/// What `dedup extract` prints for a document: the text that is compared
/// and the metadata read with it.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractRecord<'a> {
    /// The document's id.
    pub id: &'a str,
    /// The compared text.
    pub text: &'a str,
    /// Title, if known.
    pub title: Option<&'a str>,
    /// Publication date, if known.
    pub date: Option<&'a str>,
    /// Where the date came from, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    /// Author, if known.
    pub author: Option<&'a str>,
    /// Site or outlet, if known.
    pub site: Option<&'a str>,
    /// Canonical URL, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    /// Declared language, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'a str>,
    /// Problems that did not keep the document out.
    pub warnings: &'a [String],
}

impl Document {
    /// The document as `dedup extract` shows it.
    pub fn extract_record(&self) -> ExtractRecord<'_> {
        ExtractRecord {
            id: &self.id,
            text: &self.text,
            title: self.meta.title.as_deref(),
            date: self.meta.date.as_deref(),
            date_source: self.meta.date_source,
            author: self.meta.author.as_deref(),
            site: self.meta.site.as_deref(),
            url: self.meta.url.as_deref(),
            language: self.meta.language.as_deref(),
            warnings: &self.warnings,
        }
    }
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

/// Which text of an HTML page is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HtmlMode {
    /// The main content (the article), without navigation, archive lists,
    /// comments, cookie notices, share bars and footers.
    #[default]
    Main,
    /// All visible text of the page.
    Full,
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
    /// At most this many bytes are read of a file, and a document's text is
    /// cut to this many bytes (on a character boundary), with a warning.
    pub max_bytes: usize,
    /// HTML elements nested deeper than this are read as text of their
    /// ancestor at this depth, with a warning (see [`nesting`]).
    pub max_nesting: usize,
    /// Lines of a document's text longer than this many bytes are cut (on
    /// a character boundary), with a warning.
    pub max_line_length: usize,
    /// Which text of an HTML page is compared.
    pub html: HtmlMode,
    /// Where dates beside the documents come from (`--dates`).
    pub dates: Option<dates::DatesFrom>,
}

/// Default of [`InputOptions::max_bytes`]: 16 MiB.
pub const DEFAULT_MAX_BYTES: usize = 16 << 20;
/// Default of [`InputOptions::max_nesting`]: Blink's parser depth limit.
pub const DEFAULT_MAX_NESTING: usize = 512;
/// Default of [`InputOptions::max_line_length`]: 1 MiB.
pub const DEFAULT_MAX_LINE_LENGTH: usize = 1 << 20;

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            text_field: "text".into(),
            id_field: "id".into(),
            respect_ignore: false,
            max_bytes: DEFAULT_MAX_BYTES,
            max_nesting: DEFAULT_MAX_NESTING,
            max_line_length: DEFAULT_MAX_LINE_LENGTH,
            html: HtmlMode::Main,
            dates: None,
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

/// One input to read: a file (or stdin) and the id it gets.
struct Source {
    path: Option<PathBuf>,
    id: String,
}

/// Loads every path: files, directories (recursive), or `-` for stdin.
/// Files are read and parsed in parallel; the result is sorted by id, so it
/// does not depend on the order of the file system or of the arguments.
pub fn load(paths: &[PathBuf], opts: &InputOptions) -> Loaded {
    let mut out = Loaded::default();
    let mut sources = Vec::new();
    for root in paths {
        if root.as_os_str() == "-" {
            sources.push(Source {
                path: None,
                id: "stdin".into(),
            });
            continue;
        }
        match std::fs::metadata(root) {
            Err(e) => out
                .errors
                .push(err(&root.display().to_string(), describe_io(&e))),
            Ok(m) if m.is_dir() => walk(root, opts, &mut sources, &mut out.errors),
            Ok(_) => {
                let id = root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                sources.push(Source {
                    path: Some(root.clone()),
                    id,
                });
            }
        }
    }
    let parts: Vec<Loaded> = sources
        .par_iter()
        .map(|src| {
            let mut part = Loaded::default();
            match &src.path {
                None => {
                    let mut bytes = Vec::new();
                    match std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
                        Ok(_) => load_bytes("-", &src.id, &bytes, Format::Text, opts, &mut part),
                        Err(e) => part
                            .errors
                            .push(err("-", format!("cannot read standard input: {e}"))),
                    }
                }
                Some(path) => load_file(path, &src.id, opts, &mut part),
            }
            part
        })
        .collect();
    for part in parts {
        out.documents.extend(part.documents);
        out.errors.extend(part.errors);
    }
    resolve_duplicate_ids(&mut out.documents);
    if let Some(from) = &opts.dates {
        dates::apply(from, paths, &mut out);
    }
    out.documents.sort_by(|a, b| a.id.cmp(&b.id));
    out.errors
        .sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    out.errors.dedup();
    out
}

/// The same file named twice is read once; two different files that map to
/// the same id both stay, the later one under the path as given.
fn resolve_duplicate_ids(docs: &mut Vec<Document>) {
    docs.sort_by(|a, b| (&a.id, &a.path).cmp(&(&b.id, &b.path)));
    docs.dedup_by(|later, first| {
        later.id == first.id && later.path == first.path && later.format != Format::Jsonl
    });
    let mut seen = std::collections::HashSet::new();
    for d in docs.iter_mut() {
        if !seen.insert(d.id.clone()) {
            let new_id = if d.format == Format::Jsonl {
                d.id.clone() + "~" + &d.bytes.to_string()
            } else {
                d.path.replace('\\', "/")
            };
            d.warnings.push(format!(
                "id {} is taken by another document: this one is {new_id}",
                d.id
            ));
            d.id = new_id;
            seen.insert(d.id.clone());
        }
    }
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

fn walk(root: &Path, opts: &InputOptions, sources: &mut Vec<Source>, errors: &mut Vec<InputError>) {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .git_ignore(opts.respect_ignore)
        .git_exclude(opts.respect_ignore)
        .git_global(opts.respect_ignore)
        .ignore(opts.respect_ignore)
        .parents(opts.respect_ignore)
        .require_git(false)
        .hidden(true)
        .follow_links(true)
        // Not sorted: `load` sorts documents and errors by id at the end,
        // and the walker's sort took each file's name off its path at every
        // comparison (a tenth of the load of 20,000 files, on one thread).
        .build();
    for entry in walker {
        match entry {
            Err(e) => errors.push(walk_error(root, &e)),
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
                sources.push(Source {
                    path: Some(path.to_path_buf()),
                    id,
                });
            }
        }
    }
}

/// A walk error with the path it happened on and a plain message.
fn walk_error(root: &Path, e: &ignore::Error) -> InputError {
    let mut path = None;
    let mut loop_to = None;
    let mut io = None;
    let mut cur = e;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert(p.display().to_string());
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cur = err
            }
            ignore::Error::Loop { ancestor, child } => {
                path.get_or_insert(child.display().to_string());
                loop_to = Some(ancestor.display().to_string());
                break;
            }
            ignore::Error::Io(x) => {
                io = Some(describe_io(x));
                break;
            }
            _ => break,
        }
    }
    let file = path.unwrap_or_else(|| root.display().to_string());
    let message = match (loop_to, io) {
        (Some(ancestor), _) => format!("symbolic link loop (points back to {ancestor}): skipped"),
        (None, Some(io)) => io,
        _ => e.to_string(),
    };
    InputError {
        file,
        line: None,
        message,
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
    let format = format_of(path);
    // A JSONL file holds many documents: the byte limit applies to each.
    let limit = (format != Format::Jsonl).then_some(opts.max_bytes);
    match read_limited(path, limit) {
        Err(e) => out.errors.push(err(&shown, describe_io(&e))),
        Ok((bytes, whole_size)) => {
            let before = out.documents.len();
            load_bytes(&shown, id, &bytes, format, opts, out);
            if let Some(size) = whole_size {
                for d in &mut out.documents[before..] {
                    d.bytes = size;
                    d.warnings.insert(
                        0,
                        format!(
                            "file longer than {} bytes (--max-bytes): only the first {} bytes are read",
                            opts.max_bytes,
                            bytes.len()
                        ),
                    );
                }
            }
        }
    }
}

/// Reads a file, at most `limit` bytes of it (cut back to a UTF-8
/// character boundary when the cut falls inside one); with the file's size
/// when it was longer.
fn read_limited(path: &Path, limit: Option<usize>) -> std::io::Result<(Vec<u8>, Option<usize>)> {
    use std::io::Read;
    let Some(limit) = limit else {
        return Ok((std::fs::read(path)?, None));
    };
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata().map(|m| m.len() as usize).ok();
    // Sized from the file so that reading does not grow the buffer by
    // doubling: a large corpus is hundreds of thousands of such buffers.
    let mut bytes = Vec::with_capacity(size.map_or(0, |s| s.min(limit) + 1));
    (&mut file).take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() <= limit {
        return Ok((bytes, None));
    }
    let mut cut = limit;
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16 {
        cut -= cut % 2;
    } else {
        for _ in 0..3 {
            if cut > 0 && bytes[cut] & 0xC0 == 0x80 {
                cut -= 1;
            }
        }
    }
    bytes.truncate(cut);
    Ok((bytes, Some(size.unwrap_or(limit + 1))))
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
    if decode::looks_binary(bytes) {
        out.errors
            .push(err(path, "binary file (NUL bytes): skipped".into()));
        return;
    }
    let mut warnings = Vec::new();
    // A copy, not the read buffer taken over: that saved 2% of a 20k scan's
    // time but raised the peak of a 200k scan by 23 MB (measured), which
    // sits close to its 2 GiB bar.
    let (text, encoding) = decode::decode(bytes);
    if encoding == Encoding::Windows1252 {
        warnings.push("not valid UTF-8: decoded as Windows-1252".into());
    }
    let raw_len = bytes.len();
    let limits = |text: String, warnings: &mut Vec<String>| {
        let text = truncate(text, opts.max_bytes, warnings);
        cut_long_lines(text, opts.max_line_length, warnings)
    };
    match format {
        Format::Jsonl => {
            let (docs, errors) = jsonl::parse(path, &text, &opts.text_field, &opts.id_field);
            out.errors.extend(errors);
            for d in docs {
                let doc_id = format!("{id}#{}", d.id.unwrap_or_else(|| d.line.to_string()));
                let mut doc_warnings = warnings.clone();
                let text = limits(d.text, &mut doc_warnings);
                push_doc(
                    out,
                    &doc_id,
                    path,
                    text,
                    raw_len,
                    encoding,
                    Format::Jsonl,
                    d.meta,
                    doc_warnings,
                );
            }
        }
        Format::Html => {
            let page = html::extract_with(&text, opts.html, opts.max_nesting);
            warnings.extend(page.warnings);
            let body = limits(page.text, &mut warnings);
            push_doc(
                out, id, path, body, raw_len, encoding, format, page.meta, warnings,
            );
        }
        Format::Markdown => {
            let (body, meta) = markdown::front_matter(&text);
            let body = limits(body.to_string(), &mut warnings);
            push_doc(
                out, id, path, body, raw_len, encoding, format, meta, warnings,
            );
        }
        Format::Text => {
            let body = limits(text, &mut warnings);
            push_doc(
                out,
                id,
                path,
                body,
                raw_len,
                encoding,
                format,
                DocMeta::default(),
                warnings,
            );
        }
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary, with a warning.
fn truncate(mut text: String, max: usize, warnings: &mut Vec<String>) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        warnings.push(format!(
            "text longer than {max} bytes (--max-bytes): only the first {cut} bytes are compared"
        ));
    }
    text
}

/// Cuts every line longer than `max` bytes to its first `max` bytes (on a
/// character boundary), with one warning counting them.
fn cut_long_lines(text: String, max: usize, warnings: &mut Vec<String>) -> String {
    let max = max.max(1);
    // A text no longer than the limit has no line over it: most files are
    // not searched for line breaks at all.
    if text.len() <= max || !text.split('\n').any(|line| line.len() > max) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut cut = 0;
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if line.len() > max {
            let mut end = max;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            out.push_str(&line[..end]);
            cut += 1;
        } else {
            out.push_str(line);
        }
    }
    warnings.push(format!(
        "{cut} line(s) longer than {max} bytes (--max-line-length): only the first {max} bytes of each are compared"
    ));
    out
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
    mut meta: DocMeta,
    mut warnings: Vec<String>,
) {
    if meta.date.is_some() && meta.date_source.is_none() {
        meta.date_source = Some(DateSource::Document);
    }
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
