//! Locations for line-oriented printers (GitHub annotations, SARIF): turns
//! a finding's byte ranges into 1-based lines and columns of the document a
//! reader should look at, the new one in `dedup check`.

use super::{Finding, Passage};
use std::collections::BTreeMap;

/// What a printer needs to know about one compared document.
#[derive(Debug, Clone, Copy)]
pub struct SourceText<'a> {
    /// The file, as given on the command line or stored in the index.
    pub path: &'a str,
    /// The decoded text passage ranges point into.
    pub text: &'a str,
    /// Whether it is one of the checked (new) documents.
    pub is_new: bool,
}

/// Documents by id.
pub type Sources<'a> = BTreeMap<&'a str, SourceText<'a>>;

/// A text region, 1-based; `end_column` is the column just after the last
/// character (SARIF's convention), counted in Unicode code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// First line.
    pub start_line: usize,
    /// Column of the first character.
    pub start_column: usize,
    /// Line of the last character.
    pub end_line: usize,
    /// Column after the last character.
    pub end_column: usize,
}

/// 1-based line and column (in code points) of byte offset `at` in `text`;
/// offsets past the end or inside a character are clamped back.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, 1 + before[line_start..].chars().count())
}

/// The region of bytes `[start, end)` of `text`.
pub fn region(text: &str, [start, end]: [usize; 2]) -> Region {
    let (start_line, start_column) = line_col(text, start);
    // A trailing line break belongs to no line a reader would mark.
    let mut end = end.max(start).min(text.len());
    while end > start && text.is_char_boundary(end) && text[..end].ends_with(['\n', '\r']) {
        end -= 1;
    }
    let (end_line, end_column) = line_col(text, end);
    Region {
        start_line,
        start_column,
        end_line,
        end_column: end_column.max(if end_line == start_line {
            start_column
        } else {
            1
        }),
    }
}

/// A finding seen from one side: the document to annotate (a new one) and
/// the other.
#[derive(Debug, Clone, Copy)]
pub struct Oriented<'f> {
    /// Id of the annotated document.
    pub here: &'f str,
    /// Id of the other document.
    pub other: &'f str,
    /// Whether `here` is the finding's `a`.
    pub here_is_a: bool,
}

impl<'f> Oriented<'f> {
    /// Annotates the new side of `f` (`a` when both or neither are new).
    pub fn of(f: &'f Finding, sources: &Sources) -> Self {
        let a_new = sources.get(f.a.as_str()).is_some_and(|s| s.is_new);
        let b_new = sources.get(f.b.as_str()).is_some_and(|s| s.is_new);
        let here_is_a = a_new || !b_new;
        if here_is_a {
            Oriented {
                here: &f.a,
                other: &f.b,
                here_is_a,
            }
        } else {
            Oriented {
                here: &f.b,
                other: &f.a,
                here_is_a,
            }
        }
    }

    /// The passage's byte range on the annotated side, then the other side.
    pub fn ranges(&self, p: &Passage) -> ([usize; 2], [usize; 2]) {
        if self.here_is_a {
            (p.a, p.b)
        } else {
            (p.b, p.a)
        }
    }
}

/// A path as written in an annotation: `/` separators, no leading `./`.
pub fn display_path(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.strip_prefix("./").unwrap_or(&p).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_code_points_from_one() {
        let t = "ab\ncé d\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // 'd' is after "cé " = 4 bytes, 3 characters.
        assert_eq!(line_col(t, 3 + 4), (2, 4));
        assert_eq!(line_col(t, 5), (2, 2), "inside 'é' clamps back");
        assert_eq!(
            region(t, [3, 8]),
            Region {
                start_line: 2,
                start_column: 1,
                end_line: 2,
                end_column: 5
            }
        );
    }
}
