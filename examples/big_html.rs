//! Renders a synthetic report with 10,000 findings over 4,000 documents to
//! HTML and prints the page size; with Chromium on the PATH, also how long
//! the page takes to load headless.
//!
//! `cargo run --release --example big_html -- [OUT.html] [FINDINGS]`

use dedup::input::{DocMeta, Encoding, Format};
use dedup::report::html::{write_html, DocTexts, HtmlOptions};
use dedup::report::{
    Cluster, DocumentInfo, Evidence, Finding, MatchKind, Passage, Report, Stats, Verdict,
};
use std::time::Instant;

const WORDS: &[&str] = &[
    "the",
    "council",
    "approved",
    "a",
    "budget",
    "for",
    "river",
    "bridge",
    "after",
    "months",
    "of",
    "debate",
    "residents",
    "said",
    "traffic",
    "would",
    "ease",
    "mayor",
    "plan",
    "city",
    "new",
    "school",
    "opened",
    "on",
    "monday",
    "with",
    "students",
    "teachers",
    "and",
    "parents",
];

/// A small deterministic generator (xorshift), so every run builds the same
/// report.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn text(rng: &mut Rng, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 16);
    while s.len() < bytes {
        s.push_str(WORDS[rng.below(WORDS.len())]);
        s.push(if rng.below(12) == 0 { '\n' } else { ' ' });
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out_path = args.first().cloned().unwrap_or("target/big.html".into());
    let findings: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let docs = 4_000usize;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let texts: Vec<String> = (0..docs)
        .map(|_| {
            let len = 1500 + rng.below(3000);
            text(&mut rng, len)
        })
        .collect();
    let ids: Vec<String> = (0..docs).map(|i| format!("feed/{i:05}.txt")).collect();
    let documents = ids
        .iter()
        .zip(&texts)
        .map(|(id, t)| DocumentInfo {
            id: id.clone(),
            path: format!("corpus/{id}"),
            bytes: t.len(),
            tokens: t.split_whitespace().count(),
            encoding: Encoding::Utf8,
            format: Format::Text,
            meta: DocMeta::default(),
            warnings: vec![],
            language: None,
            boilerplate_sentences: 0,
        })
        .collect();
    let mut pairs = Vec::with_capacity(findings);
    for k in 0..findings {
        let a = rng.below(docs - 1);
        let b = a + 1 + rng.below(docs - 1 - a);
        let passages = (0..1 + rng.below(3))
            .map(|p| {
                let span = |t: &str, rng: &mut Rng| {
                    let len = 80 + rng.below(300);
                    let start = (p * t.len() / 3 + rng.below(t.len() / 4)).min(t.len() - len);
                    let (s, e) = (floor(t, start), floor(t, start + len));
                    [s, e]
                };
                let ra = span(&texts[a], &mut rng);
                let rb = span(&texts[b], &mut rng);
                Passage {
                    a: ra,
                    b: rb,
                    similarity: 0.4 + rng.below(60) as f64 / 100.0,
                    kind: if rng.below(2) == 0 {
                        MatchKind::Verbatim
                    } else {
                        MatchKind::Reworded
                    },
                    text_a: texts[a][ra[0]..ra[1]].to_string(),
                    text_b: texts[b][rb[0]..rb[1]].to_string(),
                    reason: String::new(),
                    pairs: Vec::new(),
                }
            })
            .collect();
        let source = (k % 3 != 0).then(|| ids[a].clone());
        pairs.push(Finding {
            a: ids[a].clone(),
            b: ids[b].clone(),
            verdict: Verdict::ALL[k % 4],
            tier: Default::default(),
            score: 0.5 + rng.below(50) as f64 / 100.0,
            jaccard: rng.below(100) as f64 / 100.0,
            containment_a_in_b: rng.below(100) as f64 / 100.0,
            containment_b_in_a: rng.below(100) as f64 / 100.0,
            coverage_a: rng.below(100) as f64 / 100.0,
            coverage_b: rng.below(100) as f64 / 100.0,
            confidence: if source.is_some() { 0.7 } else { 0.0 },
            evidence: vec![Evidence {
                kind: "containment".into(),
                detail: format!("{}% of one is in the other", rng.below(100)),
                favours: source.clone(),
                weight: 0.6,
            }],
            source,
            passages,
            cluster_a: None,
            cluster_b: None,
        });
    }
    let mut report = Report {
        version: dedup::report::SCHEMA_VERSION,
        tool: "dedup (synthetic)".into(),
        params: dedup::Params::default(),
        summary: Default::default(),
        documents,
        pairs,
        clusters: vec![Cluster {
            keep: ids[0].clone(),
            drop: vec![ids[1].clone()],
            members: vec![],
        }],
        provenance: vec![],
        errors: vec![],
        stats: Stats::default(),
    };
    report.summarize();
    let lookup: DocTexts = ids
        .iter()
        .zip(&texts)
        .map(|(i, t)| (i.as_str(), t.as_str()))
        .collect();
    let started = Instant::now();
    let mut page = Vec::new();
    write_html(&report, &lookup, &HtmlOptions::default(), &mut page).unwrap();
    let render = started.elapsed();
    std::fs::write(&out_path, &page).unwrap();
    let json = serde_json::to_vec(&report).unwrap();
    println!(
        "{findings} findings, {docs} documents: HTML {:.1} MB (the JSON report: {:.1} MB), rendered in {:.0} ms",
        page.len() as f64 / 1e6,
        json.len() as f64 / 1e6,
        render.as_secs_f64() * 1e3
    );
    measure_in_chromium(&out_path, findings);
}

fn floor(t: &str, mut i: usize) -> usize {
    while !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Loads the page (overview, then the last finding's lazily drawn view) in
/// headless Chromium and prints the wall time and the page's own load time.
fn measure_in_chromium(path: &str, findings: usize) {
    let Ok(abs) = std::fs::canonicalize(path) else {
        return;
    };
    let profile = std::env::temp_dir().join(format!("big_html_profile_{}", std::process::id()));
    for fragment in [String::new(), format!("#finding-{findings}")] {
        let url = format!("file://{}{fragment}", abs.display());
        let started = Instant::now();
        let out = std::process::Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(&url)
            .output();
        let Ok(out) = out else {
            println!("chromium not found: load time not measured");
            return;
        };
        let wall = started.elapsed();
        let dom = String::from_utf8_lossy(&out.stdout);
        let attr = |name: &str| {
            dom.find(&format!("{name}=\""))
                .map(|k| &dom[k + name.len() + 2..])
                .and_then(|r| r.split('"').next())
                .unwrap_or("?")
                .to_string()
        };
        println!(
            "chromium {url}: wall {:.2} s (includes browser start), page init {} ms, load event {} ms, ready={}, marks in view: {}",
            wall.as_secs_f64(),
            attr("data-init-ms"),
            attr("data-load-ms"),
            attr("data-ready"),
            dom.matches("<mark class=\"ps").count()
        );
    }
    let _ = std::fs::remove_dir_all(profile);
}
