//! What must hold for any input, hostile or not: shared by the fuzz targets
//! (`fuzz/`, which include this file) and the regression tests that replay
//! every input the fuzzers found (`tests/fuzz_regressions.rs`).

use dedup::input::{self, Document, Format, InputOptions, Loaded};
use dedup::{Params, Report};

/// Small limits, so the fuzzer reaches them.
pub fn small_limits() -> InputOptions {
    InputOptions {
        max_bytes: 4096,
        max_nesting: 24,
        max_line_length: 512,
        ..InputOptions::default()
    }
}

/// Reads `data` as a file of `format` (with the default limits and with
/// small ones, and both HTML modes): never a panic, and every document
/// within the limits.
pub fn check_input(data: &[u8], format: Format) {
    let mut option_sets = vec![InputOptions::default(), small_limits()];
    if format == Format::Html {
        option_sets.push(InputOptions {
            html: input::HtmlMode::Full,
            ..small_limits()
        });
    }
    if format == Format::Jsonl {
        // Field names from the first line, so the fuzzer reaches any name.
        let (names, _) = split_line(data);
        let names = String::from_utf8_lossy(names);
        let mut names = names.split('\t');
        let text_field = names.next().unwrap_or("text").to_string();
        let id_field = names.next().unwrap_or("id").to_string();
        option_sets.push(InputOptions {
            text_field,
            id_field,
            ..small_limits()
        });
    }
    for opts in &option_sets {
        let mut out = Loaded::default();
        input::load_bytes("fuzz", "fuzz", data, format, opts, &mut out);
        for d in &out.documents {
            check_document(d, opts);
        }
        for e in &out.errors {
            assert!(!e.message.is_empty());
        }
    }
}

fn split_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

/// A document read within `opts`' limits.
pub fn check_document(d: &Document, opts: &InputOptions) {
    assert!(d.text.len() <= opts.max_bytes, "text over max_bytes");
    for line in d.text.split('\n') {
        assert!(line.len() <= opts.max_line_length.max(1), "line too long");
    }
    assert!(!d.id.is_empty());
}

/// Two texts from one input: split at the first 0xFF byte (never in UTF-8),
/// each decoded lossily.
pub fn check_pair_bytes(data: &[u8]) {
    let (a, b) = match data.iter().position(|&x| x == 0xFF) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &data[data.len() / 2..]),
    };
    check_pair(&String::from_utf8_lossy(a), &String::from_utf8_lossy(b));
}

fn scan_pair(a: &str, b: &str) -> Report {
    let docs = vec![Document::from_text("a", a), Document::from_text("b", b)];
    dedup::pipeline::scan(
        &docs,
        Vec::new(),
        &Params::default(),
        dedup::pipeline::Scope::All,
    )
}

/// The pair evaluation's invariants on two texts: no panic, every score,
/// similarity, coverage and containment in [0, 1], every passage range
/// inside its document and on char boundaries, slicing to the passage's
/// text, and the same finding mirrored when the documents are swapped.
pub fn check_pair(a: &str, b: &str) {
    let forward = scan_pair(a, b);
    check_report(&forward, &[("a", a), ("b", b)]);
    let backward = scan_pair(b, a);
    check_report(&backward, &[("a", b), ("b", a)]);
    assert_eq!(
        forward.pairs.len(),
        backward.pairs.len(),
        "a finding in one order only"
    );
    for (f, g) in forward.pairs.iter().zip(&backward.pairs) {
        assert_eq!(f.verdict, g.verdict, "verdict changes with the order");
        assert_eq!(f.score, g.score, "score changes with the order");
        assert_eq!(f.jaccard, g.jaccard);
        assert_eq!(f.containment_a_in_b, g.containment_b_in_a);
        assert_eq!(f.coverage_a, g.coverage_b);
        assert_eq!(f.coverage_b, g.coverage_a);
        let mut mirrored: Vec<_> = g.passages.iter().map(|p| (p.b, p.a)).collect();
        mirrored.sort();
        let mut own: Vec<_> = f.passages.iter().map(|p| (p.a, p.b)).collect();
        own.sort();
        assert_eq!(own, mirrored, "passages change with the order");
    }
}

/// Every number of a report in [0, 1] and every passage on its documents'
/// texts (`texts`: id and text of each document).
pub fn check_report(report: &Report, texts: &[(&str, &str)]) {
    let unit = |x: f64, what: &str| {
        assert!((0.0..=1.0).contains(&x), "{what} {x} outside [0, 1]");
    };
    let text_of = |id: &str| texts.iter().find(|t| t.0 == id).map(|t| t.1);
    for f in &report.pairs {
        unit(f.score, "score");
        unit(f.jaccard, "jaccard");
        unit(f.containment_a_in_b, "containment_a_in_b");
        unit(f.containment_b_in_a, "containment_b_in_a");
        unit(f.coverage_a, "coverage_a");
        unit(f.coverage_b, "coverage_b");
        unit(f.confidence, "confidence");
        for e in &f.evidence {
            unit(e.weight, "evidence weight");
        }
        let (ta, tb) = (text_of(&f.a).unwrap(), text_of(&f.b).unwrap());
        for p in &f.passages {
            unit(p.similarity, "passage similarity");
            for (range, text, shown) in [(p.a, ta, &p.text_a), (p.b, tb, &p.text_b)] {
                assert!(
                    range[0] <= range[1] && range[1] <= text.len(),
                    "range outside"
                );
                assert!(text.is_char_boundary(range[0]) && text.is_char_boundary(range[1]));
                assert_eq!(&text[range[0]..range[1]], shown.as_str());
            }
        }
    }
}

/// `dedup report` and `dedup show` on arbitrary bytes as a JSON report:
/// a report that reads is rendered in every format without a panic.
pub fn check_report_bytes(data: &[u8]) {
    use dedup::report::{json, render, show, Format, RenderContext};
    let Ok(report) = json::parse_json(data) else {
        return;
    };
    let mut sink = Vec::new();
    // Document texts as `dedup report` would find them: here the first
    // passage's text, which may or may not fit the report's ranges.
    let mut ctx = RenderContext::new();
    for f in &report.pairs {
        if let Some(p) = f.passages.first() {
            ctx.texts.insert(f.a.as_str(), p.text_a.as_str());
            ctx.texts.insert(f.b.as_str(), p.text_b.as_str());
        }
    }
    for format in [
        Format::Text,
        Format::Json,
        Format::Jsonl,
        Format::Html,
        Format::Github,
        Format::Sarif,
    ] {
        let _ = render(format, &report, &ctx, &mut sink);
        let _ = render(format, &report, &RenderContext::new(), &mut sink);
    }
    let opts = show::ShowOptions {
        width: 80,
        color: true,
    };
    let _ = show::write_list(&report, &opts, &mut sink);
    for index in 0..report.pairs.len().min(4) {
        let _ = show::write_pair(&report, index, &opts, &mut sink);
    }
}
