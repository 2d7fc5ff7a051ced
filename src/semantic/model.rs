//! A static embedding model: a token table and the BPE tokenizer that cuts
//! text into its tokens. A sentence's vector is the mean of its tokens'
//! rows (WordLlama's pooling), so embedding is a table lookup per token:
//! no network, no runtime, thousands of sentences per millisecond.
//!
//! The tokenizer is the Hugging Face `tokenizer.json` of a SentencePiece
//! BPE model (Llama's): the text gets a leading `▁`, spaces become `▁`,
//! and merges apply by rank. No vocabulary piece has a `▁` after its
//! first character, so no merge crosses a word boundary and each word is
//! tokenized on its own (and memoized by the caller). Characters outside
//! the vocabulary fall back to their UTF-8 bytes (`<0xAB>` pieces).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use ahash::AHashMap;
use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;

use crate::error::{Error, Result};

/// The default model's table (WordLlama l2_supercat, first 128 dimensions,
/// int8 rows), built by `scripts/wordllama_model.py`.
const DEFAULT_TABLE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/wordllama-l2-supercat/embeddings.safetensors"
));
/// The default model's languages.
const DEFAULT_LANGUAGES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/wordllama-l2-supercat/languages.txt"
));
/// The default model's tokenizer.
const DEFAULT_TOKENIZER: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/wordllama-l2-supercat/tokenizer.json"
));

/// The word-boundary mark of SentencePiece.
const SPACE: char = '\u{2581}';

/// Gives each loaded model an id, so per-thread caches know whose tokens
/// they hold.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A token table and its tokenizer.
pub struct StaticModel {
    id: u64,
    /// Where it came from, for the report: `wordllama-l2-supercat-128` or
    /// the directory given.
    pub name: String,
    dims: usize,
    /// `vocab × dims` rows in int8, each with its scale: a quarter of the
    /// f32 table's memory, so more of it stays in cache (lookups of rows
    /// are most of the time of embedding).
    table: Vec<i8>,
    scales: Vec<f32>,
    /// The pieces of one character, for the first step of BPE.
    chars: AHashMap<char, u32>,
    /// `(left, right) → (rank, merged)`.
    merges: AHashMap<(u32, u32), (u32, u32)>,
    /// The `<0x00>`..`<0xFF>` pieces, when the vocabulary has them.
    bytes: Option<[u32; 256]>,
    unk: Option<u32>,
    /// Languages the model was trained on (ISO codes as
    /// [`crate::language`] reports them): the tier compares only documents
    /// in one of them. A model's vectors for text in other scripts are
    /// near one another whatever they mean.
    pub languages: Vec<String>,
}

impl std::fmt::Debug for StaticModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticModel")
            .field("name", &self.name)
            .field("dims", &self.dims)
            .field("vocab", &self.scales.len())
            .finish()
    }
}

#[derive(Deserialize)]
struct TokenizerFile {
    model: BpeFile,
}

#[derive(Deserialize)]
struct BpeFile {
    #[serde(rename = "type")]
    kind: String,
    vocab: std::collections::HashMap<String, u32>,
    merges: Vec<Merge>,
    #[serde(default)]
    unk_token: Option<String>,
}

/// Merges are `"a b"` in older files and `["a", "b"]` in newer ones.
#[derive(Deserialize)]
#[serde(untagged)]
enum Merge {
    Joined(String),
    Pair(String, String),
}

impl StaticModel {
    /// The model built into the binary.
    pub fn builtin() -> &'static StaticModel {
        static MODEL: std::sync::OnceLock<StaticModel> = std::sync::OnceLock::new();
        MODEL.get_or_init(|| {
            let mut m = StaticModel::from_bytes(
                "wordllama-l2-supercat-128",
                DEFAULT_TOKENIZER,
                DEFAULT_TABLE,
            )
            .expect("the built-in model is valid");
            m.languages = parse_languages(DEFAULT_LANGUAGES);
            m
        })
    }

    /// Loads `DIR/tokenizer.json` and the one `DIR/*.safetensors` table
    /// (`embedding.weight`, F32, F16 or I8 with an `embedding.scale` row
    /// scale), and `DIR/languages.txt` (one code a line; English when
    /// absent).
    pub fn load(dir: &Path) -> Result<StaticModel> {
        let bad = |m: String| Error::Param(format!("--model {}: {m}", dir.display()));
        let tokenizer = std::fs::read(dir.join("tokenizer.json"))
            .map_err(|e| bad(format!("tokenizer.json: {e}")))?;
        let mut tables: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| bad(e.to_string()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
            .collect();
        tables.sort();
        let [table] = tables.as_slice() else {
            return Err(bad(format!(
                "wants exactly one .safetensors file, found {}",
                tables.len()
            )));
        };
        let table = std::fs::read(table).map_err(|e| bad(format!("{}: {e}", table.display())))?;
        let mut model = StaticModel::from_bytes(&dir.display().to_string(), &tokenizer, &table)
            .map_err(|e| match e {
                Error::Param(m) => bad(m),
                other => other,
            })?;
        if let Ok(text) = std::fs::read_to_string(dir.join("languages.txt")) {
            model.languages = parse_languages(&text);
        }
        Ok(model)
    }

    /// Builds a model from a tokenizer file and a table file in memory.
    pub fn from_bytes(name: &str, tokenizer: &[u8], table: &[u8]) -> Result<StaticModel> {
        let bad = |m: String| Error::Param(m);
        let file: TokenizerFile =
            serde_json::from_slice(tokenizer).map_err(|e| bad(format!("tokenizer.json: {e}")))?;
        if file.model.kind != "BPE" {
            return Err(bad(format!(
                "tokenizer.json: a {} model; only BPE is supported",
                file.model.kind
            )));
        }
        let vocab: AHashMap<String, u32> = file.model.vocab.into_iter().collect();
        let rows = vocab.values().map(|&v| v as usize + 1).max().unwrap_or(0);
        let mut merges = AHashMap::with_capacity(file.model.merges.len());
        for (rank, m) in file.model.merges.iter().enumerate() {
            let (a, b) = match m {
                Merge::Joined(s) => match s.split_once(' ') {
                    Some(p) => p,
                    None => continue,
                },
                Merge::Pair(a, b) => (a.as_str(), b.as_str()),
            };
            if let (Some(&ia), Some(&ib), Some(&im)) =
                (vocab.get(a), vocab.get(b), vocab.get(&format!("{a}{b}")))
            {
                merges.entry((ia, ib)).or_insert((rank as u32, im));
            }
        }
        let mut bytes = [0u32; 256];
        let mut all_bytes = true;
        for (b, slot) in bytes.iter_mut().enumerate() {
            match vocab.get(&format!("<0x{b:02X}>")) {
                Some(&id) => *slot = id,
                None => all_bytes = false,
            }
        }
        let unk = file
            .model
            .unk_token
            .as_ref()
            .and_then(|u| vocab.get(u).copied());
        let (dims, table, scales) = read_table(table, rows).map_err(bad)?;
        let chars = vocab
            .iter()
            .filter_map(|(piece, &id)| {
                let mut cs = piece.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Some((c, id)),
                    _ => None,
                }
            })
            .collect();
        Ok(StaticModel {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name: name.to_string(),
            dims,
            table,
            scales,
            chars,
            merges,
            bytes: all_bytes.then_some(bytes),
            unk,
            languages: vec!["en".to_string()],
        })
    }

    /// Whether the model compares text of language `code`.
    pub fn speaks(&self, code: &str) -> bool {
        self.languages.iter().any(|l| l == code)
    }

    /// Dimensions of a vector.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Rows of the table (tokens of the vocabulary).
    pub fn vocab(&self) -> usize {
        self.scales.len()
    }

    /// An id unique to this model in this process.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Adds the row of token `id` to `sum` (`dims` long).
    pub fn add_row(&self, id: u32, sum: &mut [f32]) {
        let at = id as usize * self.dims;
        super::embed::add_scaled(
            sum,
            &self.table[at..at + self.dims],
            self.scales[id as usize],
        );
    }

    /// Tokens of one whitespace-free word, as the tokenizer cuts
    /// `"▁" + word`, appended to `out`.
    pub fn word_tokens(&self, word: &str, out: &mut Vec<u32>) {
        let start = out.len();
        for c in std::iter::once(SPACE).chain(word.chars()) {
            if let Some(&id) = self.chars.get(&c) {
                out.push(id);
            } else if let Some(bytes) = &self.bytes {
                let mut buf = [0u8; 4];
                out.extend(c.encode_utf8(&mut buf).bytes().map(|b| bytes[b as usize]));
            } else if let Some(unk) = self.unk {
                // Runs of unknown characters are one unknown token.
                if out.len() == start || *out.last().unwrap_or(&u32::MAX) != unk {
                    out.push(unk);
                }
            }
        }
        // Merge the lowest-ranked adjacent pair until none merges: words
        // are a handful of pieces, so a scan per merge beats a heap.
        let word = &mut out[start..];
        let mut len = word.len();
        loop {
            let mut best: Option<(u32, usize, u32)> = None;
            for i in 0..len.saturating_sub(1) {
                if let Some(&(rank, merged)) = self.merges.get(&(word[i], word[i + 1])) {
                    if best.is_none_or(|(r, _, _)| rank < r) {
                        best = Some((rank, i, merged));
                    }
                }
            }
            let Some((_, i, merged)) = best else { break };
            word[i] = merged;
            word.copy_within(i + 2..len, i + 1);
            len -= 1;
        }
        out.truncate(start + len);
    }

    /// Tokens of a text, as the reference tokenizer cuts it (words split
    /// on whitespace).
    pub fn tokens(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for word in text.split_whitespace() {
            self.word_tokens(word, &mut out);
        }
        out
    }
}

fn parse_languages(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Rows as int8 with one scale each (max |x| / 127), within half a step
/// of 1/127 of the row's largest value.
fn quantize(table: &[f32], dims: usize) -> (Vec<i8>, Vec<f32>) {
    let mut q = Vec::with_capacity(table.len());
    let mut scales = Vec::with_capacity(table.len() / dims);
    for row in table.chunks_exact(dims) {
        let max = row.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        q.extend(
            row.iter()
                .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8),
        );
        scales.push(scale);
    }
    (q, scales)
}

/// Little-endian f32 values.
fn f32s(data: &[u8]) -> Vec<f32> {
    data.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Reads `embedding.weight` as int8 rows and their scales: an I8 table
/// (with `embedding.scale`) as stored, an F32 or F16 one quantized.
fn read_table(
    bytes: &[u8],
    rows: usize,
) -> std::result::Result<(usize, Vec<i8>, Vec<f32>), String> {
    let file = SafeTensors::deserialize(bytes).map_err(|e| format!("embedding table: {e}"))?;
    let weight = file
        .tensor("embedding.weight")
        .map_err(|e| format!("embedding table: embedding.weight: {e}"))?;
    let &[n, dims] = weight.shape() else {
        return Err(format!(
            "embedding.weight has shape {:?}, wants [vocab, dims]",
            weight.shape()
        ));
    };
    if n < rows || dims == 0 {
        return Err(format!(
            "embedding.weight has {n} rows of {dims}; the tokenizer needs {rows}"
        ));
    }
    let data = weight.data();
    let (table, scales) = match weight.dtype() {
        Dtype::F32 => quantize(&f32s(data), dims),
        Dtype::F16 => {
            let table: Vec<f32> = data
                .chunks_exact(2)
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect();
            quantize(&table, dims)
        }
        Dtype::I8 => {
            let scale = file
                .tensor("embedding.scale")
                .map_err(|e| format!("an I8 table needs embedding.scale: {e}"))?;
            let scales = f32s(scale.data());
            if scales.len() != n {
                return Err(format!(
                    "embedding.scale has {} rows, wants {n}",
                    scales.len()
                ));
            }
            (data.iter().map(|&q| q as i8).collect(), scales)
        }
        other => {
            return Err(format!(
                "embedding.weight is {other:?}; wants F32, F16 or I8"
            ))
        }
    };
    if table.len() != n * dims || scales.len() != n {
        return Err("embedding.weight is truncated".to_string());
    }
    Ok((dims, table, scales))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_loads() {
        let m = StaticModel::builtin();
        assert_eq!(m.dims(), 128);
        assert_eq!(m.scales.len(), 32000);
        assert!(m.bytes.is_some());
    }

    #[test]
    fn tokens_match_the_reference_tokenizer() {
        // Cut by the Hugging Face `tokenizers` library from the same file
        // (scripts/semantic_reference.py writes this fixture).
        let cases: Vec<(String, Vec<u32>)> = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/semantic/tokens.json"
        )))
        .unwrap();
        assert!(cases.len() >= 100);
        let m = StaticModel::builtin();
        for (text, want) in cases {
            assert_eq!(m.tokens(&text), want, "{text:?}");
        }
    }

    #[test]
    fn bad_model_files_are_errors_not_panics() {
        assert!(StaticModel::from_bytes("x", b"{}", DEFAULT_TABLE).is_err());
        assert!(
            StaticModel::from_bytes("x", DEFAULT_TOKENIZER, b"\x08\0\0\0\0\0\0\0{}      ").is_err()
        );
        assert!(StaticModel::from_bytes("x", DEFAULT_TOKENIZER, b"").is_err());
    }
}
