//! Sentence keys: the semantic tier's candidate keys. Each sentence
//! vector gets [`BANDS`] bands of [`BITS`] random-hyperplane signs
//! (SimHash), and each band gives one key per length of [`PREFIXES`]; a
//! document's keys are those of its sentences, and two documents sharing
//! [`MIN_SHARED_KEYS`] keys held by few documents are a candidate pair (the
//! rare-key rule of the other tiers, [`crate::candidates::RareKeys`]), so a
//! paraphrase whose words the lexical keys miss is compared without
//! comparing all pairs.
//!
//! Two sentences at cosine `c` agree on a hyperplane with probability
//! 1 − acos(c)/π: at 0.65 they share about 1.2 keys of 8 signs and 0.3 of
//! 12, at 0.8 about 2.6 and 1.0, at 0.9 about 4.6 and 2.5
//! ([`collision_probability`]). In a small collection three sentence pairs
//! at 0.65 make a candidate; in a large one, where the 8-sign buckets are
//! too full to count, it takes closer or more sentences.
//!
//! Only documents of at most [`MAX_KEYED_SENTENCES`] sentences are keyed:
//! the tier's rule links at least half the sentences of the longer side,
//! and a longer paraphrase keeps enough names and rare word pairs for the
//! lexical keys to pair it (every such pair of the shared sets was), while
//! keying it would cost a pass over every long document and keys in
//! proportion to its length.

use super::embed::{dot, embed_sentences, sentence_tokens, sentences_up_to};
use super::model::StaticModel;
use std::sync::OnceLock;

/// SimHash bands per sentence.
pub const BANDS: usize = 16;
/// Hyperplane signs per band.
pub const BITS: usize = 12;
/// The prefixes of a band's signs that are keys: the short one pairs
/// sentences in a small collection, where its buckets stay rare; in a large
/// one its buckets fill past the rare-key cap and the long one pairs them.
pub const PREFIXES: [usize; 2] = [8, 12];
/// Shared rare keys that make two documents a candidate.
pub const MIN_SHARED_KEYS: usize = 4;
/// Fewest sentences a keyed document has (the tier links at least
/// three).
const MIN_KEYED_SENTENCES: usize = 3;
/// Documents with more sentences than this get no sentence keys.
pub const MAX_KEYED_SENTENCES: usize = 12;
/// Seed of the hyperplanes: keys are stored in an index and compared
/// across runs and machines.
const SEED: u64 = 0x5e3a_471c;

/// Probability that two sentences at `cosine` share at least one of
/// `bands` keys of `bits` hyperplane signs each.
pub fn collision_probability(cosine: f64, bands: usize, bits: usize) -> f64 {
    let agree = 1.0 - cosine.clamp(-1.0, 1.0).acos() / std::f64::consts::PI;
    1.0 - (1.0 - agree.powi(bits as i32)).powi(bands as i32)
}

/// Seeded random hyperplanes: the same seed gives the same keys on every
/// machine and run (xxh3, not a process-random hasher).
#[derive(Debug, Clone)]
pub struct Hyperplanes {
    dims: usize,
    bands: usize,
    bits: usize,
    normals: Vec<f32>,
}

impl Hyperplanes {
    /// `bands × bits` hyperplanes through the origin in `dims` dimensions.
    pub fn new(dims: usize, bands: usize, bits: usize, seed: u64) -> Self {
        assert!((1..=32).contains(&bits), "1 to 32 signs a band");
        // A sum of four uniforms is close enough to a Gaussian for the
        // directions to be spread evenly.
        let normal = |i: u64| -> f32 {
            (0..4)
                .map(|k| {
                    let h = xxhash_rust::xxh3::xxh3_64_with_seed(&(i * 4 + k).to_le_bytes(), seed);
                    (h >> 40) as f32 / (1u64 << 24) as f32
                })
                .sum::<f32>()
                - 2.0
        };
        Hyperplanes {
            dims,
            bands,
            bits,
            normals: (0..(bands * bits * dims) as u64).map(normal).collect(),
        }
    }

    /// The keys of one vector: per band, one for each length of
    /// `prefixes` (ascending, at most the planes' bits) of its signs.
    pub fn keys(&self, vector: &[f32], prefixes: &[usize]) -> Vec<u64> {
        self.keys_of(&self.project(vector), prefixes)
    }

    /// The vector's side of each hyperplane, as its dot product with the
    /// plane's normal (band by band).
    pub fn project(&self, vector: &[f32]) -> Vec<f32> {
        debug_assert_eq!(vector.len(), self.dims);
        self.normals
            .chunks_exact(self.dims)
            .map(|normal| dot(normal, vector))
            .collect()
    }

    /// [`Hyperplanes::keys`] from a vector's projections: a stable hash of
    /// band, prefix length and signs, spread over all 64 bits (the candidate
    /// stage packs keys by their high bits).
    pub fn keys_of(&self, projections: &[f32], prefixes: &[usize]) -> Vec<u64> {
        let mut out = Vec::with_capacity(self.bands * prefixes.len());
        for (band, sides) in projections.chunks_exact(self.bits).enumerate() {
            let signs = sides
                .iter()
                .fold(0u64, |code, &p| code << 1 | u64::from(p > 0.0));
            for &len in prefixes {
                let prefix = signs >> (self.bits - len.min(self.bits));
                let word = (band as u64) << 40 | (len as u64) << 32 | prefix;
                out.push(crate::hash::stable_hash(&word.to_le_bytes(), SEED));
            }
        }
        out
    }
}

/// Each token's projections on the hyperplanes, made on first use: a
/// sentence's projections are the sum of its tokens' (the planes are
/// linear, and scaling the sum to unit length changes no sign), so keys
/// cost a sum per token instead of every plane per sentence.
struct TokenProjections {
    model: u64,
    rows: Vec<OnceLock<Box<[f32]>>>,
}

impl TokenProjections {
    fn add(&self, model: &StaticModel, planes: &Hyperplanes, id: u32, sum: &mut [f32]) {
        let row = self.rows[id as usize].get_or_init(|| {
            let mut vector = vec![0f32; model.dims()];
            model.add_row(id, &mut vector);
            planes.project(&vector).into_boxed_slice()
        });
        super::embed::add(sum, row);
    }
}

fn token_projections(model: &StaticModel) -> Option<&'static TokenProjections> {
    static TABLE: OnceLock<TokenProjections> = OnceLock::new();
    let table = TABLE.get_or_init(|| TokenProjections {
        model: model.id(),
        rows: (0..model.vocab()).map(|_| OnceLock::new()).collect(),
    });
    (table.model == model.id() && table.rows.len() == model.vocab()).then_some(table)
}

/// The sentence keys of `text` under `model`: sorted, without repeats;
/// none for a text of more than [`MAX_KEYED_SENTENCES`] sentences (or
/// fewer than the three the tier's rule links).
/// Language is the caller's test ([`StaticModel::speaks`]).
pub fn sentence_keys(model: &StaticModel, text: &str) -> Vec<u64> {
    keyed_sentences(text).map_or_else(Vec::new, |cut| keys_of_sentences(model, text, &cut))
}

/// The sentences of `text` that get keys, or `None` for a text of fewer
/// than [`MIN_KEYED_SENTENCES`] or more than [`MAX_KEYED_SENTENCES`] (cut
/// no further than one past the maximum: most documents of a collection
/// are longer, and this runs on every one).
pub fn keyed_sentences(text: &str) -> Option<Vec<([usize; 2], u32)>> {
    sentences_up_to(text, MAX_KEYED_SENTENCES).filter(|cut| cut.len() >= MIN_KEYED_SENTENCES)
}

/// The sentence keys of the sentences `cut` of `text` ([`keyed_sentences`]).
pub fn keys_of_sentences(model: &StaticModel, text: &str, cut: &[([usize; 2], u32)]) -> Vec<u64> {
    let planes = planes(model.dims());
    let mut keys = Vec::with_capacity(cut.len() * planes.bands * PREFIXES.len());
    match token_projections(model) {
        Some(table) => {
            let mut sum = vec![0f32; planes.bands * planes.bits];
            for &([s, e], _) in cut {
                sum.iter_mut().for_each(|x| *x = 0.0);
                let mut tokens = 0;
                sentence_tokens(model, &text[s..e], |id| {
                    table.add(model, planes, id, &mut sum);
                    tokens += 1;
                });
                if tokens > 0 {
                    keys.extend(planes.keys_of(&sum, &PREFIXES));
                }
            }
        }
        // Another model than the run's first: embed, then project.
        None => {
            let vectors = embed_sentences(model, text, cut);
            for i in 0..vectors.len() {
                keys.extend(planes.keys(vectors.vector(i), &PREFIXES));
            }
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The hyperplanes of `dims` dimensions (built once a process; a run's
/// models share one size, and another size builds its own).
fn planes(dims: usize) -> &'static Hyperplanes {
    static PLANES: OnceLock<Hyperplanes> = OnceLock::new();
    let built = PLANES.get_or_init(|| Hyperplanes::new(dims, BANDS, BITS, SEED));
    if built.dims == dims {
        built
    } else {
        Box::leak(Box::new(Hyperplanes::new(dims, BANDS, BITS, SEED)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    fn shared(a: &[u64], b: &[u64]) -> usize {
        crate::shingle::sorted_intersection_len(a, b)
    }

    #[test]
    fn a_paraphrase_shares_keys_and_an_unrelated_text_does_not() {
        let m = StaticModel::builtin();
        let original = sentence_keys(
            m,
            "The city council approved a new budget for the public schools on Monday. \
             Teachers will receive a raise of five percent starting next year. \
             The mayor said the plan would also repair old school buildings. \
             Parents welcomed the decision at a crowded evening meeting.",
        );
        let paraphrase = sentence_keys(
            m,
            "On Monday the town council passed a fresh budget for state schools. \
             From next year teachers are to get a five percent pay rise. \
             According to the mayor, the scheme will fix ageing school buildings too. \
             At a packed meeting that evening, parents praised the decision.",
        );
        let unrelated = sentence_keys(
            m,
            "My grandmother bakes rye bread every Sunday morning in her kitchen. \
             The river froze early this winter and the boats stayed in harbour. \
             Astronomers found a comet that will pass close to the sun in spring. \
             The football club signed two young players from abroad.",
        );
        assert_eq!(original.len(), 4 * BANDS * PREFIXES.len());
        assert!(shared(&original, &paraphrase) >= MIN_SHARED_KEYS);
        assert!(shared(&original, &unrelated) < MIN_SHARED_KEYS);
        assert!(shared(&paraphrase, &unrelated) < MIN_SHARED_KEYS);
    }

    #[test]
    fn token_sums_give_the_keys_of_the_sentence_vectors() {
        let m = StaticModel::builtin();
        let text = "The committee met on Tuesday to review the quarterly results. \
                    Revenue grew by twelve percent, while costs fell slightly. \
                    Analysts said the outlook remained uncertain for the year.";
        let vectors = crate::semantic::embed(m, text);
        let planes = planes(m.dims());
        let mut expected: Vec<u64> = (0..vectors.len())
            .flat_map(|i| planes.keys(vectors.vector(i), &PREFIXES))
            .collect();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(sentence_keys(m, text), expected);
    }

    #[test]
    fn long_and_tiny_texts_get_no_keys() {
        let m = StaticModel::builtin();
        let sentence = "The committee approved the new budget for schools today. ";
        assert!(sentence_keys(m, &sentence.repeat(MAX_KEYED_SENTENCES + 1)).is_empty());
        assert!(!sentence_keys(m, &sentence.repeat(MAX_KEYED_SENTENCES)).is_empty());
        assert!(sentence_keys(m, &sentence.repeat(2)).is_empty());
        assert!(sentence_keys(m, "").is_empty());
    }

    #[test]
    fn keys_are_stable_across_runs() {
        let planes = Hyperplanes::new(4, 3, 5, 42);
        let v = unit(&[0.3, -0.2, 0.9, 0.1]);
        let keys = planes.keys(&v, &[3, 5]);
        assert_eq!(keys.len(), 6);
        assert_eq!(keys, Hyperplanes::new(4, 3, 5, 42).keys(&v, &[3, 5]));
        assert_ne!(keys, Hyperplanes::new(4, 3, 5, 43).keys(&v, &[3, 5]));
        // Keys of different bands differ even when their signs agree.
        let zero = Hyperplanes::new(4, 3, 1, 42).keys(&v, &[0]);
        assert!(zero[0] != zero[1] && zero[1] != zero[2]);
    }

    #[test]
    fn collision_probability_is_monotone_in_the_cosine() {
        let p = |c| collision_probability(c, BANDS, BITS);
        assert!(p(0.3) < p(0.6) && p(0.6) < p(0.9));
        assert!((p(1.0) - 1.0).abs() < 1e-12);
        // One band of two bits at cosine 0: each sign agrees half the time.
        assert!((collision_probability(0.0, 1, 2) - 0.25).abs() < 1e-12);
    }

    proptest! {
        // One hyperplane sign agrees with probability 1 − θ/π: the share
        // of agreeing signs over many planes must be close to it.
        #[test]
        fn sign_agreement_follows_the_angle(
            a in proptest::collection::vec(-1.0f32..1.0, 16),
            b in proptest::collection::vec(-1.0f32..1.0, 16),
        ) {
            let (a, b) = (unit(&a), unit(&b));
            prop_assume!(a.iter().all(|x| x.is_finite()) && b.iter().all(|x| x.is_finite()));
            let planes = Hyperplanes::new(16, 2000, 1, 7);
            let (ka, kb) = (planes.keys(&a, &[1]), planes.keys(&b, &[1]));
            let agree = ka.iter().zip(&kb).filter(|(x, y)| x == y).count() as f64 / 2000.0;
            let cos = f64::from(dot(&a, &b)).clamp(-1.0, 1.0);
            let expected = 1.0 - cos.acos() / std::f64::consts::PI;
            // Four standard deviations of a binomial share of 2000.
            prop_assert!((agree - expected).abs() < 4.0 * (0.25f64 / 2000.0).sqrt() + 0.02,
                "agree {agree} expected {expected}");
        }
    }
}
