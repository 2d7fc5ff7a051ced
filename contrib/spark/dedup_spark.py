#!/usr/bin/env python3
"""dedup on Apache Spark: the scan pipeline with Spark moving the data and
the `dedup` binary making every decision.

    python3 contrib/spark/dedup_spark.py --input DIR|FILE.jsonl|FILE.parquet \\
        --output OUT [--dedup-bin target/release/dedup] [--master local[2]]

or, on a cluster, `spark-submit --files target/release/dedup
contrib/spark/dedup_spark.py --input ... --output ...`.

Spark does what one machine cannot: it holds the documents, groups the
candidate keys of all of them, joins texts to pairs and finds connected
components. Every rule (which pairs a bucket makes, what is boilerplate or a
common bigram, what is a near-duplicate, a finding, a cluster's
representative, the report) is the binary's, piped partition by partition:
`dedup sketch`, `buckets`, `verify` and `assemble` (see the README,
"Scaling out"). The stages are those of `dedup scan`, in its order, so the
report equals a scan's of the same documents:

 1. sketch (no collection facts yet)       -> ids, sentences, signatures
 2. sentence buckets                        -> boilerplate (collection fact)
 3. sketch again with the boilerplate       -> keys of every tier
 4. exact-hash and LSH buckets (stars)      -> near-duplicate edges
 5. verify the edges, connected components  -> near-duplicate clusters
 6. each cluster's representative           -> member findings
 7. bigram buckets of representatives, verbatim buckets of all
                                            -> common bigrams (fact), pairs
 8. pairs onto representatives, verify      -> findings
 9. assemble on the driver                  -> OUT/report.json, OUT/keep.parquet

A failing `dedup` command fails the job with the binary's message.
"""

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

BIN_NAME = "dedup"
# File extensions a scan reads when walking a directory (input::EXTENSIONS
# without the JSONL ones, which hold many documents: give such a file as
# --input instead).
EXTENSIONS = {"txt", "text", "md", "markdown", "html", "htm"}


class DedupError(RuntimeError):
    """A `dedup` command failed on an executor or on the driver."""


def run_dedup(exe, args, lines):
    """Runs `exe args` with `lines` (strings) on stdin; returns its stdout
    lines. A non-zero exit raises DedupError with the command's stderr."""
    with tempfile.TemporaryDirectory(prefix="dedup-spark-") as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        out = os.path.join(tmp, "out.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(line)
                f.write("\n")
        with open(inp, "rb") as stdin, open(out, "wb") as stdout:
            proc = subprocess.run([exe] + args, stdin=stdin, stdout=stdout,
                                  stderr=subprocess.PIPE)
        if proc.returncode != 0:
            how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
                   else f"exit {proc.returncode}")
            message = proc.stderr.decode("utf-8", "replace").strip() or "(no message)"
            raise DedupError(f"`dedup {args[0]}` failed ({how}): {message}")
        with open(out, encoding="utf-8") as f:
            return [l for l in f.read().split("\n") if l]


def executor_binary():
    """The binary shipped with --files or SparkContext.addFile, executable."""
    from pyspark import SparkFiles
    path = SparkFiles.get(BIN_NAME)
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR)
    return path


def pipe(rdd, args, files=()):
    """Pipes each partition of `rdd` (JSON-serializable objects) through
    `dedup ARGS`, where an argument `@NAME` (NAME in `files`) is the
    executor's copy of a file shipped with addFile; yields the parsed output objects."""
    def run(part):
        from pyspark import SparkFiles
        lines = [json.dumps(x, separators=(",", ":")) for x in part]
        if not lines:
            return []
        argv = [SparkFiles.get(a[1:]) if a[1:] in files else a for a in args]
        return [json.loads(l) for l in run_dedup(executor_binary(), argv, lines)]
    return rdd.mapPartitions(run)


class Shipped:
    """Files written on the driver and shipped to the executors, each under
    a name of its own (addFile refuses a name twice)."""

    def __init__(self, sc, workdir):
        self.sc, self.workdir, self.count = sc, workdir, 0

    def json(self, stem, value):
        self.count += 1
        name = f"{stem}-{self.count}.json"
        path = os.path.join(self.workdir, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(value, f)
        self.sc.addFile(path)
        return name, path


def read_records(spark, path, text_col, id_col, partitions):
    """Document records (`{"id", "path"}` or `{"id", "text"}`) of the input,
    with the ids a scan gives them."""
    sc = spark.sparkContext
    parquet = path.rstrip("/").endswith(".parquet")
    if os.path.isdir(path) and not parquet:
        # The scan's walk: files with a known extension, hidden ones left
        # out, ids relative to the root with `/`.
        found = []
        for root, dirs, files in os.walk(path, followlinks=True):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
                if name.startswith(".") or ext not in EXTENSIONS:
                    continue
                full = os.path.join(root, name)
                rel = os.path.relpath(full, path).replace(os.sep, "/")
                found.append({"id": rel, "path": full})
        return sc.parallelize(found, partitions)
    base = os.path.basename(path.rstrip("/"))
    if parquet:
        df = spark.read.parquet(path)
    else:
        df = spark.read.json(path)
    if text_col not in df.columns:
        raise DedupError(f"{path}: no column {text_col!r} (--text-col); columns: {', '.join(df.columns)}")
    has_id = id_col in df.columns
    rows = df.rdd.zipWithIndex()
    # A scan of a JSONL file names its documents FILE#ID (FILE#LINE without
    # an id field).
    return rows.map(lambda ri: {
        "id": f"{base}#{ri[0][id_col] if has_id and ri[0][id_col] is not None else ri[1] + 1}",
        "text": ri[0][text_col] or "",
        "path": path,
    }).repartition(partitions)


def components(edges, P):
    """Connected components of an edge RDD of (u, v): alternating large-star
    and small-star (Kiveris et al., "Connected Components in MapReduce and
    Beyond", SoCC 2014) until the edge set stops changing; each component
    ends as a star around its smallest node. Returns (node, smallest)."""
    def large_star(kv):
        u, nbrs = kv
        m = min(min(nbrs), u)
        return [(v, m) for v in nbrs if v > u]

    def small_star(kv):
        u, nbrs = kv
        m = min(min(nbrs), u)
        return [(v, m) for v in list(nbrs) + [u] if v <= u and v != m]

    current = edges.map(lambda e: (max(e), min(e))).distinct(P).cache()
    while True:
        large = current.flatMap(lambda e: [e, (e[1], e[0])]).groupByKey(P).flatMap(large_star)
        small = large.groupByKey(P).flatMap(small_star)
        # small-star runs on directed (v, parent) edges; the next round sees
        # them undirected again.
        nxt = small.map(lambda e: (max(e), min(e))).distinct(P).cache()
        # One job over all partitions (isEmpty's take would recompute
        # the difference partition after partition).
        if nxt.subtract(current, P).union(current.subtract(nxt, P)).count() == 0:
            break
        current = nxt
    # Converged: every edge is (node, the component's smallest node).
    return current.union(current.map(lambda e: (e[1], e[1]))).distinct(P)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="a directory of text files, a JSONL or a Parquet file")
    ap.add_argument("--output", required=True, help="directory for report.json and keep.parquet")
    ap.add_argument("--dedup-bin", help="the dedup binary (default: the `dedup` shipped with --files)")
    ap.add_argument("--master", help="Spark master (default: spark-submit's, else local[2])")
    ap.add_argument("--text-col", default="text")
    ap.add_argument("--id-col", default="id")
    ap.add_argument("--partitions", type=int, default=0,
                    help="partitions of each stage (default: Spark's default parallelism)")
    ap.add_argument("--verbose", action="store_true", help="print when each stage starts")
    args = ap.parse_args(argv)
    try:
        run(args)
    except DedupError as e:
        print(f"dedup_spark: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # A task's DedupError reaches here inside Py4J.
        text = str(e)
        marker = "DedupError: "
        if marker in text:
            message = text[text.index(marker) + len(marker):].split("\n")[0]
            print(f"dedup_spark: job failed: {message}", file=sys.stderr)
            return 1
        raise
    return 0


def run(args):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("dedup")
    if args.master:
        builder = builder.master(args.master)
    elif "spark.master" not in os.environ.get("SPARK_CONF", ""):
        builder = builder.config("spark.master", os.environ.get("SPARK_MASTER", "local[2]"))
    spark = (builder
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", str(args.partitions or 4))
             .config("spark.task.maxFailures", "1")
             .getOrCreate())
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    # Executors import this module when it is not __main__ (a caller
    # imported it): ship it.
    sc.addPyFile(os.path.abspath(__file__))
    os.makedirs(args.output, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="dedup-spark-", dir=args.output)
    try:
        stages(spark, sc, args, workdir)
    finally:
        spark.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def stages(spark, sc, args, workdir):
    started = time.time()

    def step(name):
        if args.verbose:
            print(f"dedup_spark: {time.time() - started:6.1f}s stage {name}", file=sys.stderr)

    if args.dedup_bin:
        driver_bin = os.path.abspath(args.dedup_bin)
        if not os.access(driver_bin, os.X_OK):
            raise DedupError(f"{args.dedup_bin}: not an executable dedup binary (--dedup-bin)")
        shipped = driver_bin
        if os.path.basename(driver_bin) != BIN_NAME:
            # Executors look for it under its usual name.
            shipped = os.path.join(workdir, BIN_NAME)
            shutil.copy2(driver_bin, shipped)
        sc.addFile(shipped)
    else:
        driver_bin = executor_binary()
    parts = P = args.partitions or sc.defaultParallelism
    ship = Shipped(sc, workdir)

    step("1")
    # 1. Sketch without collection facts: which records are documents, and
    # each one's sentences and signature (boilerplate's inputs).
    records = read_records(spark, args.input, args.text_col, args.id_col, parts).cache()
    first = pipe(records, ["sketch"]).cache()
    errors = first.filter(lambda s: "error" in s).collect()
    good = first.filter(lambda s: "error" not in s)
    # The scan's order: documents sorted by id, numbered from 0.
    numbered = good.map(lambda s: s["id"]).sortBy(lambda i: i, numPartitions=parts).zipWithIndex()
    n = numbered.count()
    docs = (records.map(lambda r: (r["id"], r)).join(numbered, P)
            .map(lambda kv: (kv[1][1], dict(kv[1][0], idx=kv[1][1]))).cache())

    step("2")
    # 2. Boilerplate: sentences held by two or more documents, with their
    # holders' ids and signatures, decided by `dedup buckets`.
    holders = (good.flatMap(lambda s: [(h, s["id"]) for h in set(s["sentences"])])
               .groupByKey(P).filter(lambda kv: len(kv[1]) >= 2)
               .flatMap(lambda kv: [(i, kv[0]) for i in kv[1]]))
    signatures = good.map(lambda s: (s["id"], s["signature"]))
    sentence_buckets = (holders.join(signatures, P)
                        .map(lambda kv: (kv[1][0], [kv[0], kv[1][1]]))
                        .groupByKey(P)
                        .map(lambda kv: {"tier": "sentence", "key": kv[0], "holders": sorted(kv[1])}))
    boilerplate = sorted(o["boilerplate"] for o in pipe(sentence_buckets, ["buckets"]).collect())
    with_boilerplate, _ = ship.json("boilerplate", {"boilerplate": boilerplate})

    step("3")
    # 3. Every tier's keys, with the boilerplate left out and the rare keys
    # packed for the collection size, as the scan packs them.
    sketches = pipe(docs.values(), ["sketch", "--collection", "@" + with_boilerplate,
                                    "--collection-size", str(n)], [with_boilerplate]).cache()
    language_counts = dict(sketches.map(lambda s: s["language"]).countByValue())
    languages, _ = ship.json("languages", language_counts)

    step("4")
    # 4. Near-duplicate edges: every exact-hash and LSH bucket a star
    # around its smallest member.
    keyed = sketches.flatMap(lambda s: ([(("exact", s["content_hash"]), s["idx"])]
                                        if s["content_hash"] is not None else [])
                             + [(("band", k), s["idx"]) for k in s["bands"]])
    star_buckets = (keyed.groupByKey(P).filter(lambda kv: len(kv[1]) >= 2)
                    .map(lambda kv: {"tier": kv[0][0], "members": sorted(kv[1])}))
    edges = pipe(star_buckets, ["buckets"]).map(lambda p: (p["a"], p["b"])).distinct(P).cache()

    def with_texts(pairs):
        """(a, b) pairs joined with both documents' records."""
        return (pairs.join(docs, P).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
                .join(docs, P).map(lambda kv: {"a": kv[1][0][1], "b": kv[1][1]}))

    step("5")
    # 5. The near-duplicate test of each edge, then connected components of
    # the verified ones: the near-duplicate clusters.
    tested = pipe(with_texts(edges), ["verify", "--mode", "near-duplicate",
                                      "--collection", "@" + with_boilerplate],
                  [with_boilerplate]).cache()
    verified = tested.filter(lambda t: t["near_duplicate"]).map(lambda t: (t["a"], t["b"]))
    rejected = tested.filter(lambda t: not t["near_duplicate"]).map(lambda t: (t["a"], t["b"]))
    component = components(verified, P).cache()

    step("6")
    # 6. Each cluster's representative and member findings, a cluster on
    # one executor.
    groups = (component.join(docs, P).map(lambda kv: (kv[1][0], kv[1][1]))
              .groupByKey(P).map(lambda kv: {"members": sorted(kv[1], key=lambda r: r["idx"])}))
    clustered = pipe(groups, ["verify", "--mode", "cluster",
                              "--collection", "@" + with_boilerplate],
                     [with_boilerplate]).cache()
    cluster_findings = clustered.flatMap(lambda c: c["findings"])
    # Each member and its representative.
    member_rep = clustered.flatMap(
        lambda c: [(m, c["representative"]) for m in c["members"]]).cache()
    absorbed = sc.broadcast(dict(member_rep.filter(lambda kv: kv[0] != kv[1]).collect()))

    step("7")
    # 7. Rewrite-tier buckets over the documents standing for themselves
    # (a representative stands for its cluster), verbatim and semantic
    # buckets over all; the shared keys of each pair summed, then the
    # candidate rule and the per-document cap.
    def bigram_entries(s):
        if s["idx"] in absorbed.value:
            return []
        return [(k, (s["idx"], s["language"])) for k in s["bigrams"]]

    bigram_buckets = (sketches.flatMap(bigram_entries).groupByKey(P)
                      .filter(lambda kv: len(kv[1]) >= 2)
                      .map(lambda kv: {"tier": "bigram", "key": kv[0],
                                       "members": sorted(m for m, _ in kv[1]),
                                       "languages": sorted({l for _, l in kv[1]})}))
    verbatim_buckets = (sketches.flatMap(lambda s: [(k, s["idx"]) for k in s["fingerprints"]])
                        .groupByKey(P).filter(lambda kv: len(kv[1]) >= 2)
                        .map(lambda kv: {"tier": "verbatim", "key": kv[0], "members": sorted(kv[1])}))
    # Sentence keys of the semantic tier, like fingerprints (older sketches
    # have none).
    semantic_buckets = (sketches.flatMap(lambda s: [(k, s["idx"]) for k in s.get("sentence_keys", [])])
                        .groupByKey(P).filter(lambda kv: len(kv[1]) >= 2)
                        .map(lambda kv: {"tier": "semantic", "key": kv[0], "members": sorted(kv[1])}))
    rule_args = ["buckets", "--collection-size", str(n), "--languages", "@" + languages]
    decided = pipe(bigram_buckets.union(verbatim_buckets).union(semantic_buckets), rule_args,
                   [languages]).cache()
    common = sorted(o["common"] for o in decided.filter(lambda o: "common" in o).collect())
    shared = (decided.filter(lambda o: "shared" in o)
              .map(lambda o: ((o["tier"], o["a"], o["b"]), o["shared"]))
              .reduceByKey(lambda x, y: x + y, P)
              .map(lambda kv: {"tier": kv[0][0], "a": kv[0][1], "b": kv[0][2], "shared": kv[1]}))
    candidates = pipe(shared, rule_args, [languages])
    # The per-document cap: each document's candidates of a tier, of which
    # `dedup buckets` keeps the strongest; a pair stays when either keeps it.
    partner_lists = (candidates
                     .flatMap(lambda p: [((p["tier"], p["a"]), (p["b"], p["shared"])),
                                         ((p["tier"], p["b"]), (p["a"], p["shared"]))])
                     .groupByKey(P)
                     .map(lambda kv: {"tier": kv[0][0], "doc": kv[0][1],
                                      "partners": sorted(kv[1])}))
    rare_pairs = (pipe(partner_lists, rule_args, [languages])
                  .map(lambda p: (p["a"], p["b"])).distinct(P))

    step("8")
    # 8. Every candidate moved onto the representatives, then verified with
    # both collection facts.
    def onto_representatives(p):
        a, b = absorbed.value.get(p[0], p[0]), absorbed.value.get(p[1], p[1])
        return [] if a == b else [(min(a, b), max(a, b))]

    pairs = rejected.union(rare_pairs).flatMap(onto_representatives).distinct(P)
    facts, _ = ship.json("collection", {"boilerplate": boilerplate, "common": common})
    findings = pipe(with_texts(pairs), ["verify", "--collection", "@" + facts], [facts])

    step("9")
    # 9. The report, assembled on the driver by the binary.
    def dump(name, rows):
        path = os.path.join(workdir, name)
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, separators=(",", ":")))
                f.write("\n")
        return path

    documents = dump("documents.jsonl", sketches.map(
        lambda s: {"idx": s["idx"], "document": s["document"]}).collect())
    found = dump("findings.jsonl", findings.union(cluster_findings).collect())
    links = dump("links.jsonl", ({"a": m, "b": r} for m, r in member_rep.collect()))
    errs = dump("errors.jsonl", errors)
    base = ["assemble", "--documents", documents, "--findings", found, "--links", links,
            "--errors", errs]
    needs = [json.loads(l) for l in run_dedup(driver_bin, base + ["--needs"], [])]
    if needs:
        need_rdd = sc.parallelize([(x["a"], x["b"]) for x in needs], parts)
        jaccard = pipe(with_texts(need_rdd), ["verify", "--mode", "jaccard"]).collect()
    else:
        jaccard = []
    scores = dump("jaccard.jsonl", jaccard)
    report_path = os.path.join(args.output, "report.json")
    run_dedup(driver_bin, base + ["--jaccard", scores, "--output", report_path], [])

    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    keep = []
    in_cluster = {}
    for i, c in enumerate(report["clusters"]):
        in_cluster[c["keep"]] = (i, True)
        for d in c["drop"]:
            in_cluster[d] = (i, False)
    for d in report["documents"]:
        cluster, kept = in_cluster.get(d["id"], (None, True))
        keep.append((d["id"], cluster, kept))
    # Small (a row per document): written by the driver, one file.
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.table({"id": pa.array([k[0] for k in keep], pa.string()),
                      "cluster": pa.array([k[1] for k in keep], pa.int32()),
                      "keep": pa.array([k[2] for k in keep], pa.bool_())})
    pq.write_table(table, os.path.join(args.output, "keep.parquet"))
    print(f"dedup_spark: {n} documents, {len(report['pairs'])} findings, "
          f"{len(report['clusters'])} clusters -> {report_path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
