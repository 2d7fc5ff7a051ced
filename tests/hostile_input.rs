//! Hostile input: the cost of reading a document grows with its bytes,
//! never faster, and the per-document limits apply with a warning while the
//! run goes on.

use dedup::input::{self, Document, Format, HtmlMode, InputOptions, Loaded};
use std::time::{Duration, Instant};

#[path = "common/invariants.rs"]
#[allow(dead_code)]
mod invariants;

fn nested_divs(depth: usize) -> String {
    format!(
        "<html><body>{}<p>The deepest paragraph of the page.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

fn read(bytes: &[u8], format: Format, opts: &InputOptions) -> Document {
    let mut out = Loaded::default();
    input::load_bytes("page", "page", bytes, format, opts, &mut out);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.documents.len(), 1);
    out.documents.pop().unwrap()
}

/// Median wall time of `runs` reads of each page, the runs alternating
/// between the pages so that load from other processes hits both alike.
fn median_times(pages: &[&str], mode: HtmlMode, runs: usize) -> Vec<Duration> {
    let opts = InputOptions {
        html: mode,
        ..InputOptions::default()
    };
    let mut times = vec![Vec::new(); pages.len()];
    for _ in 0..runs {
        for (page, t) in pages.iter().zip(&mut times) {
            let start = Instant::now();
            read(page.as_bytes(), Format::Html, &opts);
            t.push(start.elapsed());
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort();
            t[t.len() / 2]
        })
        .collect()
}

#[test]
fn doubling_the_nesting_at_most_roughly_doubles_the_time() {
    // Quadratic cost (the parser's scope checks walking every open
    // element) would make the ratio about 4; linear cost makes it 2.
    let (small, large) = (nested_divs(20_000), nested_divs(40_000));
    for mode in [HtmlMode::Full, HtmlMode::Main] {
        let t = median_times(&[&small, &large], mode, 5);
        let ratio = t[1].as_secs_f64() / t[0].as_secs_f64().max(1e-6);
        assert!(
            ratio < 3.0,
            "{mode:?}: {:?} for 20,000 levels, {:?} for 40,000: ratio {ratio:.2}",
            t[0],
            t[1]
        );
    }
}

#[test]
fn two_hundred_thousand_nested_divs_are_read_in_seconds() {
    let page = nested_divs(200_000);
    assert!(page.len() > 1_200_000);
    for mode in [HtmlMode::Main, HtmlMode::Full] {
        let start = Instant::now();
        let doc = read(
            page.as_bytes(),
            Format::Html,
            &InputOptions {
                html: mode,
                ..InputOptions::default()
            },
        );
        let took = start.elapsed();
        // Unoptimized test builds are several times slower than release,
        // where this takes well under a second.
        assert!(took < Duration::from_secs(20), "{mode:?}: {took:?}");
        assert!(doc.text.contains("The deepest paragraph of the page."));
        assert!(
            doc.warnings.iter().any(|w| w.contains("--max-nesting")),
            "{:?}",
            doc.warnings
        );
    }
}

#[test]
fn a_page_within_the_nesting_limit_has_no_warning() {
    let doc = read(
        nested_divs(100).as_bytes(),
        Format::Html,
        &InputOptions::default(),
    );
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn the_nesting_limit_is_settable_and_reported() {
    let opts = InputOptions {
        max_nesting: 10,
        html: HtmlMode::Full,
        ..InputOptions::default()
    };
    let doc = read(nested_divs(100).as_bytes(), Format::Html, &opts);
    assert_eq!(doc.text, "The deepest paragraph of the page.");
    let warning = doc.warnings.join("\n");
    assert!(warning.contains("deeper than 10 elements"), "{warning}");
}

#[test]
fn long_lines_are_cut_with_a_warning() {
    let opts = InputOptions {
        max_line_length: 10,
        ..InputOptions::default()
    };
    let doc = read(
        "short\nthis line is long\néééééééé\n".as_bytes(),
        Format::Text,
        &opts,
    );
    assert_eq!(doc.text, "short\nthis line \nééééé\n");
    assert!(doc.warnings[0].contains("2 line(s) longer than 10 bytes"));
}

#[test]
fn text_past_max_bytes_is_cut_with_a_warning() {
    let opts = InputOptions {
        max_bytes: 7,
        ..InputOptions::default()
    };
    let doc = read("ab\u{e9}\u{e9}\u{e9}\u{e9}".as_bytes(), Format::Text, &opts);
    assert_eq!(doc.text, "ab\u{e9}\u{e9}");
    assert!(
        doc.warnings[0].contains("--max-bytes"),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn a_file_past_max_bytes_is_read_in_part_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.txt"), "word ".repeat(10_000)).unwrap();
    std::fs::write(dir.path().join("small.txt"), "a small file").unwrap();
    let loaded = input::load(
        &[dir.path().to_path_buf()],
        &InputOptions {
            max_bytes: 1000,
            ..InputOptions::default()
        },
    );
    assert!(loaded.errors.is_empty());
    let big = &loaded.documents[0];
    assert_eq!((big.id.as_str(), big.text.len()), ("big.txt", 1000));
    assert!(big.warnings[0].contains("file longer than 1000 bytes"));
    assert_eq!(loaded.documents[1].text, "a small file");
    assert!(loaded.documents[1].warnings.is_empty());
}

#[test]
fn a_utf8_file_cut_inside_a_character_stays_utf8() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("e.txt"), "\u{e9}".repeat(100)).unwrap();
    let loaded = input::load(
        &[dir.path().to_path_buf()],
        &InputOptions {
            max_bytes: 11,
            ..InputOptions::default()
        },
    );
    let doc = &loaded.documents[0];
    assert_eq!(doc.text, "\u{e9}".repeat(5));
    assert_eq!(doc.encoding, input::Encoding::Utf8);
}

#[test]
fn main_content_leaves_out_navigation_and_comments() {
    let article = "<p>The council approved the new budget on Tuesday after a long debate about \
                   school funding, road repairs and the library's opening hours. </p>"
        .repeat(6);
    let page = format!(
        "<html lang=\"en\"><head><title>Budget approved</title>\
         <meta property=\"og:site_name\" content=\"Town News\">\
         <meta name=\"author\" content=\"Ann Writer\"></head><body>\
         <nav><ul><li><a href=\"/a\">Archive November 2012 (18)</a></li><li><a href=\"/b\">Cookie policy</a></li></ul></nav>\
         <article><h1>Budget approved</h1>{article}</article>\
         <div id=\"comments\" class=\"comments\"><p>Great post, visit my site</p></div>\
         <footer>Copyright Town News</footer></body></html>"
    );
    let main = read(page.as_bytes(), Format::Html, &InputOptions::default());
    assert!(main.text.contains("approved the new budget"));
    assert!(!main.text.contains("Archive November"), "{}", main.text);
    assert!(!main.text.contains("Copyright"), "{}", main.text);
    assert_eq!(main.meta.title.as_deref(), Some("Budget approved"));
    assert_eq!(main.meta.site.as_deref(), Some("Town News"));
    assert_eq!(main.meta.author.as_deref(), Some("Ann Writer"));
    assert_eq!(main.meta.language.as_deref(), Some("en"));
    let full = read(
        page.as_bytes(),
        Format::Html,
        &InputOptions {
            html: HtmlMode::Full,
            ..InputOptions::default()
        },
    );
    assert!(full.text.contains("Archive November") && full.text.contains("Copyright"));
}
#[test]
fn every_score_stays_in_the_unit_interval_on_random_pairs() {
    use proptest::prelude::*;
    // Long and short texts, repeated lines, numbers and names.
    let line = prop::sample::select(vec![
        "The Astana Times reported 1,250 new jobs in 2024.",
        "Officials said the plan would cost 3.5 million dollars.",
        "officials said the plan would cost 3.5 million dollars",
        "Jane Roe of Reuters wrote that the vote was close.",
        "It rained.",
        "2024 2025 2026 1 2 3 4 5 6 7 8 9",
        "The committee met again on Monday to review the plan and its cost.",
        "Ünïcödé wörds and 東京 text mixed in",
        "",
    ]);
    let text = prop::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
    runner
        .run(&(text.clone(), text), |(a, b)| {
            invariants::check_pair(&a, &b);
            Ok(())
        })
        .unwrap();
}
