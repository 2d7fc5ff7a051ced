//! `dedup check --format sarif` validates against the official SARIF 2.1.0
//! JSON schema (tests/data/sarif-schema-2.1.0.json, the OASIS schema as
//! shipped in the serde-sarif crate; draft-07).

use assert_cmd::Command;
use serde_json::Value;

fn sarif_for(args: &[&str]) -> Value {
    let out = Command::cargo_bin("dedup")
        .unwrap()
        .arg("check")
        .args(args)
        .args(["--format", "sarif", "-q"])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn patch_patterns(v: &mut Value, from: &str, to: &str) -> usize {
    match v {
        Value::Object(map) => map
            .iter_mut()
            .map(|(k, x)| {
                if k == "pattern" && x == from {
                    *x = to.into();
                    1
                } else {
                    patch_patterns(x, from, to)
                }
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(|x| patch_patterns(x, from, to)).sum(),
        _ => 0,
    }
}

fn validator() -> jsonschema::Validator {
    let mut schema: Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    // One pattern of the official schema (`language` of `run` and
    // `toolComponent`) is not valid in Unicode mode (a lone `]`): this
    // validator checks schema regexes in that mode and refuses the whole
    // schema. Escaping the `]` keeps its meaning; dedup never writes
    // `language`.
    let patched = patch_patterns(
        &mut schema,
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$",
    );
    assert_eq!(patched, 2);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus dir");
    std::fs::create_dir_all(&corpus).unwrap();
    for name in ["001_0ae9a733e2d797e1.txt", "002_67d3dee2a9e37524.txt"] {
        std::fs::copy(format!("samples/{name}"), corpus.join(name)).unwrap();
    }
    let log = sarif_for(&[
        "samples/000_f7ff5efcf92a0c65.txt",
        "--against",
        corpus.to_str().unwrap(),
    ]);
    let v = validator();
    let errors: Vec<String> = v.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert_eq!(r["ruleId"], "paraphrase");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "samples/000_f7ff5efcf92a0c65.txt"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        let related = &r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        // URI references: no raw spaces or backslashes (the space of
        // "corpus dir" is percent-encoded).
        for uri in [&loc["artifactLocation"]["uri"], related] {
            assert!(!uri.as_str().unwrap().contains([' ', '\\']), "{uri}");
        }
        assert!(
            related.as_str().unwrap().contains("corpus%20dir/001_"),
            "{related}"
        );
    }
    // The validator does reject a broken log.
    let mut broken = log.clone();
    broken["version"] = "2.0.0".into();
    assert!(!v.is_valid(&broken));
}

#[test]
fn sarif_without_findings_is_valid_too() {
    let log = sarif_for(&[
        "samples/002_67d3dee2a9e37524.txt",
        "--against",
        "samples/004_3b6218f333f20810.txt",
    ]);
    assert!(validator().is_valid(&log));
    assert!(log["runs"][0]["results"].as_array().unwrap().is_empty());
}
