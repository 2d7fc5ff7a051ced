use super::*;

fn doc(id: &str, text: &str) -> Document {
    Document::from_text(id, text)
}

const TEXT: &str = "The river flooded the lower town after three days of rain, and the \
    mayor ordered the schools closed while volunteers filled sandbags along the embankment.";

fn count(index: &Index, table: &str) -> i64 {
    index
        .conn
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn readding_unchanged_is_a_no_op_and_a_change_replaces_postings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.db");
    let mut index = Index::create(&path, &Params::default().features, false).unwrap();
    let s = index.add(&[doc("a", TEXT)], 8, &|_| {}).unwrap();
    assert_eq!(s.added, 1);
    let (bands, bigrams) = (count(&index, "bands"), count(&index, "bigrams"));
    assert!(bands > 0 && bigrams > 0);
    let s = index.add(&[doc("a", TEXT)], 8, &|_| {}).unwrap();
    assert_eq!((s.added, s.replaced, s.unchanged), (0, 0, 1));
    let changed = "Something else entirely: a quiet afternoon in the library reading old maps.";
    let s = index.add(&[doc("a", changed)], 8, &|_| {}).unwrap();
    assert_eq!(s.replaced, 1);
    assert_eq!(count(&index, "documents"), 1);
    // Only the new text's postings remain.
    let mut fresh =
        Index::create(&dir.path().join("j.db"), &Params::default().features, false).unwrap();
    fresh.add(&[doc("a", changed)], 8, &|_| {}).unwrap();
    assert_eq!(count(&index, "bands"), count(&fresh, "bands"));
    assert_eq!(count(&index, "bigrams"), count(&fresh, "bigrams"));
    assert_eq!(
        index.remove(&["a".into(), "zz".into()]).unwrap(),
        vec!["zz"]
    );
    assert_eq!(count(&index, "bands") + count(&index, "bigrams"), 0);
}

#[test]
fn reopened_index_keeps_parameters_and_rejects_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.db");
    let params = Params::new(4, 64, 0.6).unwrap();
    drop(Index::create(&path, &params.features, false).unwrap());
    let index = Index::open(&path).unwrap();
    assert_eq!(index.params().shingle_size, 4);
    assert_eq!(index.params().lsh, params.features.lsh);
    assert!(index.check_params(&params).is_ok());
    let err = index
        .check_params(&Params::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("dedup index build"), "{err}");
    assert!(Index::create(&path, &params.features, false).is_err());
}

#[test]
fn candidates_find_the_copy_and_skip_the_old_version() {
    let dir = tempfile::tempdir().unwrap();
    let params = Params::default();
    let mut index = Index::create(&dir.path().join("i.db"), &params.features, false).unwrap();
    let other = "Completely unrelated words about cooking pasta with garlic and olive oil tonight.";
    index
        .add(
            &[doc("copy", TEXT), doc("other", other), doc("new", TEXT)],
            8,
            &|_| {},
        )
        .unwrap();
    let new = vec![doc("new", TEXT)];
    let f: Vec<Features> = new
        .iter()
        .map(|d| Extractor::new(&params.features).features(d))
        .collect();
    let found = index
        .candidates(&new, &f, &params, &Default::default())
        .unwrap();
    let ids: Vec<&str> = found.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec!["copy"]);
    assert_eq!(found[0].text, TEXT);
}
