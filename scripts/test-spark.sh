#!/usr/bin/env bash
# The Spark driver's tests (contrib/spark): PySpark from PyPI in a
# virtualenv this script makes, local[2], and on samples/,
# ../shared/eval/clough-dev/docs (skipped with a note when ../shared is
# absent), a 2,000-document corpus from gen_corpus.py, a small dense one
# from gen_dense.py and the pages of tests/data/web read whole (over the
# per-document candidate cap), the Spark run's report equals `dedup scan`'s
# (pairs with verdicts, scores and sources, clusters, documents); then a
# dedup command that fails or is killed on an executor fails the job with
# its message.
# `.ci/run` calls it after scripts/test-integrations.sh.
#
#   SPARK_VENV  the virtualenv (default target/spark-venv; reused)
#   DEDUP_BIN   the dedup binary (default: target/release/dedup built here
#               with the cheap release settings test-integrations.sh uses,
#               so its dependencies are already built; the debug binary
#               would make the 2,000-document run several times slower)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
venv=${SPARK_VENV:-$repo/target/spark-venv}
if [ -n "${DEDUP_BIN:-}" ]; then
    bin=$DEDUP_BIN
else
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
        CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo build --release --locked -q --bin dedup
    bin=$repo/target/release/dedup
fi
[ -x "$bin" ] || { echo "no dedup binary at $bin" >&2; exit 2; }
command -v java >/dev/null || { echo "no java on PATH: PySpark needs Java 17" >&2; exit 2; }

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { apt-get install -y -qq python3-venv && python3 -m venv "$venv"; }
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r contrib/spark/requirements.txt

export SPARK_LOCAL_IP=127.0.0.1
started=$(date +%s)
export PYSPARK_PYTHON="$venv/bin/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpora=("$repo/samples")
if [ -d ../shared/eval/clough-dev/docs ]; then
    corpora+=("$(cd ../shared/eval/clough-dev/docs && pwd)")
else
    echo "clough-dev skipped: ../shared/eval/clough-dev/docs is absent"
fi
if [ -f ../shared/perf/gen_corpus.py ]; then
    python3 ../shared/perf/gen_corpus.py --docs 2000 --seed 1 --out "$work/c2k" >/dev/null
    python3 ../shared/perf/gen_dense.py --docs 400 --seed 1 --out "$work/dense" >/dev/null
    corpora+=("$work/c2k" "$work/dense")
else
    echo "generated corpora skipped: ../shared/perf is absent"
fi
# Whole pages as text (tests/data/web with --html full): site furniture puts
# every page over the per-document candidate cap, which Spark must apply too.
mkdir "$work/webfull"
"$bin" extract --html full tests/data/web/docs | "$venv/bin/python" -c '
import json, os, sys
for line in sys.stdin:
    d = json.loads(line)
    name = os.path.basename(d["id"]).rsplit(".", 1)[0] + ".txt"
    with open(os.path.join(sys.argv[1], name), "w", encoding="utf-8") as f:
        f.write(d["text"])
' "$work/webfull"
corpora+=("$work/webfull")
"$venv/bin/python" contrib/spark/test_spark.py "$bin" "${corpora[@]}"
echo "spark tests passed in $(( $(date +%s) - started ))s"
