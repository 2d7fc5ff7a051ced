//! The composable commands of a distributed run (`dedup sketch`, `buckets`,
//! `verify`, `assemble`): a driver written here in a few lines, grouping
//! keys as Spark would, gets the report `dedup scan` writes; keys are the
//! same on every run; bad input is an error naming the line or file.

use assert_cmd::Command;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn dedup(args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .args(args)
        .write_stdin(stdin.to_string())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str], stdin: &str) -> Vec<Value> {
    let (code, out, err) = dedup(args, stdin);
    assert_eq!(code, 0, "dedup {args:?} failed: {err}");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn lines(values: &[Value]) -> String {
    values.iter().map(|v| v.to_string() + "\n").collect()
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

/// The driver's stages with in-memory grouping, as contrib/spark does them
/// with Spark: the report of a directory.
fn distributed_report(dir: &Path, tmp: &Path) -> Value {
    // Records numbered in id order, the scan's.
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    files.sort();
    let records: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(i, f)| json!({"idx": i, "id": f, "path": dir.join(f).to_string_lossy()}))
        .collect();
    let by_idx = |i: u32| records[i as usize].clone();
    let n = records.len().to_string();
    let write = |name: &str, v: &Value| {
        let p = tmp.join(name);
        std::fs::write(&p, v.to_string()).unwrap();
        p.to_string_lossy().into_owned()
    };
    // 1-2. Sentence buckets -> boilerplate.
    let first = ok(&["sketch"], &lines(&records));
    let mut sentences: BTreeMap<u64, BTreeSet<usize>> = BTreeMap::new();
    for (i, s) in first.iter().enumerate() {
        for h in s["sentences"].as_array().unwrap() {
            sentences.entry(h.as_u64().unwrap()).or_default().insert(i);
        }
    }
    let sentence_buckets: Vec<Value> = sentences
        .iter()
        .filter(|(_, h)| h.len() >= 2)
        .map(|(k, h)| {
            let holders: Vec<Value> = h
                .iter()
                .map(|&i| json!([first[i]["id"], first[i]["signature"]]))
                .collect();
            json!({"tier": "sentence", "key": k, "holders": holders})
        })
        .collect();
    let boilerplate: Vec<Value> = ok(&["buckets"], &lines(&sentence_buckets))
        .iter()
        .map(|o| o["boilerplate"].clone())
        .collect();
    let facts = write("boilerplate.json", &json!({ "boilerplate": boilerplate }));
    // 3. Keys of every tier.
    let sketches = ok(
        &["sketch", "--collection", &facts, "--collection-size", &n],
        &lines(&records),
    );
    // 4. Star buckets.
    let mut stars: BTreeMap<(String, u64), Vec<u32>> = BTreeMap::new();
    for s in &sketches {
        let i = s["idx"].as_u64().unwrap() as u32;
        if let Some(h) = s["content_hash"].as_u64() {
            stars.entry(("exact".into(), h)).or_default().push(i);
        }
        for k in s["bands"].as_array().unwrap() {
            stars
                .entry(("band".into(), k.as_u64().unwrap()))
                .or_default()
                .push(i);
        }
    }
    let star_lines: Vec<Value> = stars
        .iter()
        .filter(|(_, m)| m.len() >= 2)
        .map(|((t, _), m)| json!({"tier": t, "members": m}))
        .collect();
    let edges: BTreeSet<(u32, u32)> = ok(&["buckets"], &lines(&star_lines))
        .iter()
        .map(|p| {
            (
                p["a"].as_u64().unwrap() as u32,
                p["b"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    // 5. Near-duplicate test, components.
    let pair_lines = |pairs: &BTreeSet<(u32, u32)>| -> String {
        lines(
            &pairs
                .iter()
                .map(|&(a, b)| json!({"a": by_idx(a), "b": by_idx(b)}))
                .collect::<Vec<_>>(),
        )
    };
    let tested = ok(
        &["verify", "--mode", "near-duplicate", "--collection", &facts],
        &pair_lines(&edges),
    );
    let mut label: Vec<u32> = (0..records.len() as u32).collect();
    fn root(label: &mut [u32], x: u32) -> u32 {
        let mut x = x;
        while label[x as usize] != x {
            x = label[x as usize];
        }
        x
    }
    let mut rejected = BTreeSet::new();
    for t in &tested {
        let (a, b) = (
            t["a"].as_u64().unwrap() as u32,
            t["b"].as_u64().unwrap() as u32,
        );
        if t["near_duplicate"].as_bool().unwrap() {
            let (ra, rb) = (root(&mut label, a), root(&mut label, b));
            label[ra.max(rb) as usize] = ra.min(rb);
        } else {
            rejected.insert((a, b));
        }
    }
    let mut groups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let in_edge: BTreeSet<u32> = tested
        .iter()
        .filter(|t| t["near_duplicate"].as_bool().unwrap())
        .flat_map(|t| {
            [
                t["a"].as_u64().unwrap() as u32,
                t["b"].as_u64().unwrap() as u32,
            ]
        })
        .collect();
    for &i in &in_edge {
        let r = root(&mut label, i);
        groups.entry(r).or_default().push(i);
    }
    // 6. Representatives.
    let cluster_lines: Vec<Value> = groups
        .values()
        .map(|g| json!({"members": g.iter().map(|&i| by_idx(i)).collect::<Vec<_>>()}))
        .collect();
    let clustered = ok(
        &["verify", "--mode", "cluster", "--collection", &facts],
        &lines(&cluster_lines),
    );
    let mut rep: Vec<u32> = (0..records.len() as u32).collect();
    let mut links = Vec::new();
    let mut findings = Vec::new();
    for c in &clustered {
        let r = c["representative"].as_u64().unwrap() as u32;
        for m in u32s(&c["members"]) {
            rep[m as usize] = r;
            links.push(json!({"a": m, "b": r}));
        }
        findings.extend(c["findings"].as_array().unwrap().iter().cloned());
    }
    // 7. Rare-key buckets.
    let mut languages: BTreeMap<String, usize> = BTreeMap::new();
    let mut rare: BTreeMap<(&str, u64), Vec<(u32, String)>> = BTreeMap::new();
    for s in &sketches {
        let i = s["idx"].as_u64().unwrap() as u32;
        let lang = s["language"].as_str().unwrap().to_string();
        *languages.entry(lang.clone()).or_default() += 1;
        if rep[i as usize] == i {
            for k in s["bigrams"].as_array().unwrap() {
                rare.entry(("bigram", k.as_u64().unwrap()))
                    .or_default()
                    .push((i, lang.clone()));
            }
        }
        for k in s["fingerprints"].as_array().unwrap() {
            rare.entry(("verbatim", k.as_u64().unwrap()))
                .or_default()
                .push((i, lang.clone()));
        }
    }
    let languages = write("languages.json", &json!(languages));
    let rare_lines: Vec<Value> = rare
        .iter()
        .filter(|(_, m)| m.len() >= 2)
        .map(|((t, k), m)| {
            let langs: BTreeSet<&String> = m.iter().map(|(_, l)| l).collect();
            let members: Vec<u32> = m.iter().map(|(i, _)| *i).collect();
            json!({"tier": t, "key": k, "members": members, "languages": langs})
        })
        .collect();
    let rule = [
        "buckets",
        "--collection-size",
        &n,
        "--languages",
        &languages,
    ];
    let decided = ok(&rule, &lines(&rare_lines));
    let common: Vec<Value> = decided
        .iter()
        .filter_map(|o| o.get("common").cloned())
        .collect();
    let mut shared: BTreeMap<(String, u64, u64), u64> = BTreeMap::new();
    for o in decided.iter().filter(|o| o.get("shared").is_some()) {
        let key = (
            o["tier"].as_str().unwrap().to_string(),
            o["a"].as_u64().unwrap(),
            o["b"].as_u64().unwrap(),
        );
        *shared.entry(key).or_default() += o["shared"].as_u64().unwrap();
    }
    let shared_lines: Vec<Value> = shared
        .iter()
        .map(|((t, a, b), s)| json!({"tier": t, "a": a, "b": b, "shared": s}))
        .collect();
    let mut pairs = rejected;
    for p in ok(&rule, &lines(&shared_lines)) {
        pairs.insert((
            p["a"].as_u64().unwrap() as u32,
            p["b"].as_u64().unwrap() as u32,
        ));
    }
    // 8. Onto representatives, verified with both facts.
    let pairs: BTreeSet<(u32, u32)> = pairs
        .into_iter()
        .map(|(a, b)| (rep[a as usize], rep[b as usize]))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    let both = write(
        "collection.json",
        &json!({"boilerplate": boilerplate, "common": common}),
    );
    findings.extend(ok(&["verify", "--collection", &both], &pair_lines(&pairs)));
    // 9. Assemble.
    let docs = tmp.join("documents.jsonl");
    std::fs::write(&docs, lines(&sketches)).unwrap();
    let found = tmp.join("findings.jsonl");
    std::fs::write(&found, lines(&findings)).unwrap();
    let linked = tmp.join("links.jsonl");
    std::fs::write(&linked, lines(&links)).unwrap();
    let base = [
        "assemble",
        "--documents",
        docs.to_str().unwrap(),
        "--findings",
        found.to_str().unwrap(),
        "--links",
        linked.to_str().unwrap(),
    ];
    let mut needs_args = base.to_vec();
    needs_args.push("--needs");
    let needs: BTreeSet<(u32, u32)> = ok(&needs_args, "")
        .iter()
        .map(|p| {
            (
                p["a"].as_u64().unwrap() as u32,
                p["b"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    let jaccard = ok(&["verify", "--mode", "jaccard"], &pair_lines(&needs));
    let scores = tmp.join("jaccard.jsonl");
    std::fs::write(&scores, lines(&jaccard)).unwrap();
    let mut final_args = base.to_vec();
    final_args.extend(["--jaccard", scores.to_str().unwrap()]);
    let (code, out, err) = dedup(&final_args, "");
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn scan(dir: &Path) -> Value {
    let (_, out, _) = dedup(&["scan", dir.to_str().unwrap(), "--format", "json"], "");
    serde_json::from_str(&out).unwrap()
}

/// A corpus with a near-duplicate cluster (one text and four light edits),
/// a rewrite pair and unrelated documents.
fn corpus(dir: &Path) {
    let mut rng = common::Rng(7);
    let text = |rng: &mut common::Rng, words: usize| -> Vec<String> {
        (0..words).map(|_| common::word(rng)).collect()
    };
    let story = text(&mut rng, 400);
    for v in 0..5 {
        let mut t = story.clone();
        for k in 0..v * 3 {
            t[(k * 37 + v * 11) % 400] = common::word(&mut rng);
        }
        std::fs::write(dir.join(format!("copy{v}.txt")), t.join(" ") + ".").unwrap();
    }
    let mut half = story[..200].to_vec();
    half.extend(text(&mut rng, 300));
    std::fs::write(dir.join("partial.txt"), half.join(" ") + ".").unwrap();
    for u in 0..4 {
        let t = text(&mut rng, 300);
        std::fs::write(dir.join(format!("other{u}.txt")), t.join(" ") + ".").unwrap();
    }
}

mod common;

#[test]
fn the_commands_piped_by_a_driver_give_the_scan_report() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let generated = tempfile::tempdir().unwrap();
    corpus(generated.path());
    for dir in [samples.as_path(), generated.path()] {
        let tmp = tempfile::tempdir().unwrap();
        let got = distributed_report(dir, tmp.path());
        let want = scan(dir);
        assert!(
            !want["pairs"].as_array().unwrap().is_empty(),
            "the corpus has findings"
        );
        for key in ["pairs", "clusters", "documents", "summary"] {
            assert_eq!(got[key], want[key], "{key} of {}", dir.display());
        }
    }
}

#[test]
fn sketch_keys_are_the_same_on_every_run_and_thread_count() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let s = samples.to_str().unwrap();
    let one = ok(&["sketch", s, "--threads", "1"], "");
    let two = ok(&["sketch", s, "--threads", "2"], "");
    assert_eq!(one, two);
    assert_eq!(one.len(), 5);
    // A record with the text gives the same keys as the file.
    let text = std::fs::read_to_string(samples.join("000_f7ff5efcf92a0c65.txt")).unwrap();
    let record = json!({"idx": 0, "id": "000_f7ff5efcf92a0c65.txt", "text": text});
    let from_record = ok(&["sketch", "--collection-size", "5"], &lines(&[record]));
    for key in [
        "bands",
        "bigrams",
        "fingerprints",
        "content_hash",
        "signature",
    ] {
        assert_eq!(from_record[0][key], one[0][key], "{key}");
    }
    assert!(!one[0]["bands"].as_array().unwrap().is_empty());
}

#[test]
fn bad_records_are_errors_naming_the_line_or_file() {
    let (code, _, err) = dedup(&["verify"], "{\"a\": 1}\n");
    assert_eq!(code, 2);
    assert!(err.contains("standard input: line 1"), "{err}");
    let missing =
        json!({"a": {"id": "x", "path": "/no/such/file.txt"}, "b": {"id": "y", "text": "t"}});
    let (code, _, err) = dedup(&["verify"], &lines(&[missing]));
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/file.txt"), "{err}");
    let (code, _, err) = dedup(
        &["buckets"],
        "{\"tier\": \"bigram\", \"key\": 1, \"members\": [0, 1]}\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("--collection-size"), "{err}");
    let (code, out, _) = dedup(
        &["sketch"],
        "{\"id\": \"bin.txt\", \"latin1\": \"a\\u0000b\"}\n",
    );
    assert_eq!(code, 0);
    assert!(out.contains("\"error\"") && out.contains("binary"), "{out}");
}
