//! JSON Lines: one document per line, text and id taken from configurable
//! fields. A bad line is reported with its number and skipped; the other
//! lines are still read.

use super::{DocMeta, InputError};
use serde_json::Value;

/// One document read from a JSONL line.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonlDoc {
    /// 1-based line number.
    pub line: usize,
    /// The id field's value (string or number), if any.
    pub id: Option<String>,
    /// The text field's value.
    pub text: String,
    /// Metadata fields.
    pub meta: DocMeta,
}

fn field(obj: &serde_json::Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match obj.get(*n) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(x)) => Some(x.to_string()),
        _ => None,
    })
}

/// Parses every line of `text` (the decoded file), reporting problems
/// against `file`. Blank lines are skipped silently.
pub fn parse(
    file: &str,
    text: &str,
    text_field: &str,
    id_field: &str,
) -> (Vec<JsonlDoc>, Vec<InputError>) {
    let (mut docs, mut errors) = (Vec::new(), Vec::new());
    let err = |line: usize, message: String| InputError {
        file: file.to_string(),
        line: Some(line),
        message,
    };
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                errors.push(err(line_no, format!("invalid JSON: {e}")));
                continue;
            }
        };
        let Value::Object(obj) = value else {
            errors.push(err(line_no, "not a JSON object".into()));
            continue;
        };
        let text = match obj.get(text_field) {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                errors.push(err(
                    line_no,
                    format!("field \"{text_field}\" is not a string"),
                ));
                continue;
            }
            None => {
                errors.push(err(
                    line_no,
                    format!("no \"{text_field}\" field (set --text-field)"),
                ));
                continue;
            }
        };
        let meta = DocMeta {
            date: field(&obj, &["date", "published", "published_at"]),
            title: field(&obj, &["title"]),
            author: field(&obj, &["author"]),
            url: field(&obj, &["url", "link"]),
            site: field(&obj, &["site", "source", "publisher"]),
            language: field(&obj, &["language", "lang"]),
            ..DocMeta::default()
        };
        docs.push(JsonlDoc {
            line: line_no,
            id: field(&obj, &[id_field]),
            text,
            meta,
        });
    }
    (docs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_lines_are_kept_and_bad_lines_reported_with_their_number() {
        let input = "{\"id\": \"a\", \"text\": \"one\", \"date\": \"2024-01-02\"}\n\
                     {not json}\n\
                     {\"id\": 7, \"body\": \"no text field\"}\n\
                     \n\
                     {\"text\": \"no id\"}\n";
        let (docs, errors) = parse("x.jsonl", input, "text", "id");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id.as_deref(), Some("a"));
        assert_eq!(docs[0].meta.date.as_deref(), Some("2024-01-02"));
        assert_eq!((docs[1].line, docs[1].id.clone()), (5, None));
        assert_eq!(
            errors.iter().map(|e| e.line.unwrap()).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert!(errors[1].message.contains("\"text\""));
    }

    #[test]
    fn text_and_id_fields_are_configurable() {
        let (docs, errors) = parse(
            "x.jsonl",
            "{\"doc\": 3, \"body\": \"hello\"}",
            "body",
            "doc",
        );
        assert!(errors.is_empty());
        assert_eq!(
            (docs[0].id.as_deref(), docs[0].text.as_str()),
            (Some("3"), "hello")
        );
    }
}
