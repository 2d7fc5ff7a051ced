//! The HTML report: one self-contained page (inline CSS and script, no
//! network) rendered from a [`Report`] and, optionally, the documents'
//! texts.
//!
//! The page reads without JavaScript: the overview (counts, findings table,
//! clusters, errors, parameters) and the detail views of the first findings
//! are plain HTML. The script only adds sorting, filtering, keyboard
//! navigation and passage-to-passage scrolling, and draws the detail views
//! of findings past the written ones from data embedded once per document
//! (a 10,000-finding run would otherwise repeat each text many times).
//!
//! Texts come from a lookup (`id -> text`); a text is used only when every
//! passage's byte range slices to exactly the passage's text, otherwise the
//! page shows the passages alone, with a note. Long texts are cut to
//! excerpts around the passages.

mod data;
mod page;
mod view;

pub use page::{esc, script_json};
pub use view::{doc_views, DocView};

use std::collections::HashMap;
use std::io::Write;

/// Document texts by document id, as the renderer looks them up.
pub type DocTexts<'a> = HashMap<&'a str, &'a str>;

/// The texts of loaded documents, by id.
pub fn texts_of(documents: &[crate::input::Document]) -> DocTexts<'_> {
    documents
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect()
}

/// Size limits of the page.
#[derive(Debug, Clone, Copy)]
pub struct HtmlOptions {
    /// At most this many findings get a detail view written as HTML; the
    /// script draws the others on demand.
    pub server_findings: usize,
    /// Written detail views stop once their document text reaches this many
    /// bytes in total.
    pub server_text_budget: usize,
    /// Documents up to this size are embedded whole; longer ones as
    /// excerpts around their passages.
    pub max_doc_bytes: usize,
    /// When the texts of all documents in findings exceed this, every one
    /// is embedded as excerpts.
    pub total_text_budget: usize,
    /// Context kept on each side of a passage in an excerpt.
    pub context_bytes: usize,
    /// Of a long passage, an excerpt keeps this much at each end.
    pub passage_edge_bytes: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            server_findings: 200,
            server_text_budget: 1 << 20,
            max_doc_bytes: 32 << 10,
            total_text_budget: 8 << 20,
            context_bytes: 400,
            passage_edge_bytes: 1200,
        }
    }
}

/// Writes the page.
pub fn write_html(
    report: &crate::model::Report,
    texts: &DocTexts,
    opts: &HtmlOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let views = doc_views(report, texts, opts);
    let page = page::render_page(report, &views, opts);
    out.write_all(page.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::page::*;
    use super::view::*;
    use super::*;
    use crate::model::MatchKind;
    use std::borrow::Cow;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = serde_json::json!({"t": "</script><script>alert(1)</script><!--"});
        let s = script_json(&v);
        assert!(!s.contains('<'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>a & 'b' \"c\"</textarea>"),
            "&lt;script&gt;a &amp; &#39;b&#39; &quot;c&quot;&lt;/textarea&gt;"
        );
    }

    #[test]
    fn excerpts_keep_context_and_passage_ends() {
        let text = "x".repeat(10_000);
        let opts = HtmlOptions {
            context_bytes: 10,
            passage_edge_bytes: 100,
            ..Default::default()
        };
        let segs = excerpts(&text, &[(1000, 5000, ""), (9000, 9050, "")], &opts);
        let spans: Vec<(usize, usize)> = segs.iter().map(|(s, t)| (*s, s + t.len())).collect();
        assert_eq!(spans, vec![(990, 1100), (4900, 5010), (8990, 9060)]);
    }

    #[test]
    fn passage_segments_merge_overlaps() {
        let segs = passage_segments(&[(0, 5, "hello"), (3, 8, "lo wo"), (20, 22, "ab")]);
        let got: Vec<(usize, &str)> = segs.iter().map(|(s, t)| (*s, t.as_ref())).collect();
        assert_eq!(got, vec![(0, "hello wo"), (20, "ab")]);
    }

    #[test]
    fn overlapping_passages_render_each_byte_once() {
        let view = DocView {
            len: 12,
            segments: vec![(0, Cow::Borrowed("abcdefghijkl"))],
            note: None,
            passages_only: false,
        };
        let sides = [
            Side {
                start: 2,
                end: 6,
                pair: 0,
                kind: MatchKind::Verbatim,
            },
            Side {
                start: 4,
                end: 9,
                pair: 1,
                kind: MatchKind::Reworded,
            },
        ];
        let mut h = String::new();
        render_doc(&mut h, &view, &sides);
        assert_eq!(
            h,
            "ab<mark class=\"ps c0 verbatim\" data-p=\"0\">cdef</mark><mark class=\"ps c1 reworded\" data-p=\"1\">ghi</mark>jkl"
        );
    }
}
