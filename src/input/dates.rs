//! `--dates FILE`: a CSV of `id,date` lines giving publication dates by
//! document id (a header line is allowed). They override dates found in the
//! documents.

use super::InputError;
use std::collections::HashMap;

/// Reads the dates file. Bad lines are reported with their number.
pub fn read(path: &std::path::Path) -> (HashMap<String, String>, Vec<InputError>) {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Err(e) => (
            HashMap::new(),
            vec![InputError {
                file: shown,
                line: None,
                message: format!("dates file: {}", super::describe_io(&e)),
            }],
        ),
        Ok(bytes) => parse(&shown, &super::decode::decode(&bytes).0),
    }
}

/// Parses `id,date` lines; the first line may be a header (`id,date`).
pub fn parse(file: &str, text: &str) -> (HashMap<String, String>, Vec<InputError>) {
    let (mut dates, mut errors) = (HashMap::new(), Vec::new());
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (n == 0 && line.eq_ignore_ascii_case("id,date")) {
            continue;
        }
        match line.rsplit_once(',') {
            Some((id, date))
                if !id.trim().is_empty()
                    && date.trim().chars().take(4).all(|c| c.is_ascii_digit())
                    && date.trim().len() >= 4 =>
            {
                dates.insert(
                    id.trim().trim_matches('"').to_string(),
                    date.trim().trim_matches('"').to_string(),
                );
            }
            _ => errors.push(InputError {
                file: file.to_string(),
                line: Some(n + 1),
                message: format!("expected `id,date` with a date like 2024-03-06, got {line:?}"),
            }),
        }
    }
    (dates, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_dates_and_bad_lines() {
        let (d, e) = parse(
            "d.csv",
            "id,date\na.txt,2024-03-06\nb.txt,not a date\n\"c,d.txt\",2023-01-01T10:00\n",
        );
        assert_eq!(d["a.txt"], "2024-03-06");
        assert_eq!(d["c,d.txt"], "2023-01-01T10:00");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, Some(3));
    }
}
