//! HTML: the visible text of a page (scripts, styles and other non-text
//! elements dropped, block elements on their own lines) and the metadata a
//! page carries about itself.

use super::DocMeta;
use scraper::{ElementRef, Html, Node, Selector};

/// Elements whose content is never visible text.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas",
];

/// Elements that start a new line (paragraphs, headings, list items, ...),
/// so sentence units do not run across them.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Visible text and metadata of an HTML page.
pub fn extract(source: &str) -> (String, DocMeta) {
    let page = Html::parse_document(source);
    let mut text = String::with_capacity(source.len() / 2);
    walk(page.root_element(), &mut text);
    let text = tidy(&text);
    (text, meta(&page))
}

fn walk(element: ElementRef, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if HIDDEN.contains(&name) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    out.push('\n');
                }
                if let Some(el) = ElementRef::wrap(child) {
                    walk(el, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// Collapses runs of spaces inside lines and drops empty lines.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&words.join(" "));
    }
    out
}

fn first_attr(page: &Html, selector: &str, attr: &str) -> Option<String> {
    let sel = Selector::parse(selector).ok()?;
    page.select(&sel)
        .filter_map(|e| e.value().attr(attr))
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

fn meta(page: &Html) -> DocMeta {
    let title = Selector::parse("title").ok().and_then(|sel| {
        page.select(&sel).next().map(|t| {
            t.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
    });
    DocMeta {
        date: first_attr(
            page,
            r#"meta[property="article:published_time"]"#,
            "content",
        )
        .or_else(|| first_attr(page, r#"meta[name="date"]"#, "content"))
        .or_else(|| first_attr(page, "time[datetime]", "datetime")),
        title: title.filter(|t| !t.is_empty()),
        author: first_attr(page, r#"meta[name="author"]"#, "content")
            .or_else(|| first_attr(page, r#"meta[property="article:author"]"#, "content")),
        url: first_attr(page, r#"link[rel="canonical"]"#, "href")
            .or_else(|| first_attr(page, r#"meta[property="og:url"]"#, "content")),
        site: first_attr(page, r#"meta[property="og:site_name"]"#, "content"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_styles_are_dropped_and_blocks_break_lines() {
        let (text, _) = extract(
            "<html><head><style>p{}</style><script>var x=1;</script></head>\
             <body><h1>Title</h1><p>First <b>bold</b> para.</p><script>alert(1)</script><p>Second.</p></body></html>",
        );
        assert_eq!(text, "Title\nFirst bold para.\nSecond.");
    }

    #[test]
    fn page_metadata_is_read() {
        let (_, m) = extract(
            r#"<html><head><title>A  story</title>
            <meta property="article:published_time" content="2024-03-06T10:00:00Z">
            <meta name="author" content="Jane Roe"><meta property="og:site_name" content="The Astana Times">
            <link rel="canonical" href="https://astanatimes.com/x"></head><body><p>x</p></body></html>"#,
        );
        assert_eq!(m.date.as_deref(), Some("2024-03-06T10:00:00Z"));
        assert_eq!(m.title.as_deref(), Some("A story"));
        assert_eq!(m.author.as_deref(), Some("Jane Roe"));
        assert_eq!(m.site.as_deref(), Some("The Astana Times"));
        assert_eq!(m.url.as_deref(), Some("https://astanatimes.com/x"));
    }

    #[test]
    fn time_element_gives_the_date() {
        let (_, m) = extract(r#"<p>Posted <time datetime="2023-12-01">Dec 1</time></p>"#);
        assert_eq!(m.date.as_deref(), Some("2023-12-01"));
    }
}
