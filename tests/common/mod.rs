//! Shared helpers of the index/check tests: a small deterministic text
//! generator (xorshift, fixed seeds) and the binary.

#![allow(dead_code)]

use std::path::Path;

/// Marsaglia's xorshift64: deterministic, no dependency.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A pronounceable made-up word: the vocabulary is large, so unrelated
/// generated texts share few bigrams.
pub fn word(rng: &mut Rng) -> String {
    const ONSETS: &[&str] = &[
        "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou"];
    let syllables = 2 + rng.below(2);
    (0..syllables)
        .map(|_| {
            format!(
                "{}{}",
                ONSETS[rng.below(ONSETS.len() as u64) as usize],
                VOWELS[rng.below(VOWELS.len() as u64) as usize]
            )
        })
        .collect()
}

/// A sentence of 8..16 words.
pub fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(8);
    let mut words: Vec<String> = (0..n).map(|_| word(rng)).collect();
    let first = words[0].remove(0).to_ascii_uppercase();
    words[0].insert(0, first);
    words.join(" ") + "."
}

/// A document of `sentences` sentences, one paragraph per four.
pub fn document(rng: &mut Rng, sentences: usize) -> Vec<String> {
    (0..sentences).map(|_| sentence(rng)).collect()
}

/// Joins sentences into paragraphs of four.
pub fn render(sentences: &[String]) -> String {
    sentences
        .chunks(4)
        .map(|c| c.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
        + "\n"
}

/// Writes `(name, text)` files into `dir`.
pub fn write_all(dir: &Path, docs: &[(String, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in docs {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// A small corpus with planted reuse: originals, an exact copy, near
/// duplicates (a few words changed) and partial reuse (a block of
/// sentences copied into a new text).
pub fn planted_corpus(seed: u64, originals: usize) -> Vec<(String, String)> {
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    let bases: Vec<Vec<String>> = (0..originals).map(|_| document(&mut rng, 16)).collect();
    for (i, b) in bases.iter().enumerate() {
        out.push((format!("orig_{i:03}.txt"), render(b)));
    }
    out.push(("copy_000.txt".into(), render(&bases[0])));
    for (i, b) in bases.iter().enumerate().skip(1).step_by(3) {
        let mut edited = b.clone();
        for s in edited.iter_mut().step_by(5) {
            *s = sentence(&mut rng);
        }
        out.push((format!("near_{i:03}.txt"), render(&edited)));
    }
    for (i, b) in bases.iter().enumerate().skip(2).step_by(3) {
        let mut own = document(&mut rng, 14);
        own.splice(5..5, b[3..9].iter().cloned());
        out.push((format!("part_{i:03}.txt"), render(&own)));
    }
    out
}

/// Runs `dedup scan PATHS... --format json --quiet` and returns the
/// report; the scan must exit 0 or 1.
pub fn scan_json(paths: &[&Path]) -> serde_json::Value {
    let out = assert_cmd::Command::cargo_bin("dedup")
        .unwrap()
        .arg("scan")
        .args(paths)
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}
