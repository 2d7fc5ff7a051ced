//! The composable commands of a distributed run, each a filter from JSON
//! lines to JSON lines so that a driver (`contrib/spark/dedup_spark.py`)
//! can pipe partitions through them, and each deciding through the same
//! library rule as `scan`:
//!
//! - `dedup sketch`: per document, its candidate keys of every tier.
//! - `dedup buckets`: per bucket of a key (grouped by the driver), its
//!   candidate pairs, shared-key counts, common keys or boilerplate.
//! - `dedup verify`: per candidate pair, the finding (or the near-duplicate
//!   test, the exact Jaccard, a cluster's representative).
//! - `dedup assemble`: findings, cluster links and documents into the
//!   report `scan --format json` writes.
//!
//! The record formats are in [`dedup::distributed`] and the README's
//! "Scaling out" section.

use super::{DetectArgs, InputArgs};
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use dedup::boilerplate::is_boilerplate;
use dedup::candidates::{
    band_keys, bucket_pairs, bucket_shares, has_bands, is_common_bucket, packed_key,
    strongest_partners, CandidatePair, LanguageShares, RareKeys,
};
use dedup::dense::{is_near_duplicate, representative};
use dedup::distributed::{CollectionFile, DocRecord};
use dedup::features::{Extractor, Features};
use dedup::input::{self, Document, InputError, InputOptions};
use dedup::model::{DocumentInfo, Finding, Stats};
use dedup::params::Params;
use dedup::pipeline::{assemble, document_info, Collection};
use dedup::sketch::Signature;
use dedup::verify::{finding, set_similarity};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// Arguments of `dedup sketch`.
#[derive(Debug, Args)]
pub struct SketchArgs {
    /// Files or directories to sketch; none (or `-`) reads document records
    /// (`{"idx","id","text"|"latin1"|"path"}` lines) from standard input.
    pub paths: Vec<PathBuf>,
    /// Output format (JSON lines, one per document).
    #[arg(long, value_enum, default_value_t = LinesFormat::Jsonl)]
    pub format: LinesFormat,
    /// Documents in the whole collection (rewrite and verbatim keys are
    /// packed for it, as a scan of the collection packs them; default: the
    /// documents read).
    #[arg(long, value_name = "N")]
    pub collection_size: Option<usize>,
    /// The collection's facts (`{"boilerplate":[...]}`): the content bigrams
    /// of boilerplate sentences are left out, as in a scan.
    #[arg(long, value_name = "FILE")]
    pub collection: Option<PathBuf>,
    /// Write here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub detect: DetectArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
}

/// The line formats of the distributed commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinesFormat {
    /// One JSON object per line.
    Jsonl,
}

/// Arguments of `dedup buckets`.
#[derive(Debug, Args)]
pub struct BucketsArgs {
    /// Documents in the whole collection (the rare-bigram cap is a share of
    /// it, as in a scan).
    #[arg(long, value_name = "N")]
    pub collection_size: Option<usize>,
    /// Documents per language code in the whole collection
    /// (`{"en": 1200, ...}`): the share rule of common bigrams.
    #[arg(long, value_name = "FILE")]
    pub languages: Option<PathBuf>,
    /// Bucket lines to read (default: standard input).
    #[arg(long, value_name = "FILE")]
    pub input_file: Option<PathBuf>,
    /// Write here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub detect: DetectArgs,
}

/// What `dedup verify` computes for each line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyMode {
    /// `{"a": DOC, "b": DOC}`: the finding, as `scan` lists it in `pairs`
    /// (nothing when the pair is none).
    Finding,
    /// `{"a": DOC, "b": DOC}`: `{"a","b","near_duplicate"}`, the
    /// near-duplicate tier's test of a star edge.
    NearDuplicate,
    /// `{"a": DOC, "b": DOC}`: `{"a","b","jaccard"}`, exact shingle Jaccard.
    Jaccard,
    /// `{"members": [DOC...]}` (one near-duplicate cluster):
    /// `{"members": [IDX...], "representative": IDX, "findings": [...]}`.
    Cluster,
}

/// Arguments of `dedup verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// What to compute for each line.
    #[arg(long, value_enum, default_value_t = VerifyMode::Finding)]
    pub mode: VerifyMode,
    /// The collection's facts (`{"boilerplate":[...],"common":[...]}`),
    /// from `dedup buckets`; without it none (a scan of just these pairs).
    #[arg(long, value_name = "FILE")]
    pub collection: Option<PathBuf>,
    /// Candidate lines to read (default: standard input).
    #[arg(long, value_name = "FILE")]
    pub input_file: Option<PathBuf>,
    /// Write here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub detect: DetectArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
}

/// Arguments of `dedup assemble`.
#[derive(Debug, Args)]
pub struct AssembleArgs {
    /// `dedup sketch` lines of every document (their `idx` and `document`).
    #[arg(long, value_name = "FILE")]
    pub documents: PathBuf,
    /// Finding lines (`dedup verify`, modes finding and cluster).
    #[arg(long, value_name = "FILE")]
    pub findings: Option<PathBuf>,
    /// `{"a","b"}` lines: documents known to be in one cluster (each
    /// near-duplicate member and its representative).
    #[arg(long, value_name = "FILE")]
    pub links: Option<PathBuf>,
    /// `{"a","b","jaccard"}` lines (`dedup verify --mode jaccard`) for the
    /// pairs `--needs` lists.
    #[arg(long, value_name = "FILE")]
    pub jaccard: Option<PathBuf>,
    /// Input error lines (`{"file","line","message"}`, from `dedup sketch`).
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Print the `{"a","b"}` pairs whose exact Jaccard the clusters need
    /// (members with no finding against the kept document) instead of the
    /// report.
    #[arg(long)]
    pub needs: bool,
    /// Write here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub detect: DetectArgs,
}

/// What `dedup sketch` prints of one document.
#[derive(Debug, Serialize)]
struct SketchRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    idx: Option<u32>,
    id: &'a str,
    /// Hash of the normalized text; none for an empty document.
    content_hash: Option<u64>,
    tokens: usize,
    language: &'a str,
    /// LSH band keys (none for an empty signature).
    bands: Vec<u64>,
    /// Rewrite-tier keys: content bigrams, packed for the collection size.
    bigrams: Vec<u64>,
    /// Verbatim-run keys: winnowed fingerprints, packed likewise.
    fingerprints: Vec<u64>,
    /// Semantic-tier keys: SimHash keys of sentence vectors, packed
    /// likewise (none when the tier is off or the document long).
    sentence_keys: Vec<u64>,
    /// Sentence hashes (boilerplate buckets).
    sentences: Vec<u64>,
    /// The MinHash signature (boilerplate's holder test).
    signature: &'a [u32],
    /// What the report says of the document.
    document: DocumentInfo,
}

/// An error line of `dedup sketch`: a record or file that is no document.
#[derive(Debug, Serialize)]
struct ErrorRecord<'a> {
    error: &'a InputError,
}

fn read_lines(path: Option<&Path>) -> anyhow::Result<Vec<(usize, String)>> {
    let name = path.map_or("standard input".to_string(), |p| p.display().to_string());
    let reader: Box<dyn BufRead> = match path {
        Some(p) => Box::new(std::io::BufReader::new(
            std::fs::File::open(p).with_context(|| format!("{name}: cannot open"))?,
        )),
        None => Box::new(std::io::BufReader::new(std::io::stdin().lock())),
    };
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{name}: line {}: cannot read", i + 1))?;
        if !line.trim().is_empty() {
            out.push((i + 1, line));
        }
    }
    Ok(out)
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, line: usize, text: &str) -> anyhow::Result<T> {
    serde_json::from_str(text).with_context(|| format!("{name}: line {line}: not a valid record"))
}

fn source_name(path: Option<&Path>) -> String {
    path.map_or("standard input".to_string(), |p| p.display().to_string())
}

fn read_collection(path: Option<&PathBuf>) -> anyhow::Result<Collection> {
    let Some(path) = path else {
        return Ok(Collection::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), input::describe_io(&e)))?;
    let file: CollectionFile = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a collection file", path.display()))?;
    Ok(file.collection())
}

/// The features a scan has for a document once the collection is known.
fn features_in(
    doc: &Document,
    extractor: &Extractor,
    collection: &Collection,
    params: &Params,
) -> Features {
    let mut f = extractor.features(doc);
    if params.rewrite_tier() {
        f.refine(doc, &collection.boilerplate);
    }
    f
}

fn write_lines<T: Serialize>(output: Option<&PathBuf>, lines: &[T]) -> anyhow::Result<()> {
    let mut out = super::open_output(output)?;
    let result = (|| -> std::io::Result<()> {
        for l in lines {
            serde_json::to_writer(&mut out, l)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })();
    super::finish_output(result, &mut out)
}

/// Runs `dedup sketch`.
pub fn run_sketch(args: &SketchArgs) -> anyhow::Result<i32> {
    let params = args.detect.params()?;
    super::configure_threads(args.detect.threads)?;
    let opts = args.input.options();
    let collection = read_collection(args.collection.as_ref())?;
    let from_stdin = args.paths.is_empty() || args.paths.iter().all(|p| p.as_os_str() == "-");
    let (documents, idx, errors) = if from_stdin {
        records(None, &opts)?
    } else {
        let loaded = input::load(&args.paths, &opts);
        let n = loaded.documents.len();
        (loaded.documents, vec![None; n], loaded.errors)
    };
    let size = args.collection_size.unwrap_or(documents.len());
    let extractor = Extractor::new(&params.features).dropping_shingles();
    let lsh = params.features.lsh;
    let lines: Vec<String> = documents
        .par_iter()
        .zip(&idx)
        .map(|(d, &idx)| {
            let f = features_in(d, &extractor, &collection, &params);
            let record = SketchRecord {
                idx,
                id: &d.id,
                content_hash: (f.tokens > 0).then_some(f.content_hash),
                tokens: f.tokens,
                language: &f.language.code,
                bands: if has_bands(&f.signature, lsh) {
                    band_keys(&f.signature, lsh)
                } else {
                    Vec::new()
                },
                bigrams: f.bigrams.iter().map(|&b| packed_key(b, size)).collect(),
                fingerprints: f
                    .fingerprints
                    .iter()
                    .map(|&b| packed_key(b, size))
                    .collect(),
                sentence_keys: f
                    .sentence_keys
                    .iter()
                    .map(|&b| packed_key(b, size))
                    .collect(),
                sentences: f.sentence_hashes.clone(),
                signature: &f.signature.0,
                document: document_info(d, &f, &params),
            };
            serde_json::to_string(&record).expect("a sketch serializes")
        })
        .collect();
    let mut out = super::open_output(args.output.as_ref())?;
    let result = (|| -> std::io::Result<()> {
        for e in &errors {
            serde_json::to_writer(&mut out, &ErrorRecord { error: e })?;
            out.write_all(b"\n")?;
        }
        for l in &lines {
            out.write_all(l.as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })();
    super::finish_output(result, &mut out)?;
    Ok(if args.paths.iter().any(|p| super::unreadable_root(p)) {
        super::EXIT_ERROR
    } else {
        super::EXIT_CLEAN
    })
}

/// Document records from standard input: the documents, their numbers and
/// the records that were none.
type Records = (Vec<Document>, Vec<Option<u32>>, Vec<InputError>);

fn records(path: Option<&Path>, opts: &InputOptions) -> anyhow::Result<Records> {
    let name = source_name(path);
    let mut docs = Vec::new();
    let mut idx = Vec::new();
    let mut errors = Vec::new();
    for (line, text) in read_lines(path)? {
        let record: DocRecord = parse(&name, line, &text)?;
        match record.document(opts) {
            Ok(d) => {
                docs.push(d);
                idx.push(record.idx);
            }
            Err(e) => errors.push(e),
        }
    }
    Ok((docs, idx, errors))
}

/// One line of `dedup buckets`.
#[derive(Debug, Deserialize)]
struct BucketLine {
    tier: Tier,
    #[serde(default)]
    key: Option<u64>,
    /// Document numbers, ascending (repeats kept for bigram and verbatim).
    #[serde(default)]
    members: Option<Vec<u32>>,
    /// Language codes of the holders (bigram tier).
    #[serde(default)]
    languages: Option<Vec<String>>,
    /// `[id, signature]` of each holder (sentence tier).
    #[serde(default)]
    holders: Option<Vec<(String, Vec<u32>)>>,
    /// A pair with its summed shared-key count (bigram, verbatim).
    #[serde(default)]
    a: Option<u32>,
    #[serde(default)]
    b: Option<u32>,
    #[serde(default)]
    shared: Option<usize>,
    /// One document's candidate partners, `[other, shared]` each (bigram,
    /// verbatim): the per-document cap keeps the strongest.
    #[serde(default)]
    doc: Option<u32>,
    #[serde(default)]
    partners: Option<Vec<(u32, u32)>>,
}

/// The candidate tiers a bucket belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum Tier {
    /// Documents with the same content hash.
    Exact,
    /// Documents with the same LSH band key.
    Band,
    /// Documents holding a sentence (boilerplate).
    Sentence,
    /// Documents holding a content bigram (rewrite tier).
    Bigram,
    /// Documents holding a verbatim fingerprint.
    Verbatim,
    /// Documents holding a sentence key (semantic tier).
    Semantic,
}

/// What `dedup buckets` prints.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum BucketOut {
    /// A candidate pair (or a star edge).
    Pair { tier: Tier, a: u32, b: u32 },
    /// A pair's shared keys in one bucket, to be summed by pair.
    Shared {
        tier: Tier,
        a: u32,
        b: u32,
        shared: usize,
    },
    /// A common bigram key.
    Common { common: u64 },
    /// A boilerplate sentence.
    Boilerplate { boilerplate: u64 },
}

/// Runs `dedup buckets`.
pub fn run_buckets(args: &BucketsArgs) -> anyhow::Result<i32> {
    let params = args.detect.params()?;
    let source = args.input_file.as_deref();
    let name = source_name(source);
    let shares = match &args.languages {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), input::describe_io(&e)))?;
            let counts: BTreeMap<String, usize> = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a language count object", path.display()))?;
            Some(LanguageShares::from_counts(
                counts.iter().map(|(c, &n)| (c.as_str(), n)),
            ))
        }
        None => None,
    };
    // A full scan's rules: every LSH bucket a star (it clusters
    // near-duplicates), the rare-bigram cap a share of the collection.
    let rare = args
        .collection_size
        .map(|n| params.candidates.rare_keys_for(n));
    let verbatim = params.candidates.verbatim_keys();
    let semantic = params.candidates.sentence_keys();
    let rule_of = |tier: Tier, line: usize| -> anyhow::Result<RareKeys> {
        match tier {
            Tier::Bigram => rare.with_context(|| {
                format!("{name}: line {line}: a bigram bucket needs --collection-size")
            }),
            Tier::Semantic => Ok(semantic),
            _ => Ok(verbatim),
        }
    };
    let mut out = Vec::new();
    for (line, text) in read_lines(source)? {
        let b: BucketLine = parse(&name, line, &text)?;
        let missing = |field: &str| anyhow::anyhow!("{name}: line {line}: no `{field}`");
        if let (Some(a), Some(bb), Some(shared)) = (b.a, b.b, b.shared) {
            if rule_of(b.tier, line)?.is_candidate(shared) {
                let p = CandidatePair::new(a, bb);
                out.push(BucketOut::Shared {
                    tier: b.tier,
                    a: p.a,
                    b: p.b,
                    shared,
                });
            }
            continue;
        }
        if let (Some(doc), Some(mut partners)) = (b.doc, b.partners) {
            let rule = rule_of(b.tier, line)?;
            for &(other, _) in strongest_partners(&mut partners, rule.max_partners) {
                let p = CandidatePair::new(doc, other);
                out.push(BucketOut::Pair {
                    tier: b.tier,
                    a: p.a,
                    b: p.b,
                });
            }
            continue;
        }
        match b.tier {
            Tier::Exact | Tier::Band => {
                let mut members = b.members.ok_or_else(|| missing("members"))?;
                members.sort_unstable();
                members.dedup();
                let mut pairs = Vec::new();
                bucket_pairs(&members, 1, &mut pairs);
                out.extend(pairs.into_iter().map(|p| BucketOut::Pair {
                    tier: b.tier,
                    a: p.a,
                    b: p.b,
                }));
            }
            Tier::Sentence => {
                let key = b.key.ok_or_else(|| missing("key"))?;
                let holders = b.holders.ok_or_else(|| missing("holders"))?;
                let signatures: Vec<(String, Signature)> = holders
                    .into_iter()
                    .map(|(id, s)| (id, Signature(s)))
                    .collect();
                let refs: Vec<(&str, &Signature)> =
                    signatures.iter().map(|(id, s)| (id.as_str(), s)).collect();
                if is_boilerplate(refs, &params.collection.boilerplate) {
                    out.push(BucketOut::Boilerplate { boilerplate: key });
                }
            }
            Tier::Bigram | Tier::Verbatim | Tier::Semantic => {
                let key = b.key.ok_or_else(|| missing("key"))?;
                let mut members = b.members.ok_or_else(|| missing("members"))?;
                members.sort_unstable();
                let rule = rule_of(b.tier, line)?;
                let common = is_common_bucket(members.len(), rule, || match b.tier {
                    Tier::Bigram => {
                        let codes = b.languages.as_deref().unwrap_or(&[]);
                        shares.as_ref().is_some_and(|s| {
                            s.is_common(
                                &params.collection.rarity,
                                members.len(),
                                &mut codes.iter().map(|c| dedup::language::language_id(c)),
                            )
                        })
                    }
                    // Verbatim runs and sentence keys have no common keys
                    // but by the cap.
                    _ => false,
                });
                if b.tier == Tier::Bigram && shares.is_none() {
                    bail!("{name}: line {line}: a bigram bucket needs --languages");
                }
                if common {
                    if b.tier == Tier::Bigram {
                        out.push(BucketOut::Common { common: key });
                    }
                } else {
                    out.extend(bucket_shares(&members).into_iter().map(|(p, shared)| {
                        BucketOut::Shared {
                            tier: b.tier,
                            a: p.a,
                            b: p.b,
                            shared,
                        }
                    }));
                }
            }
        }
    }
    write_lines(args.output.as_ref(), &out)?;
    Ok(super::EXIT_CLEAN)
}

/// A candidate line of `dedup verify`.
#[derive(Debug, Deserialize)]
struct PairLine {
    #[serde(default)]
    a: Option<DocRecord>,
    #[serde(default)]
    b: Option<DocRecord>,
    #[serde(default)]
    members: Option<Vec<DocRecord>>,
}

#[derive(Debug, Serialize)]
struct TestOut {
    a: Option<u32>,
    b: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    near_duplicate: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jaccard: Option<f64>,
}

#[derive(Debug, Serialize)]
struct ClusterOut {
    /// The members' numbers, ascending.
    members: Vec<Option<u32>>,
    representative: Option<u32>,
    findings: Vec<Finding>,
}

/// Runs `dedup verify`: every document of the input's lines is read and
/// sketched once (in parallel), then every line is decided (in parallel);
/// outputs keep the input's order.
pub fn run_verify(args: &VerifyArgs) -> anyhow::Result<i32> {
    let params = args.detect.params()?;
    if params.candidates.all_pairs > 0 {
        bail!("--all-pairs is not supported by the distributed commands");
    }
    super::configure_threads(args.detect.threads)?;
    let opts = args.input.options();
    let collection = read_collection(args.collection.as_ref())?;
    let source = args.input_file.as_deref();
    let name = source_name(source);
    let mut lines = Vec::new();
    for (line, text) in read_lines(source)? {
        let l: PairLine = parse(&name, line, &text)?;
        let docs: Vec<DocRecord> = match args.mode {
            VerifyMode::Cluster => l
                .members
                .with_context(|| format!("{name}: line {line}: no `members`"))?,
            _ => match (l.a, l.b) {
                (Some(a), Some(b)) => {
                    // The scan's order: the smaller document number first.
                    if a.idx.zip(b.idx).is_some_and(|(x, y)| y < x) {
                        vec![b, a]
                    } else {
                        vec![a, b]
                    }
                }
                _ => bail!("{name}: line {line}: a pair needs `a` and `b`"),
            },
        };
        lines.push((line, docs));
    }
    // Each document once, by id.
    let mut slot: HashMap<String, usize> = HashMap::new();
    let mut unique: Vec<&DocRecord> = Vec::new();
    for (_, docs) in &lines {
        for d in docs {
            slot.entry(d.id.clone()).or_insert_with(|| {
                unique.push(d);
                unique.len() - 1
            });
        }
    }
    let documents: Vec<Document> = unique
        .par_iter()
        .map(|r| {
            r.document(&opts).map_err(|e| {
                anyhow::anyhow!("{name}: document {}: {}: {}", r.id, e.file, e.message)
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let extractor = Extractor::new(&params.features);
    let features: Vec<Features> = documents
        .par_iter()
        .map(|d| features_in(d, &extractor, &collection, &params))
        .collect();
    let at = |r: &DocRecord| slot[&r.id];
    let out: Vec<String> = lines
        .par_iter()
        .map(|(_, docs)| -> String {
            match args.mode {
                VerifyMode::Cluster => {
                    // The scan's order inside a cluster: by document number.
                    let mut order: Vec<&DocRecord> = docs.iter().collect();
                    order.sort_by_key(|r| (r.idx, r.id.clone()));
                    let local_docs: Vec<Document> =
                        order.iter().map(|r| documents[at(r)].clone()).collect();
                    let local_features: Vec<Features> =
                        order.iter().map(|r| features[at(r)].clone()).collect();
                    let group: Vec<u32> = (0..order.len() as u32).collect();
                    let (rep, findings) =
                        representative(&group, &local_docs, &local_features, &params);
                    json(&ClusterOut {
                        members: order.iter().map(|r| r.idx).collect(),
                        representative: order[rep as usize].idx,
                        findings,
                    })
                }
                mode => {
                    let (x, y) = (at(&docs[0]), at(&docs[1]));
                    let (da, fa, db, fb) =
                        (&documents[x], &features[x], &documents[y], &features[y]);
                    let (a, b) = (docs[0].idx, docs[1].idx);
                    match mode {
                        VerifyMode::Finding => finding(da, fa, db, fb, &params, &collection.common)
                            .map(|f| json(&f))
                            .unwrap_or_default(),
                        VerifyMode::NearDuplicate => json(&TestOut {
                            a,
                            b,
                            near_duplicate: Some(is_near_duplicate((da, fa), (db, fb), &params)),
                            jaccard: None,
                        }),
                        _ => json(&TestOut {
                            a,
                            b,
                            near_duplicate: None,
                            jaccard: Some(set_similarity(fa.shingles(da), fb.shingles(db)).jaccard),
                        }),
                    }
                }
            }
        })
        .collect();
    let mut sink = super::open_output(args.output.as_ref())?;
    let result = (|| -> std::io::Result<()> {
        for l in out.iter().filter(|l| !l.is_empty()) {
            sink.write_all(l.as_bytes())?;
            sink.write_all(b"\n")?;
        }
        Ok(())
    })();
    super::finish_output(result, &mut sink)?;
    Ok(super::EXIT_CLEAN)
}

/// One JSON line of a value.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("outputs serialize")
}

#[derive(Debug, Deserialize)]
struct DocumentLine {
    #[serde(default)]
    idx: Option<u32>,
    #[serde(default)]
    document: Option<DocumentInfo>,
}

#[derive(Debug, Deserialize)]
struct EdgeLine {
    a: u32,
    b: u32,
    #[serde(default)]
    jaccard: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FindingLine {
    Cluster { findings: Vec<Finding> },
    One(Box<Finding>),
}

#[derive(Debug, Deserialize)]
struct ErrorLine {
    error: InputError,
}

/// Runs `dedup assemble`.
pub fn run_assemble(args: &AssembleArgs) -> anyhow::Result<i32> {
    let params = args.detect.params()?;
    let name = args.documents.display().to_string();
    let mut numbered: Vec<(u32, DocumentInfo)> = Vec::new();
    for (line, text) in read_lines(Some(&args.documents))? {
        let d: DocumentLine = parse(&name, line, &text)?;
        // Error lines of `dedup sketch` have no document.
        if let Some(doc) = d.document {
            let idx = d
                .idx
                .with_context(|| format!("{name}: line {line}: a document needs its `idx`"))?;
            numbered.push((idx, doc));
        }
    }
    numbered.sort_by_key(|(i, _)| *i);
    for (at, (i, d)) in numbered.iter().enumerate() {
        if *i as usize != at {
            bail!(
                "{name}: document numbers must be 0..{} without gaps: {} has {i}",
                numbered.len(),
                d.id
            );
        }
    }
    let documents: Vec<DocumentInfo> = numbered.into_iter().map(|(_, d)| d).collect();
    let n = documents.len() as u32;
    let edges = |path: Option<&PathBuf>| -> anyhow::Result<Vec<EdgeLine>> {
        let Some(path) = path else {
            return Ok(Vec::new());
        };
        let name = path.display().to_string();
        let mut out = Vec::new();
        for (line, text) in read_lines(Some(path))? {
            let e: EdgeLine = parse(&name, line, &text)?;
            if e.a >= n || e.b >= n {
                bail!(
                    "{name}: line {line}: no document {} in --documents",
                    e.a.max(e.b)
                );
            }
            out.push(e);
        }
        Ok(out)
    };
    let links: Vec<(u32, u32)> = edges(args.links.as_ref())?
        .into_iter()
        .map(|e| (e.a, e.b))
        .collect();
    let given: HashMap<(u32, u32), f64> = edges(args.jaccard.as_ref())?
        .into_iter()
        .filter_map(|e| Some(((e.a.min(e.b), e.a.max(e.b)), e.jaccard?)))
        .collect();
    let mut findings = Vec::new();
    if let Some(path) = &args.findings {
        let name = path.display().to_string();
        let ids: std::collections::HashSet<&str> =
            documents.iter().map(|d| d.id.as_str()).collect();
        for (line, text) in read_lines(Some(path))? {
            let found = match parse::<FindingLine>(&name, line, &text)? {
                FindingLine::Cluster { findings } => findings,
                FindingLine::One(f) => vec![*f],
            };
            for f in &found {
                for id in [&f.a, &f.b] {
                    if !ids.contains(id.as_str()) {
                        bail!("{name}: line {line}: no document {id} in --documents");
                    }
                }
            }
            findings.extend(found);
        }
    }
    let mut errors = Vec::new();
    if let Some(path) = &args.errors {
        let name = path.display().to_string();
        for (line, text) in read_lines(Some(path))? {
            errors.push(parse::<ErrorLine>(&name, line, &text)?.error);
        }
    }
    errors.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    errors.dedup();
    let asked = std::sync::Mutex::new(Vec::new());
    let jaccard = |i: u32, k: u32| {
        let key = (i.min(k), i.max(k));
        match given.get(&key) {
            Some(&j) => j,
            None => {
                asked.lock().expect("not poisoned").push(key);
                0.0
            }
        }
    };
    let stats = Stats {
        threads: rayon::current_num_threads(),
        timings_ms: BTreeMap::new(),
        counters: BTreeMap::new(),
    };
    let report = assemble(
        documents, findings, &links, &jaccard, errors, &params, stats,
    );
    let mut asked = asked.into_inner().expect("not poisoned");
    asked.sort_unstable();
    asked.dedup();
    if args.needs {
        #[derive(Serialize)]
        struct Need {
            a: u32,
            b: u32,
        }
        let needs: Vec<Need> = asked.into_iter().map(|(a, b)| Need { a, b }).collect();
        write_lines(args.output.as_ref(), &needs)?;
        return Ok(super::EXIT_CLEAN);
    }
    if let Some((a, b)) = asked.first() {
        bail!(
            "the clusters need the exact Jaccard of documents {a} and {b} (and {} more pairs): list them with `dedup assemble --needs`, compute them with `dedup verify --mode jaccard` and pass --jaccard",
            asked.len() - 1
        );
    }
    let ctx = dedup::report::RenderContext::of_documents(&[], None);
    super::write_report(
        &report,
        dedup::report::Format::Json,
        args.output.as_ref(),
        &ctx,
    )?;
    // A stage of a pipeline: findings are its output, not a failure.
    Ok(super::EXIT_CLEAN)
}
