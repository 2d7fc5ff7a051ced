//! Markdown front matter: a `---` block at the top with `key: value` lines.
//! Its metadata is kept and the block is removed from the compared text.

use super::DocMeta;

/// Splits front matter off `text`; returns the body and the metadata.
pub fn front_matter(text: &str) -> (&str, DocMeta) {
    let mut meta = DocMeta::default();
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (text, meta);
    };
    let mut offset = text.len() - rest.len();
    let mut fields = Vec::new();
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let line = line.trim_end();
        if line == "---" || line == "..." {
            for (key, value) in fields {
                set_field(&mut meta, key, value);
            }
            return (&text[offset..], meta);
        }
        if let Some((key, value)) = line.split_once(':') {
            fields.push((key, value));
        }
    }
    // No closing fence: not front matter.
    (text, DocMeta::default())
}

fn set_field(meta: &mut DocMeta, key: &str, value: &str) {
    let value = value
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string();
    if value.is_empty() {
        return;
    }
    match key.trim().to_ascii_lowercase().as_str() {
        "date" | "published" | "pubdate" => meta.date = Some(value),
        "title" => meta.title = Some(value),
        "author" => meta.author = Some(value),
        "url" | "canonical" | "link" => meta.url = Some(value),
        "site" | "source" | "publisher" => meta.site = Some(value),
        "language" | "lang" => meta.language = Some(value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_read_and_removed() {
        let (body, m) = front_matter("---\ntitle: \"Hello\"\ndate: 2024-03-06\nurl: https://x.example/a\n---\n# Heading\nText.");
        assert_eq!(body, "# Heading\nText.");
        assert_eq!(m.date.as_deref(), Some("2024-03-06"));
        assert_eq!(m.title.as_deref(), Some("Hello"));
        assert_eq!(m.url.as_deref(), Some("https://x.example/a"));
    }

    #[test]
    fn text_without_front_matter_is_unchanged() {
        let (body, m) = front_matter("---\nno closing fence");
        assert_eq!(body, "---\nno closing fence");
        assert_eq!(m, DocMeta::default());
        assert_eq!(front_matter("plain").0, "plain");
    }
}
