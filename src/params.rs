//! Run configuration, in three parts by what depends on them:
//!
//! - [`FeatureParams`]: what the per-document features (and so everything an
//!   index stores) depend on. An index keeps them as one record and a run
//!   must match it exactly (`==`).
//! - [`CandidateParams`]: which pairs are compared.
//! - [`DecisionParams`] (with [`AlignParams`]): what makes a compared pair a
//!   finding, and of which verdict.
//!
//! [`Params`] holds the three; it is serialized into every report (flat,
//! keys in alphabetical order: the `params` object of the JSON schema).

pub use crate::align::AlignParams;
pub use crate::boilerplate::BoilerplateParams;
use crate::candidates::{optimal_params, CandidateRule, LshParams, RareKeys};
use crate::error::{Error, Result};
use crate::language::LanguageCode;
use crate::sketch::MINHASH_SEED;
use crate::units::UnitParams;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What the features of a document depend on: shingles, MinHash, LSH band
/// keys, content bigrams and units. Two runs with equal `FeatureParams`
/// compute the same features, so an index built with one serves the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// Words per shingle (`-k`).
    pub shingle_size: usize,
    /// MinHash permutations of the document sketch.
    pub num_perm: usize,
    /// Seed of the MinHash permutations.
    pub seed: u64,
    /// Bands and rows of the LSH banding, computed from the threshold and
    /// `num_perm` by [`LshParams::for_threshold`].
    pub lsh: LshParams,
    /// Whether the rewrite tier's features (content bigrams, units) are
    /// computed.
    pub rewrite_tier: bool,
    /// Longest content unit, in tokens.
    pub unit_max_tokens: usize,
    /// The language of every document instead of detecting each one's
    /// (`--language`): it picks the rewrite tier's stopwords and stemmer.
    pub language: Option<LanguageCode>,
    /// Whether the semantic tier's sentence keys are computed
    /// ([`crate::semantic::keys`]); not in indexes built before them.
    #[serde(default)]
    pub semantic_keys: bool,
}

/// LSH buckets of a store are read up to this many documents: a band
/// shared by more is boilerplate, and a scan links such buckets as a star
/// anyway.
pub const MAX_BAND_BUCKET: usize = 1000;

/// Corpus size up to which the rare-bigram cap is `max_bigram_bucket`
/// documents ([`CandidateParams::rare_keys_for`]).
pub const RARE_SHARE_CORPUS: usize = 20_000;

/// Rewrite-tier and verbatim-run candidates kept per document by default
/// ([`CandidateParams::max_partners`]).
pub const DEFAULT_MAX_PARTNERS: usize = 32;

/// The rare-bigram cap never goes below this many documents.
pub const MIN_RARE_BUCKET: usize = 10;

/// Which pairs are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateParams {
    /// LSH buckets with more documents are linked as a star, not all pairs.
    pub max_bucket: usize,
    /// Content bigrams found in more documents than this are too common to
    /// be evidence of reuse and do not make candidates (rewrite tier).
    pub max_bigram_bucket: usize,
    /// Two documents become a rewrite-tier candidate, and can be a finding,
    /// only when they share at least this many content bigrams.
    pub min_shared_bigrams: usize,
    /// Rewrite-tier and verbatim-run candidates kept per document, those
    /// sharing the most rare keys first (0: no cap); a pair stays when
    /// either document keeps it.
    pub max_partners: usize,
    /// Pairs inside near-duplicate clusters reported besides the
    /// member-to-representative ones, at most (0: none, the default).
    pub all_pairs: usize,
}

impl CandidateParams {
    /// The rewrite tier's candidate rule.
    pub fn rare_keys(&self) -> RareKeys {
        RareKeys {
            max_bucket: self.max_bigram_bucket,
            min_shared: self.min_shared_bigrams,
            max_partners: self.max_partners,
        }
    }

    /// The verbatim-run candidate rule: one shared winnowed fingerprint,
    /// counting only fingerprints as rare as the rewrite tier's bigrams (a
    /// run the whole collection repeats is boilerplate, not reuse).
    pub fn verbatim_keys(&self) -> RareKeys {
        RareKeys {
            max_bucket: self.max_bigram_bucket,
            min_shared: 1,
            max_partners: self.max_partners,
        }
    }

    /// The semantic tier's candidate rule over sentence keys
    /// ([`crate::semantic::keys`]): as rare as the rewrite tier's bigrams,
    /// [`MIN_SHARED_KEYS`](crate::semantic::keys::MIN_SHARED_KEYS) shared.
    pub fn sentence_keys(&self) -> RareKeys {
        RareKeys {
            max_bucket: self.max_bigram_bucket,
            min_shared: crate::semantic::keys::MIN_SHARED_KEYS,
            max_partners: self.max_partners,
        }
    }

    /// The rule for a scan of `documents` documents: "rare" is a share of
    /// the corpus, not a count. Up to [`RARE_SHARE_CORPUS`] documents a
    /// bigram is rare in at most `max_bigram_bucket` of them; beyond, the
    /// cap shrinks in proportion (never below [`MIN_RARE_BUCKET`]), so a
    /// bigram in the same share of a larger corpus is just as rare, and the
    /// pairs the rare buckets make (the candidate stage's cost) grow with
    /// the corpus instead of faster.
    pub fn rare_keys_for(&self, documents: usize) -> RareKeys {
        let scaled = self.max_bigram_bucket * RARE_SHARE_CORPUS / documents.max(1);
        RareKeys {
            max_bucket: scaled.clamp(
                MIN_RARE_BUCKET.min(self.max_bigram_bucket),
                self.max_bigram_bucket,
            ),
            min_shared: self.min_shared_bigrams,
            max_partners: self.max_partners,
        }
    }
}

/// What makes a compared pair a finding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecisionParams {
    /// Jaccard threshold of the near-duplicate tier (the LSH banding is
    /// tuned to it).
    pub threshold: f64,
    /// Rewrite tier, whole-document rule: share of the smaller document's
    /// content bigrams (stopwords dropped, stemmed) found in the other.
    pub min_bigram_containment: f64,
    /// Rewrite tier, passage rule: weighted content-term containment of the
    /// best window pair...
    pub min_window_containment: f64,
    /// ...together with this content-bigram containment of that pair.
    pub min_window_bigram_containment: f64,
}

/// Every tunable of a run. Serialized into the report so a result can be
/// reproduced.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// What features depend on.
    pub features: FeatureParams,
    /// Which pairs are compared.
    pub candidates: CandidateParams,
    /// What makes a finding.
    pub decision: DecisionParams,
    /// Passage alignment tunables.
    pub align: AlignParams,
    /// What a scan learns from the whole collection: common bigrams,
    /// boilerplate sentences.
    pub collection: CollectionParams,
    /// The semantic tier's rule.
    pub semantic: SemanticParams,
}

/// The semantic tier's rule: a pair the lexical tiers compared but did not
/// report is a finding when enough of its sentences are each other's
/// nearest meaning, in order. Measured on every shared set and fixture
/// (docs/semantic.md); none of them was fitted alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SemanticParams {
    /// Whether the tier runs (`--no-semantic` turns it off).
    pub enabled: bool,
    /// Lowest cosine of an aligned sentence pair.
    pub min_cosine: f64,
    /// Fewest aligned sentence pairs: one or two sentences of a topic are
    /// close in meaning by chance.
    pub min_links: usize,
    /// Lowest share of each side's sentences aligned.
    pub min_coverage: f64,
}

impl Default for SemanticParams {
    fn default() -> Self {
        SemanticParams {
            enabled: true,
            min_cosine: 0.6,
            min_links: 3,
            min_coverage: 0.5,
        }
    }
}

/// When a content bigram is too common in the collection to be evidence of
/// reuse (besides `max_bigram_bucket`, the bound for large collections).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RarityParams {
    /// A bigram in fewer documents is never common: a source and its
    /// rewrites share their bigrams in a handful of documents.
    pub min_documents: usize,
    /// A bigram in more than this share of the documents of its language
    /// (the languages of the documents holding it) is the vocabulary of the
    /// collection's topic, not a trace of one text in another.
    pub max_share: f64,
}

impl RarityParams {
    /// Whether a bigram held by `held` documents, whose holders' languages
    /// count `of_languages` documents in the collection, is common (the
    /// share rule; `max_bigram_bucket` is the candidate rule's).
    pub fn is_common(&self, held: usize, of_languages: usize) -> bool {
        held >= self.min_documents && held as f64 > self.max_share * of_languages as f64
    }
}

impl Default for RarityParams {
    fn default() -> Self {
        RarityParams {
            min_documents: 5,
            max_share: 0.25,
        }
    }
}

/// The collection-level rules of the rewrite tier.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CollectionParams {
    /// Common content bigrams.
    pub rarity: RarityParams,
    /// Boilerplate sentences.
    pub boilerplate: BoilerplateParams,
}

impl Default for Params {
    fn default() -> Self {
        Params::new(5, 128, 0.5).expect("defaults are valid")
    }
}

impl LshParams {
    /// Bands and rows for a Jaccard `threshold` over `num_perm` slots: the
    /// one place they are derived ([`optimal_params`]).
    pub fn for_threshold(threshold: f64, num_perm: usize) -> LshParams {
        optimal_params(threshold, num_perm)
    }
}

impl Params {
    /// Parameters with the given shingle size, permutations and threshold,
    /// every other value at its default.
    pub fn new(shingle_size: usize, num_perm: usize, threshold: f64) -> Result<Self> {
        if shingle_size == 0 || shingle_size > 64 {
            return Err(Error::Param(format!(
                "shingle size (-k) must be 1..=64, got {shingle_size}"
            )));
        }
        if !(8..=4096).contains(&num_perm) {
            return Err(Error::Param(format!(
                "--num-perm must be 8..=4096, got {num_perm}"
            )));
        }
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(Error::Param(format!(
                "--threshold must be in (0, 1], got {threshold}"
            )));
        }
        Ok(Params {
            features: FeatureParams {
                shingle_size,
                num_perm,
                seed: MINHASH_SEED,
                lsh: LshParams::for_threshold(threshold, num_perm),
                rewrite_tier: true,
                unit_max_tokens: UnitParams::default().max_tokens,
                language: None,
                semantic_keys: true,
            },
            candidates: CandidateParams {
                max_bucket: 200,
                max_bigram_bucket: 50,
                min_shared_bigrams: 3,
                max_partners: DEFAULT_MAX_PARTNERS,
                all_pairs: 0,
            },
            decision: DecisionParams {
                threshold,
                min_bigram_containment: 0.13,
                min_window_containment: 0.53,
                min_window_bigram_containment: 0.10,
            },
            align: AlignParams::default(),
            collection: CollectionParams::default(),
            semantic: SemanticParams::default(),
        })
    }

    /// Whether the rewrite/paraphrase tier runs.
    pub fn rewrite_tier(&self) -> bool {
        self.features.rewrite_tier
    }

    /// Whether the semantic tier's sentence keys make candidates: the
    /// features have them and the tier that verifies their pairs is on.
    pub fn semantic_candidates(&self) -> bool {
        self.rewrite_tier() && self.features.semantic_keys && self.semantic.enabled
    }

    /// The candidate rule of both tiers, for asking a store of postings.
    pub fn candidate_rule(&self) -> CandidateRule {
        CandidateRule {
            lsh: self.features.lsh,
            max_band_bucket: MAX_BAND_BUCKET,
            rare_keys: self.rewrite_tier().then(|| self.candidates.rare_keys()),
            verbatim_keys: self.rewrite_tier().then(|| self.candidates.verbatim_keys()),
            sentence_keys: self
                .semantic_candidates()
                .then(|| self.candidates.sentence_keys()),
        }
    }
}

/// The report's `params` object: every field of [`Params`] at the top
/// level, in alphabetical order (the order of the JSON schema).
#[derive(Serialize, Deserialize)]
struct Flat {
    #[serde(serialize_with = "keys_sorted")]
    align: AlignParams,
    #[serde(default)]
    all_pairs: usize,
    #[serde(default, serialize_with = "keys_sorted")]
    boilerplate: BoilerplateParams,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<LanguageCode>,
    lsh: LshParams,
    max_bigram_bucket: usize,
    max_bucket: usize,
    /// Not in reports before the per-document cap (no cap then).
    #[serde(default)]
    max_partners: usize,
    min_bigram_containment: f64,
    min_shared_bigrams: usize,
    min_window_bigram_containment: f64,
    min_window_containment: f64,
    num_perm: usize,
    #[serde(default, serialize_with = "keys_sorted")]
    rarity: RarityParams,
    rewrite_tier: bool,
    seed: u64,
    /// Not in reports before the semantic tier (off then).
    #[serde(default = "semantic_off", serialize_with = "keys_sorted")]
    semantic: SemanticParams,
    shingle_size: usize,
    threshold: f64,
    /// Not in reports of schema version 1 (always the default there).
    #[serde(default = "default_unit_max_tokens", skip_serializing)]
    unit_max_tokens: usize,
}

/// `value` as a JSON object with its keys in alphabetical order, like every
/// other object of the `params` record.
fn keys_sorted<T: Serialize, S: Serializer>(
    value: &T,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    serde_json::to_value(value)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

fn semantic_off() -> SemanticParams {
    SemanticParams {
        enabled: false,
        ..SemanticParams::default()
    }
}

fn default_unit_max_tokens() -> usize {
    UnitParams::default().max_tokens
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (f, c, d) = (&self.features, &self.candidates, &self.decision);
        Flat {
            align: self.align,
            all_pairs: c.all_pairs,
            boilerplate: self.collection.boilerplate,
            language: f.language,
            lsh: f.lsh,
            max_bigram_bucket: c.max_bigram_bucket,
            max_bucket: c.max_bucket,
            max_partners: c.max_partners,
            min_bigram_containment: d.min_bigram_containment,
            min_shared_bigrams: c.min_shared_bigrams,
            min_window_bigram_containment: d.min_window_bigram_containment,
            min_window_containment: d.min_window_containment,
            num_perm: f.num_perm,
            rarity: self.collection.rarity,
            rewrite_tier: f.rewrite_tier,
            seed: f.seed,
            semantic: self.semantic,
            shingle_size: f.shingle_size,
            threshold: d.threshold,
            unit_max_tokens: f.unit_max_tokens,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Params {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let x = Flat::deserialize(d)?;
        Ok(Params {
            features: FeatureParams {
                shingle_size: x.shingle_size,
                num_perm: x.num_perm,
                seed: x.seed,
                lsh: x.lsh,
                rewrite_tier: x.rewrite_tier,
                unit_max_tokens: x.unit_max_tokens,
                language: x.language,
                semantic_keys: x.semantic.enabled && x.rewrite_tier,
            },
            candidates: CandidateParams {
                max_bucket: x.max_bucket,
                max_bigram_bucket: x.max_bigram_bucket,
                min_shared_bigrams: x.min_shared_bigrams,
                max_partners: x.max_partners,
                all_pairs: x.all_pairs,
            },
            decision: DecisionParams {
                threshold: x.threshold,
                min_bigram_containment: x.min_bigram_containment,
                min_window_containment: x.min_window_containment,
                min_window_bigram_containment: x.min_window_bigram_containment,
            },
            align: x.align,
            collection: CollectionParams {
                rarity: x.rarity,
                boilerplate: x.boilerplate,
            },
            semantic: x.semantic,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_params_are_flat_with_keys_in_alphabetical_order_and_read_back() {
        let p = Params::default();
        let json = serde_json::to_string(&p).unwrap();
        // serde_json's `Value` sorts object keys at every level: printing
        // through it must change nothing.
        let sorted = serde_json::to_value(&p).unwrap().to_string();
        assert_eq!(json, sorted);
        assert!(json.starts_with("{\"align\":{\"max_gap\":"), "{json}");
        assert_eq!(serde_json::from_str::<Params>(&json).unwrap(), p);
    }
}
