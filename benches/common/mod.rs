//! What the benchmarks share: their input texts.

use std::path::Path;

/// The texts of the files in `dir` (relative to the package), in name
/// order.
pub fn texts(dir: &str) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .expect("fixture directory")
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}
