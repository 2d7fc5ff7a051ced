#!/usr/bin/env python3
"""Parity and failure tests of dedup_spark.py (run by scripts/test-spark.sh).

Parity: on each corpus, the Spark run's report (local[2]) has the same
pairs (verdicts, scores, sources, passages), clusters and documents as
`dedup scan --format json` of the same directory. Failure: a dedup command
that fails, or is killed, on an executor fails the job with its message.

    python3 contrib/spark/test_spark.py DEDUP_BIN CORPUS_DIR...

One Python process runs every case, so the JVM starts once.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dedup_spark  # noqa: E402

COMPARED = ("pairs", "clusters", "documents", "summary", "errors")


def spark_run(binary, corpus, out):
    """Runs the driver in this process; returns (exit code, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = dedup_spark.main(["--input", corpus, "--output", out,
                                 "--dedup-bin", binary, "--master", "local[2]"])
    return code, err.getvalue()


def parity(binary, corpus, tmp):
    started = time.time()
    scan = subprocess.run([binary, "scan", corpus, "--format", "json", "--quiet"],
                          capture_output=True)
    if scan.returncode not in (0, 1):
        raise AssertionError(f"dedup scan {corpus} failed: {scan.stderr.decode()}")
    expected = json.loads(scan.stdout)
    out = os.path.join(tmp, "out-" + str(abs(hash(corpus))))
    code, err = spark_run(binary, corpus, out)
    if code != 0:
        raise AssertionError(f"spark run on {corpus} failed: {err}")
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        got = json.load(f)
    for key in COMPARED:
        if got[key] != expected[key]:
            detail = ""
            if isinstance(got[key], list):
                extra = [x for x in got[key] if x not in expected[key]][:2]
                missing = [x for x in expected[key] if x not in got[key]][:2]
                detail = f" ({len(got[key])} vs {len(expected[key])}; extra {extra}; missing {missing})"
            raise AssertionError(f"{corpus}: {key} differ from dedup scan{detail}")
    # keep.parquet: one row per document, the kept ones of each cluster.
    import pyarrow.parquet as pq
    rows = pq.read_table(os.path.join(out, "keep.parquet")).to_pylist()
    dropped = {r["id"] for r in rows if not r["keep"]}
    assert len(rows) == len(expected["documents"]), "keep.parquet: one row per document"
    assert dropped == {d for c in expected["clusters"] for d in c["drop"]}, "keep.parquet: drops"
    print(f"parity {corpus}: {len(expected['documents'])} documents, "
          f"{len(expected['pairs'])} pairs, {len(expected['clusters'])} clusters: "
          f"equal ({time.time() - started:.1f}s)")


def failing(binary, corpus, tmp, how, expect):
    """A wrapper that breaks `dedup verify` on the executors."""
    wrapper = os.path.join(tmp, f"dedup-{how}")
    # Named `dedup` in its own directory: the driver ships it under that name.
    os.makedirs(wrapper, exist_ok=True)
    path = os.path.join(wrapper, "dedup")
    body = {
        "fails": 'echo "dedup: verify: simulated failure on this executor" >&2; exit 2',
        "killed": "kill -9 $$",
    }[how]
    with open(path, "w") as f:
        f.write(f'#!/bin/sh\nif [ "$1" = verify ]; then {body}; fi\nexec "{binary}" "$@"\n')
    os.chmod(path, 0o755)
    out = os.path.join(tmp, f"out-{how}")
    code, err = spark_run(path, corpus, out)
    assert code != 0, f"{how}: the job succeeded"
    assert expect in err, f"{how}: the error does not say {expect!r}: {err[-2000:]}"
    assert not os.path.exists(os.path.join(out, "report.json")), f"{how}: a report was written"
    print(f"failing executor ({how}): job failed with: {err.strip().splitlines()[-1]}")


def main():
    binary = os.path.abspath(sys.argv[1])
    corpora = sys.argv[2:]
    with tempfile.TemporaryDirectory(prefix="dedup-spark-test-") as tmp:
        for corpus in corpora:
            parity(binary, corpus, tmp)
        failing(binary, corpora[0], tmp, "fails", "simulated failure on this executor")
        failing(binary, corpora[0], tmp, "killed", "killed by signal 9")


if __name__ == "__main__":
    main()
