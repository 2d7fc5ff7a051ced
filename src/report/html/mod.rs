//! The HTML report: one self-contained page (inline CSS and script, no
//! network) rendered from a [`Report`] and, optionally, the documents'
//! texts.
//!
//! The page reads without JavaScript: the overview (counts, findings table,
//! clusters, errors, parameters) and the detail views of the first findings
//! are plain HTML, every aligned sentence of a passage marked with its
//! pair on both sides. The script only adds sorting, filtering, keyboard
//! navigation, passage-to-passage scrolling and sentence-to-sentence links
//! (hover, focus or click a sentence to light its match), and draws the
//! detail views of findings past the written ones from data embedded once
//! per document (a 10,000-finding run would otherwise repeat each text many
//! times).
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
                sentences: vec![],
            },
            Side {
                start: 4,
                end: 9,
                pair: 1,
                kind: MatchKind::Reworded,
                sentences: vec![],
            },
        ];
        let mut h = String::new();
        render_doc(&mut h, &view, &sides);
        assert_eq!(
            h,
            "ab<mark class=\"ps c0 verbatim\" data-p=\"0\">cdef</mark><mark class=\"ps c1 reworded\" data-p=\"1\">ghi</mark>jkl"
        );
    }

    /// One view of `text` with `sides`, as the page writes it.
    fn rendered(text: &str, sides: &[Side]) -> String {
        let view = DocView {
            len: text.len(),
            segments: vec![(0, Cow::Borrowed(text))],
            note: None,
            passages_only: false,
        };
        let mut h = String::new();
        render_doc(&mut h, &view, sides);
        h
    }

    #[test]
    fn aligned_sentences_are_linked_spans_inside_their_passage() {
        // Passage 1 covers "One. Two. Three." with sentence pairs on "One."
        // and "Three." (not "Two."): each a span named for its pair.
        let sides = [Side {
            start: 2,
            end: 18,
            pair: 1,
            kind: MatchKind::Reworded,
            sentences: vec![([2, 6], 0.5), ([12, 18], 0.254)],
        }];
        assert_eq!(
            rendered("> One. Two. Three. <", &sides),
            concat!(
                "&gt; <mark class=\"ps c1 reworded\" data-p=\"1\">",
                "<span class=\"s\" tabindex=\"0\" data-s=\"1-0\" title=\"sentence pair 1: 50% similar\">One.</span>",
                " Two. ",
                "<span class=\"s\" tabindex=\"0\" data-s=\"1-1\" title=\"sentence pair 2: 25% similar\">Three.</span>",
                "</mark> &lt;"
            )
        );
    }

    #[test]
    fn a_sentence_in_two_pairs_names_both() {
        // "ab" is in pairs 0 and 1 (one sentence matching two); "cd" in 1 only.
        let sides = [Side {
            start: 0,
            end: 4,
            pair: 0,
            kind: MatchKind::Verbatim,
            sentences: vec![([0, 2], 1.0), ([0, 4], 1.0)],
        }];
        let h = rendered("abcd", &sides);
        assert!(h.contains("data-s=\"0-0 0-1\""), "{h}");
        assert!(
            h.contains("data-s=\"0-1\" title=\"sentence pair 2: 100% similar\">cd</span>"),
            "{h}"
        );
        assert_eq!(h.matches("<span").count(), h.matches("</span>").count());
    }

    #[test]
    fn sentences_take_the_colour_of_the_passage_that_shows_them() {
        // Passage 1's sentence runs into passage 0's text, which is drawn in
        // passage 0's colour: only the part inside passage 1 is its span.
        let sides = [
            Side {
                start: 0,
                end: 4,
                pair: 0,
                kind: MatchKind::Verbatim,
                sentences: vec![],
            },
            Side {
                start: 2,
                end: 8,
                pair: 1,
                kind: MatchKind::Verbatim,
                sentences: vec![([2, 8], 0.9)],
            },
        ];
        let h = rendered("abcdefgh", &sides);
        assert!(
            h.starts_with("<mark class=\"ps c0 verbatim\" data-p=\"0\">abcd</mark><mark class=\"ps c1 verbatim\" data-p=\"1\"><span class=\"s\" tabindex=\"0\" data-s=\"1-0\""),
            "{h}"
        );
        assert!(h.ends_with(">efgh</span></mark>"), "{h}");
    }

    #[test]
    fn passages_without_pairs_have_no_sentence_spans() {
        let sides = [Side {
            start: 1,
            end: 3,
            pair: 0,
            kind: MatchKind::Verbatim,
            sentences: vec![],
        }];
        assert_eq!(
            rendered("abcd", &sides),
            "a<mark class=\"ps c0 verbatim\" data-p=\"0\">bc</mark>d"
        );
    }
}
