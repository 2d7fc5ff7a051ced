#!/usr/bin/env bash
# Shows that a refactor did not change what dedup reports: builds BASE_REV
# (in a temporary git worktree) and the working tree in release mode, runs
# `dedup scan --format json` with both on the same inputs, drops `stats`
# (timings and thread counts, the only part allowed to differ) and compares
# the rest byte for byte. Prints one line per input set: IDENTICAL or
# DIFFERENT (with the first differing lines). Exits 1 if any set differs.
#
#   scripts/same-output.sh BASE_REV [CORPUS_DIR...]
#
# Default inputs: samples/, ../shared/eval/{clough-dev,news-dev}/docs and a
# 20k corpus from ../shared/perf/gen_corpus.py (generated once into
# $PERFDATA/c20k, default PERFDATA=/work/perfdata). The base build's target
# directory is kept in $SAME_OUTPUT_CACHE (default $PERFDATA/same-output) so
# a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
base=${1:?usage: scripts/same-output.sh BASE_REV [CORPUS_DIR...]}
shift
perfdata=${PERFDATA:-/work/perfdata}
cache=${SAME_OUTPUT_CACHE:-$perfdata/same-output}
mkdir -p "$cache"
base_sha=$(git rev-parse --verify "$base^{commit}")

# The base, built in its own worktree and target directory.
tree="$cache/tree-$base_sha"
if [ ! -d "$tree" ]; then
    git worktree add --detach "$tree" "$base_sha" >/dev/null
fi
echo "building base $base_sha" >&2
(cd "$tree" && CARGO_TARGET_DIR="$cache/target" cargo build --release --quiet --bin dedup)
base_bin="$cache/target/release/dedup"
echo "building HEAD (working tree)" >&2
cargo build --release --quiet --bin dedup
head_bin="$repo/target/release/dedup"

sets=("$@")
if [ ${#sets[@]} -eq 0 ]; then
    if [ ! -d "$perfdata/c20k" ]; then
        python3 ../shared/perf/gen_corpus.py --docs 20000 --seed 1 --out "$perfdata/c20k"
    fi
    sets=(samples ../shared/eval/clough-dev/docs ../shared/eval/news-dev/docs "$perfdata/c20k")
fi

# The report without `stats`, keys and layout as printed.
strip_stats() {
    python3 -c '
import json, sys
r = json.load(sys.stdin)
r.pop("stats", None)
json.dump(r, sys.stdout, indent=1, ensure_ascii=False)
sys.stdout.write("\n")'
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for dir in "${sets[@]}"; do
    name=$(basename "$(dirname "$dir")")/$(basename "$dir")
    # Exit codes 0 and 1 both mean the scan ran.
    "$base_bin" scan "$dir" --format json --quiet | strip_stats >"$out/base.json" || true
    "$head_bin" scan "$dir" --format json --quiet | strip_stats >"$out/head.json" || true
    if [ ! -s "$out/base.json" ] || [ ! -s "$out/head.json" ]; then
        echo "$name: DIFFERENT (no report from one of the builds)"
        status=1
    elif cmp -s "$out/base.json" "$out/head.json"; then
        echo "$name: IDENTICAL ($(wc -c <"$out/head.json") bytes without stats)"
    else
        echo "$name: DIFFERENT"
        diff "$out/base.json" "$out/head.json" | head -20
        status=1
    fi
done
exit $status
