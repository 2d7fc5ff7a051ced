//! The page's view model: what the page shows of each document (its whole
//! text, excerpts around the passages, or the passages alone when the text
//! does not match them) and each passage seen from one side. No HTML here.

use super::{DocTexts, HtmlOptions};
use crate::model::{MatchKind, Report};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// What the page shows of one document: pieces of its text at their byte
/// offsets (the whole text, excerpts, or only the passages).
#[derive(Debug, Clone, PartialEq)]
pub struct DocView<'a> {
    /// Length of the whole text in bytes (for the location bar).
    pub len: usize,
    /// Sorted, non-overlapping `(start offset, text)` pieces.
    pub segments: Vec<(usize, Cow<'a, str>)>,
    /// Why the text is incomplete, if it is.
    pub note: Option<String>,
    /// True when the text was missing or did not match the passages, so
    /// only the passages are shown.
    pub passages_only: bool,
}

/// A passage seen from one side: range, pair index, kind, and its aligned
/// sentences on this side.
#[derive(Debug, Clone)]
pub(super) struct Side {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) pair: usize,
    pub(super) kind: MatchKind,
    /// This side's range of each of the passage's sentence pairs, in the
    /// passage's pair order, with the pair's similarity. Empty for a
    /// passage without pairs.
    pub(super) sentences: Vec<([usize; 2], f64)>,
}

/// For every document in a finding, what the page shows of it.
pub fn doc_views<'a>(
    report: &'a Report,
    texts: &DocTexts<'a>,
    opts: &HtmlOptions,
) -> BTreeMap<&'a str, DocView<'a>> {
    // Every passage range of each document, across all findings, with its
    // expected text.
    let mut ranges: BTreeMap<&str, Vec<(usize, usize, &str)>> = BTreeMap::new();
    for f in &report.pairs {
        let a = ranges.entry(f.a.as_str()).or_default();
        a.extend(
            f.passages
                .iter()
                .map(|p| (p.a[0], p.a[1], p.text_a.as_str())),
        );
        let b = ranges.entry(f.b.as_str()).or_default();
        b.extend(
            f.passages
                .iter()
                .map(|p| (p.b[0], p.b[1], p.text_b.as_str())),
        );
    }
    let sizes: HashMap<&str, usize> = report
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.bytes))
        .collect();
    let mut usable: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, rs) in &ranges {
        if let Some(text) = texts.get(id) {
            if rs.iter().all(|&(s, e, t)| text.get(s..e) == Some(t)) {
                usable.insert(id, text);
            }
        }
    }
    let total: usize = usable.values().map(|t| t.len()).sum();
    // Over the budget, every document becomes excerpts with little context.
    let excerpt_all = total > opts.total_text_budget;
    let tight = HtmlOptions {
        context_bytes: opts.context_bytes.min(80),
        passage_edge_bytes: opts.passage_edge_bytes.min(300),
        ..*opts
    };
    let mut views = BTreeMap::new();
    for (id, mut rs) in ranges {
        rs.sort_unstable();
        let view = match usable.get(id) {
            Some(text) if text.len() <= opts.max_doc_bytes && !excerpt_all => DocView {
                len: text.len(),
                segments: vec![(0, Cow::Borrowed(*text))],
                note: None,
                passages_only: false,
            },
            Some(text) => {
                let segments = excerpts(text, &rs, if excerpt_all { &tight } else { opts });
                let shown: usize = segments.iter().map(|(_, t)| t.len()).sum();
                DocView {
                    len: text.len(),
                    note: Some(format!(
                        "long document: {} of its {} bytes shown, around the passages",
                        shown,
                        text.len()
                    )),
                    segments,
                    passages_only: false,
                }
            }
            None => {
                let why = if texts.contains_key(id) {
                    "the document no longer matches the report (changed since the scan?)"
                } else {
                    "the full text is not available"
                };
                let end = rs.iter().map(|r| r.1).max().unwrap_or(0);
                DocView {
                    len: end.max(sizes.get(id).copied().unwrap_or(0)),
                    segments: passage_segments(&rs),
                    note: Some(format!("{why}: showing the passages only")),
                    passages_only: true,
                }
            }
        };
        views.insert(id, view);
    }
    views
}

/// Pieces of `text` around the passage ranges: context on each side, and
/// only the two ends of a long passage.
pub(super) fn excerpts<'a>(
    text: &'a str,
    ranges: &[(usize, usize, &str)],
    opts: &HtmlOptions,
) -> Vec<(usize, Cow<'a, str>)> {
    let (ctx, edge) = (opts.context_bytes, opts.passage_edge_bytes);
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &(s, e, _) in ranges {
        if e - s <= 2 * edge {
            windows.push((s.saturating_sub(ctx), e + ctx));
        } else {
            windows.push((s.saturating_sub(ctx), s + edge));
            windows.push((e - edge, e + ctx));
        }
    }
    windows.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in windows {
        let (s, e) = (word_start(text, s), word_end(text, e));
        match merged.last_mut() {
            // Small gaps are not worth a "not shown" marker.
            Some(last) if s <= last.1 + 64 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
        .into_iter()
        .map(|(s, e)| (s, Cow::Borrowed(&text[s..e])))
        .collect()
}

/// Pieces made of the passage texts alone (overlapping passages merged).
pub(super) fn passage_segments<'a>(
    ranges: &[(usize, usize, &'a str)],
) -> Vec<(usize, Cow<'a, str>)> {
    let mut out: Vec<(usize, Cow<'a, str>)> = Vec::new();
    for &(s, e, t) in ranges {
        if e.checked_sub(s) != Some(t.len()) {
            continue;
        }
        match out.last_mut() {
            Some((ls, lt)) if s <= *ls + lt.len() => {
                let end = *ls + lt.len();
                if e > end {
                    if let Some(rest) = t.get(end - s..) {
                        lt.to_mut().push_str(rest);
                    }
                }
            }
            _ => out.push((s, Cow::Borrowed(t))),
        }
    }
    out
}

/// `i` moved back to the start of its word (at most 40 bytes), or to the
/// start of the text when that is near.
pub(super) fn word_start(text: &str, i: usize) -> usize {
    if i <= 64 {
        return 0;
    }
    let i = floor_char(text, i);
    let from = floor_char(text, i.saturating_sub(40));
    match text[from..i].rfind(char::is_whitespace) {
        Some(k) => from + k + text[from + k..].chars().next().map_or(1, char::len_utf8),
        None => i,
    }
}

/// `i` moved on to the end of its word (at most 40 bytes), or to the end of
/// the text when that is near.
pub(super) fn word_end(text: &str, i: usize) -> usize {
    if i + 64 >= text.len() {
        return text.len();
    }
    let i = ceil_char(text, i);
    let to = ceil_char(text, i + 40);
    match text[i..to].find(char::is_whitespace) {
        Some(k) => i + k,
        None => i,
    }
}

pub(super) fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}
