//! The HTML report in a real browser: rendered by the binary, loaded in
//! headless Chromium, checked through the dumped DOM (passages highlighted,
//! the script's init marker set, no console errors), screenshots saved
//! under target/screenshots/. Also escaping of hostile documents, no
//! external references, and `dedup report` as a view of the JSON.
//!
//! The browser tests print a message and skip only when no Chromium binary
//! is installed.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const REWRITE: &str = "000_f7ff5efcf92a0c65.txt";
const ASTANA_TIMES: &str = "001_0ae9a733e2d797e1.txt";

/// The Chromium binary on PATH; says the browser part is skipped when there
/// is none (`.ci/run` installs it).
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).find_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"]
                .iter()
                .map(|name| dir.join(name))
                .find(|candidate| candidate.is_file())
        })
    });
    if found.is_none() {
        println!(
            "SKIPPED the browser part of this test: no chromium binary on PATH (apt-get install chromium)"
        );
    }
    found
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `dedup` with `args` in the repository root; returns stdout, stderr
/// and the exit code.
fn dedup(args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Scans `dir` to an HTML file in `tmp`.
fn scan_html(dir: &str, tmp: &Path) -> PathBuf {
    let out = tmp.join("report.html");
    let (_, stderr, code) = dedup(&["scan", dir, "--format", "html", "-o", out.to_str().unwrap()]);
    assert!(code <= 1, "scan failed ({code}): {stderr}");
    out
}

struct Page {
    dom: String,
    log: String,
}

/// Loads `file#fragment` headless; `extra` adds flags (screenshot, window
/// size, dark mode).
fn load(browser: &Path, file: &Path, fragment: &str, extra: &[String]) -> Page {
    let profile = tempfile::tempdir().unwrap();
    let url = format!(
        "file://{}{fragment}",
        std::fs::canonicalize(file).unwrap().display()
    );
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url)
        .output()
        .expect("chromium runs");
    Page {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        log: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn dump(browser: &Path, file: &Path, fragment: &str) -> Page {
    let page = load(browser, file, fragment, &["--dump-dom".to_string()]);
    assert_no_script_errors(&page);
    page
}

fn screenshot(browser: &Path, file: &Path, fragment: &str, name: &str, size: &str, dark: bool) {
    let shot = screenshots_dir().join(name);
    let _ = std::fs::remove_file(&shot);
    let mut flags = vec![
        format!("--screenshot={}", shot.display()),
        format!("--window-size={size}"),
    ];
    if dark {
        flags.push("--force-dark-mode".into());
    }
    let page = load(browser, file, fragment, &flags);
    assert!(!page.log.contains("Uncaught"), "script error: {}", page.log);
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 1000),
        "no screenshot {}: {}",
        shot.display(),
        page.log
    );
}

/// The script marks `<body data-ready="1">` when its init ran through; an
/// exception would also show as an "Uncaught" console line.
fn assert_no_script_errors(page: &Page) {
    assert!(
        page.dom.contains("data-ready=\"1\""),
        "the page script did not finish: {}",
        page.log
    );
    for line in page.log.lines() {
        assert!(
            // The page logs nothing itself: any console line is a problem.
            !line.contains("Uncaught") && !line.contains(":CONSOLE"),
            "console message: {line}"
        );
    }
}

/// The inner HTML of `<section id="finding-N" ...>` in a DOM dump.
fn section(dom: &str, n: usize) -> &str {
    let start = dom
        .find(&format!("id=\"finding-{n}\""))
        .unwrap_or_else(|| panic!("no finding-{n} in the page"));
    let end = dom[start..].find("</section>").expect("section closes") + start;
    &dom[start..end]
}

/// The marked-up text of one side of a finding view.
fn side<'a>(section: &'a str, side: &str) -> &'a str {
    let start = section
        .find(&format!("class=\"doc\" data-side=\"{side}\">"))
        .expect("document side");
    let rest = &section[start..];
    &rest[..rest.find("</div>").expect("side closes")]
}

fn marks(html: &str) -> usize {
    html.matches("<mark class=\"ps ").count()
}

#[test]
fn samples_report_renders_in_chromium_with_highlighted_passages() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scan_html("samples", tmp.path());
    let html = std::fs::read_to_string(&file).unwrap();
    // Readable without the script: the detail view is in the HTML itself.
    let written = section(&html, 1);
    assert!(written.contains(REWRITE) && written.contains(ASTANA_TIMES));
    assert!(marks(side(written, "a")) > 0 && marks(side(written, "b")) > 0);
    assert!(written.contains("Source: <b class=\"src\">001_0ae9a733e2d797e1.txt</b>"));

    let Some(browser) = chromium() else {
        return;
    };
    let page = dump(&browser, &file, "");
    let view = section(&page.dom, 1);
    assert!(view.contains(REWRITE) && view.contains(ASTANA_TIMES));
    let (a, b) = (side(view, "a"), side(view, "b"));
    assert!(
        marks(a) >= 4 && marks(b) >= 4,
        "{} / {} marks",
        marks(a),
        marks(b)
    );
    // The findings table lists the pair, with its link.
    assert!(page.dom.contains("<a href=\"#finding-1\">1</a>"));

    // Opened by its fragment, the finding is the view on screen.
    let page = dump(&browser, &file, "#finding-1");
    assert!(page.dom.contains("class=\"finding current\""));
    screenshot(&browser, &file, "", "overview.png", "1400,1000", false);
    screenshot(
        &browser,
        &file,
        "#finding-1",
        "finding.png",
        "1400,1000",
        false,
    );
    screenshot(
        &browser,
        &file,
        "#finding-1",
        "finding-dark.png",
        "1400,1000",
        true,
    );
    screenshot(
        &browser,
        &file,
        "#finding-1",
        "finding-narrow.png",
        "480,1000",
        false,
    );
    screenshot(
        &browser,
        &file,
        "",
        "overview-narrow-dark.png",
        "480,1000",
        true,
    );
}

/// Every `data-s` sentence name in `html`, with the inner HTML of its span
/// and the `data-p` of the mark it sits in.
fn sentence_spans(html: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (k, _) in html.match_indices("<span class=\"s\"") {
        let tag_end = k + html[k..].find('>').unwrap();
        let tag = &html[k..tag_end];
        let names = tag.split("data-s=\"").nth(1).unwrap();
        let names = &names[..names.find('"').unwrap()];
        let inner = &html[tag_end + 1..tag_end + html[tag_end..].find("</span>").unwrap()];
        let mark = &html[html[..k].rfind("<mark ").expect("inside a mark")..k];
        assert!(
            !mark.contains("</mark>"),
            "sentence outside its passage: {tag}"
        );
        let p = mark.split("data-p=\"").nth(1).unwrap();
        let p = &p[..p.find('"').unwrap()];
        for name in names.split(' ') {
            out.push((name.to_string(), inner.to_string(), p.to_string()));
        }
    }
    out
}

/// The samples' finding (000 <- 001) as JSON.
fn samples_finding() -> serde_json::Value {
    let (json, _, code) = dedup(&["scan", "samples", "--format", "json"]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    report["pairs"][0].clone()
}

#[test]
fn every_sentence_pair_is_marked_on_both_sides_of_the_written_view() {
    let finding = samples_finding();
    let texts: Vec<String> = ["a", "b"]
        .iter()
        .map(|side| {
            let id = finding[side].as_str().unwrap();
            std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("samples")
                    .join(id),
            )
            .unwrap()
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(scan_html("samples", tmp.path())).unwrap();
    let view = section(&html, 1);
    let mut expected = 0;
    for (s, which) in ["a", "b"].into_iter().enumerate() {
        let spans = sentence_spans(side(view, which));
        let mut names: Vec<&str> = spans.iter().map(|(n, _, _)| n.as_str()).collect();
        let mut want = Vec::new();
        for (k, p) in finding["passages"].as_array().unwrap().iter().enumerate() {
            for (j, pair) in p["pairs"].as_array().unwrap().iter().enumerate() {
                let name = format!("{k}-{j}");
                // The span is the sentence's text on this side, in its
                // passage's mark.
                let r = &pair[which];
                let (from, to) = (
                    r[0].as_u64().unwrap() as usize,
                    r[1].as_u64().unwrap() as usize,
                );
                let (_, inner, mark) = spans
                    .iter()
                    .find(|(n, _, _)| *n == name)
                    .unwrap_or_else(|| panic!("no sentence {name} on side {which}"));
                assert_eq!(
                    inner,
                    &dedup::report::html::esc(&texts[s][from..to]),
                    "{name}"
                );
                assert_eq!(mark, &k.to_string(), "{name} outside passage {k}");
                want.push(name);
            }
        }
        names.sort_unstable();
        want.sort_unstable();
        assert_eq!(names, want, "side {which}: one span per sentence pair");
        expected = want.len();
    }
    assert!(
        expected >= 10,
        "the samples' finding has {expected} sentence pairs"
    );
}

/// Past the written detail views the script draws a finding from the
/// embedded data; it must come out as the Rust renderer writes it.
#[test]
fn finding_drawn_by_the_script_matches_the_written_one() {
    use dedup::report::html::{write_html, DocTexts, HtmlOptions};
    let loaded = dedup::input::load(
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")],
        &dedup::input::InputOptions::default(),
    );
    let report = dedup::pipeline::scan(
        &loaded.documents,
        loaded.errors.clone(),
        &dedup::Params::default(),
        dedup::pipeline::Scope::All,
    );
    assert_eq!(report.pairs.len(), 1);
    let texts: DocTexts = loaded
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let render = |server_findings: usize, name: &str| {
        let mut page = Vec::new();
        let opts = HtmlOptions {
            server_findings,
            ..Default::default()
        };
        write_html(&report, &texts, &opts, &mut page).unwrap();
        let path = tmp.path().join(name);
        std::fs::write(&path, page).unwrap();
        path
    };
    let written = render(1, "written.html");
    let drawn = render(0, "drawn.html");
    let drawn_html = std::fs::read_to_string(&drawn).unwrap();
    assert!(!drawn_html.contains("id=\"finding-1\""));
    assert!(drawn_html.contains("drawn by the page's script"));
    let Some(browser) = chromium() else {
        return;
    };
    let w = dump(&browser, &written, "#finding-1");
    let d = dump(&browser, &drawn, "#finding-1");
    let (ws, ds) = (section(&w.dom, 1), section(&d.dom, 1));
    for s in ["a", "b"] {
        assert!(marks(side(ds, s)) > 0);
        // The sentence links too, as the written view has them.
        assert!(side(ds, s).contains("<span class=\"s\" tabindex=\"0\" data-s=\"0-0\""));
        assert_eq!(side(ws, s), side(ds, s), "side {s} differs");
    }
    assert!(ds.contains("Source: <b class=\"src\">001_0ae9a733e2d797e1.txt</b>"));
    assert!(ds.contains("<table class=\"evidence\">"));
    screenshot(
        &browser,
        &drawn,
        "#finding-1",
        "finding-drawn.png",
        "1400,1000",
        false,
    );
}

#[test]
fn clough_dev_report_renders_in_chromium() {
    // Beside the repository; from a worktree under wt/, one level further up.
    let candidates = [
        "../shared/eval/clough-dev/docs",
        "../../shared/eval/clough-dev/docs",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(dir) = candidates.into_iter().find(|d| root.join(d).is_dir()) else {
        println!("SKIPPED: ../shared/eval/clough-dev/docs is not present");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = scan_html(dir, tmp.path());
    let (json, _, _) = dedup(&["scan", dir, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = report["pairs"].as_array().unwrap().len();
    assert!(findings > 10);
    let Some(browser) = chromium() else {
        return;
    };
    let page = dump(&browser, &file, "");
    let rows = page.dom.matches("<tr data-v=").count();
    assert_eq!(rows, findings);
    let view = section(&page.dom, 1);
    assert!(marks(side(view, "a")) > 0 && marks(side(view, "b")) > 0);
    screenshot(
        &browser,
        &file,
        "",
        "clough-overview.png",
        "1400,1000",
        false,
    );
    screenshot(
        &browser,
        &file,
        "#finding-1",
        "clough-finding.png",
        "1400,1000",
        false,
    );
}

const HOSTILE: &str = "Breaking: the council <script>alert(1)</script> approved the new river \
bridge budget after months of debate, and residents said traffic would finally ease </textarea> \
across the old town once the work is done in the spring, the mayor told reporters on Monday \
morning at a crowded press conference in the city hall.\n";

#[test]
fn hostile_document_text_is_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("a.txt"), HOSTILE).unwrap();
    std::fs::write(
        docs.join("b.txt"),
        HOSTILE
            .replace("Breaking:", "Update:")
            .replace("Monday", "Tuesday"),
    )
    .unwrap();
    let file = scan_html(docs.to_str().unwrap(), tmp.path());
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;/textarea&gt;"));
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("</textarea>"));
    // The page's own two scripts and its data block, nothing else.
    assert_eq!(html.matches("<script").count(), 3);
    assert_eq!(html.matches("</script>").count(), 3);
    assert!(marks(section(&html, 1)) > 0, "the near-copy is a finding");

    // The same documents through the embedded data (the script's path).
    use dedup::report::html::{write_html, DocTexts, HtmlOptions};
    let loaded = dedup::input::load(std::slice::from_ref(&docs), &Default::default());
    let report = dedup::pipeline::scan(
        &loaded.documents,
        vec![],
        &dedup::Params::default(),
        dedup::pipeline::Scope::All,
    );
    let texts: DocTexts = loaded
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();
    let mut page = Vec::new();
    let opts = HtmlOptions {
        server_findings: 0,
        ..Default::default()
    };
    write_html(&report, &texts, &opts, &mut page).unwrap();
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("\\u003cscript\\u003ealert(1)"));
    assert!(!page.contains("<script>alert") && !page.contains("</textarea>"));
    assert_eq!(page.matches("</script>").count(), 3);
    let drawn = tmp.path().join("drawn.html");
    std::fs::write(&drawn, &page).unwrap();

    let Some(browser) = chromium() else {
        return;
    };
    for (file, fragment) in [(&file, "#finding-1"), (&drawn, "#finding-1")] {
        let page = dump(&browser, file, fragment);
        let view = section(&page.dom, 1);
        assert!(view.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!view.contains("<script"));
        assert!(marks(view) > 0);
    }
}

#[test]
fn page_references_nothing_outside_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(scan_html("samples", tmp.path()))
        .unwrap()
        .to_lowercase();
    for attr in ["src=", "href=", "action=", "srcset="] {
        for (k, _) in html.match_indices(attr) {
            let value = html[k + attr.len()..].trim_start_matches(['"', '\'']);
            assert!(
                !value.starts_with("http") && !value.starts_with("//"),
                "external reference: {}",
                &html[k..(k + 60).min(html.len())]
            );
        }
    }
    assert!(!html.contains("@import"));
    assert!(!html.contains("url(http") && !html.contains("url(//") && !html.contains("url(\"http"));
    assert!(!html.contains("fetch(") && !html.contains("xmlhttprequest"));
}

#[test]
fn report_command_renders_the_saved_json_as_scan_does() {
    let tmp = tempfile::tempdir().unwrap();
    let direct = scan_html("samples", tmp.path());
    let json = tmp.path().join("report.json");
    let (_, _, code) = dedup(&[
        "scan",
        "samples",
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let rendered = tmp.path().join("from-json.html");
    let (_, stderr, code) = dedup(&[
        "report",
        json.to_str().unwrap(),
        "-o",
        rendered.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&direct).unwrap(),
        std::fs::read_to_string(&rendered).unwrap()
    );
}

#[test]
fn changed_document_falls_back_to_passages_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for name in [REWRITE, ASTANA_TIMES] {
        std::fs::copy(samples.join(name), docs.join(name)).unwrap();
    }
    let json = tmp.path().join("report.json");
    let (_, _, code) = dedup(&[
        "scan",
        docs.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(docs.join(REWRITE)).unwrap();
    std::fs::write(docs.join(REWRITE), format!("Editor's note.\n{text}")).unwrap();
    std::fs::remove_file(docs.join(ASTANA_TIMES)).unwrap();
    let out = tmp.path().join("report.html");
    let (_, stderr, code) = dedup(&[
        "report",
        json.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(stderr.contains("2 of 2 documents"), "{stderr}");
    let html = std::fs::read_to_string(out).unwrap();
    let view = section(&html, 1);
    assert!(view.contains("showing the passages only"));
    assert!(view.contains("the full text is not available"));
    assert!(view.contains("no longer matches the report"));
    assert!(marks(side(view, "a")) >= 4 && marks(side(view, "b")) >= 4);
    assert!(!view.contains("Editor&#39;s note"));
}

#[test]
fn report_command_rejects_what_is_not_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let bogus = tmp.path().join("x.json");
    std::fs::write(&bogus, "{\"not\": \"a report\"}").unwrap();
    let (_, stderr, code) = dedup(&["report", bogus.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a dedup JSON report"), "{stderr}");
    let (_, stderr, code) = dedup(&["report", "no/such/report.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such/report.json"), "{stderr}");
}

/// Appends `probe` as a last script: it runs right after the page's own
/// init and writes what it saw to `<body data-probe>`.
fn with_probe(file: &Path, probe: &str, out: &Path) {
    let html = std::fs::read_to_string(file).unwrap();
    let at = html.rfind("</body>").unwrap();
    let page = format!(
        "{}<script>(function(){{var r={{}};{probe};document.body.setAttribute('data-probe',JSON.stringify(r));}})();</script>{}",
        &html[..at],
        &html[at..]
    );
    std::fs::write(out, page).unwrap();
}

fn probe_result(dom: &str) -> serde_json::Value {
    let start = dom.find("data-probe=\"").expect("probe ran") + "data-probe=\"".len();
    let raw = &dom[start..start + dom[start..].find('"').unwrap()];
    serde_json::from_str(&raw.replace("&quot;", "\"").replace("&amp;", "&")).unwrap()
}

#[test]
fn keyboard_and_click_navigation_work_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scan_html("samples", tmp.path());
    let Some(browser) = chromium() else {
        return;
    };
    let probed = tmp.path().join("probed.html");
    with_probe(
        &file,
        r#"
        function key(k){document.dispatchEvent(new KeyboardEvent('keydown',{key:k,bubbles:true}));}
        function active(){var m=document.querySelectorAll('.finding.current mark.active');
          var sides={};for(var i=0;i<m.length;i++){sides[m[i].closest('.doc').getAttribute('data-side')]=m[i].getAttribute('data-p');}
          return sides;}
        key('j');key('j');r.afterJJ=active();
        key('k');key('k');key('k');r.afterKKK=active();
        var b=document.querySelector('.finding.current .doc[data-side=b]');
        b.scrollTop=0;
        document.querySelector('.finding.current .doc[data-side=a] mark[data-p="3"]').click();
        r.clicked=active();r.scrollB=b.scrollTop;
        var m=b.querySelector('mark[data-p="3"]');
        r.visibleB=m.offsetTop>=b.scrollTop&&m.offsetTop<b.scrollTop+b.clientHeight;
        "#,
        &probed,
    );
    let page = dump(&browser, &probed, "#finding-1");
    let r = probe_result(&page.dom);
    assert_eq!(r["afterJJ"], serde_json::json!({"a": "1", "b": "1"}));
    // From passage 1, three steps back: 0, then around to the last (3), then 2.
    assert_eq!(r["afterKKK"], serde_json::json!({"a": "2", "b": "2"}));
    assert_eq!(r["clicked"], serde_json::json!({"a": "3", "b": "3"}));
    assert!(r["scrollB"].as_f64().unwrap() > 0.0, "{r}");
    assert_eq!(r["visibleB"], true, "{r}");
}

#[test]
fn findings_table_sorts_and_filters_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    // Three near-copies of one text, every pair asked for: three findings.
    for (name, tweak) in [
        ("c.txt", "Monday"),
        ("a.txt", "Tuesday"),
        ("b.txt", "Friday"),
    ] {
        std::fs::write(docs.join(name), HOSTILE.replace("Monday", tweak)).unwrap();
    }
    let file = tmp.path().join("report.html");
    let (_, stderr, code) = dedup(&[
        "scan",
        docs.to_str().unwrap(),
        "--all-pairs",
        "--format",
        "html",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(code <= 1, "scan failed ({code}): {stderr}");
    let Some(browser) = chromium() else {
        return;
    };
    let probed = tmp.path().join("probed.html");
    with_probe(
        &file,
        r#"
        function col(k){return Array.prototype.map.call(document.querySelectorAll('#findings tbody tr'),
          function(tr){return tr.cells[k].textContent;});}
        r.before=col(0);
        var th=document.querySelectorAll('#findings th');
        th[0].click();r.asc=col(0);
        th[0].click();r.desc=col(0);
        var f=document.getElementById('filter');f.value='c.txt';f.dispatchEvent(new Event('input'));
        r.visible=Array.prototype.filter.call(document.querySelectorAll('#findings tbody tr'),function(tr){return !tr.hidden;}).length;
        r.shown=document.getElementById('shown').textContent;
        "#,
        &probed,
    );
    let page = dump(&browser, &probed, "");
    let r = probe_result(&page.dom);
    assert_eq!(r["asc"], serde_json::json!(["1", "2", "3"]));
    assert_eq!(r["desc"], serde_json::json!(["3", "2", "1"]));
    assert_eq!(r["visible"], 2, "{r}");
    assert_eq!(r["shown"], "2 of 3 shown");
}

#[test]
fn hovering_focusing_and_clicking_a_sentence_lights_its_match_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scan_html("samples", tmp.path());
    let Some(browser) = chromium() else {
        return;
    };
    let probed = tmp.path().join("probed.html");
    with_probe(
        &file,
        r#"
        function lit(cls){var m=document.querySelectorAll('.finding.current span.s.'+cls),out=[];
          for(var i=0;i<m.length;i++){out.push(m[i].closest('.doc').getAttribute('data-side')+':'+m[i].getAttribute('data-s'));}
          return out.sort();}
        function span(side,name){return document.querySelector('.finding.current .doc[data-side='+side+'] span[data-s="'+name+'"]');}
        var a=span('a','3-1'),b=document.querySelector('.finding.current .doc[data-side=b]');
        a.dispatchEvent(new MouseEvent('mouseover',{bubbles:true}));
        r.hovered=lit('hl');
        document.body.dispatchEvent(new MouseEvent('mouseover',{bubbles:true}));
        r.left=lit('hl');
        b.scrollTop=0;
        a.click();
        r.linked=lit('linked');
        r.activeMarks=document.querySelectorAll('.finding.current mark.active').length;
        var match=span('b','3-1');
        r.scrollB=b.scrollTop;
        r.visibleB=match.offsetTop>=b.scrollTop&&match.offsetTop<b.scrollTop+b.clientHeight;
        document.dispatchEvent(new KeyboardEvent('keydown',{key:'j',bubbles:true}));
        var m=document.querySelectorAll('.finding.current mark.active');r.afterJ=m.length?m[0].getAttribute('data-p'):null;
        r.linkedAfterJ=lit('linked');
        var s=span('b','0-2');s.focus();
        r.focused=lit('hl');
        s.dispatchEvent(new KeyboardEvent('keydown',{key:'Enter',bubbles:true}));
        r.entered=lit('linked');
        "#,
        &probed,
    );
    let page = dump(&browser, &probed, "#finding-1");
    let r = probe_result(&page.dom);
    assert_eq!(r["hovered"], serde_json::json!(["a:3-1", "b:3-1"]), "{r}");
    assert_eq!(r["left"], serde_json::json!([]), "{r}");
    assert_eq!(r["linked"], serde_json::json!(["a:3-1", "b:3-1"]), "{r}");
    // Lit by its sentences alone, the clicked passage is the current one:
    // `j` goes on to the next (around to the first).
    assert_eq!(r["activeMarks"], 0, "{r}");
    assert_eq!(r["afterJ"], "0", "{r}");
    assert_eq!(r["linkedAfterJ"], serde_json::json!([]), "{r}");
    assert!(r["scrollB"].as_f64().unwrap() > 0.0, "{r}");
    assert_eq!(r["visibleB"], true, "{r}");
    assert_eq!(r["focused"], serde_json::json!(["a:0-2", "b:0-2"]), "{r}");
    assert_eq!(r["entered"], serde_json::json!(["a:0-2", "b:0-2"]), "{r}");
    // The probe's last step leaves sentence pair 0-2 linked on screen.
    screenshot(
        &browser,
        &probed,
        "#finding-1",
        "finding-sentences.png",
        "1400,1000",
        false,
    );
}

#[test]
fn provenance_graph_is_drawn_with_the_source_as_root() {
    let tmp = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(scan_html("samples", tmp.path())).unwrap();
    let start = html
        .find("<figure class=\"graph\" id=\"provenance-1\">")
        .expect("a provenance figure");
    let figure = &html[start..start + html[start..].find("</figure>").unwrap()];
    assert_eq!(figure.matches("<rect").count(), 2, "{figure}");
    assert_eq!(figure.matches("<line").count(), 1, "{figure}");
    let root = figure.find("class=\"node root\"").expect("a root node");
    assert!(
        figure[root..].contains("<title>001_0ae9a733e2d797e1.txt</title>"),
        "{figure}"
    );
    assert!(figure.contains(
        "<figcaption>001_0ae9a733e2d797e1.txt -&gt; 000_f7ff5efcf92a0c65.txt</figcaption>"
    ));
}
