#!/usr/bin/env python3
"""Reliability of named sources: confidence bins against observed accuracy.

Scans each labelled set with the dedup binary, matches every finding that
names a source against the set's truth, and prints per confidence bin how
many sources were named and how many were right. A confidence is honest
when the accuracy of its bin is at least the bin's lower edge.

Usage (from the repository root, after `cargo build --release`):
  python3 scripts/reliability.py [--dedup target/release/dedup] [SET ...]

A SET is a directory holding `docs/` and `truth.jsonl` (the format of
../shared/eval/score.py). Without SETs: samples/ (truth in
../shared/eval/samples-truth.jsonl), the shared sets clough-dev, news-dev and
passages-dev when ../shared/eval is present, and tests/data/prov/*.
Prints the table as Markdown, then per set the direction precision,
accuracy and undetermined count. Exits 1 when a bin is dishonest.
"""
import argparse
import json
import os
import subprocess
import sys

BINS = [0.5, 0.6, 0.7, 0.8, 0.9, 1.01]


def name(x):
    return os.path.basename(str(x).replace("\\", "/"))


def truth_of(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if "a" in row and row.get("label") == "derived":
                out[tuple(sorted((name(row["a"]), name(row["b"]))))] = name(row["source"]) if row.get("source") else None
    return out


def sets(args):
    if args.sets:
        return [(os.path.basename(s.rstrip("/")), os.path.join(s, "docs"), os.path.join(s, "truth.jsonl")) for s in args.sets]
    out = []
    shared = "../shared/eval"
    if os.path.exists(os.path.join(shared, "samples-truth.jsonl")):
        out.append(("samples", "samples", os.path.join(shared, "samples-truth.jsonl")))
    for s in ("clough-dev", "news-dev", "passages-dev"):
        if os.path.isdir(os.path.join(shared, s)):
            out.append((s, os.path.join(shared, s, "docs"), os.path.join(shared, s, "truth.jsonl")))
    base = "tests/data/prov"
    for s in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        if os.path.isdir(os.path.join(base, s, "docs")):
            out.append((s, os.path.join(base, s, "docs"), os.path.join(base, s, "truth.jsonl")))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dedup", default="target/release/dedup")
    ap.add_argument("sets", nargs="*")
    args = ap.parse_args()
    bins = [[0, 0] for _ in BINS[:-1]]
    rows = []
    for label, docs, truth_path in sets(args):
        run = subprocess.run([args.dedup, "scan", docs, "--format", "json", "--quiet"], capture_output=True)
        if run.returncode not in (0, 1):
            sys.exit(f"{label}: dedup failed: {run.stderr.decode(errors='replace')}")
        report = json.loads(run.stdout)
        truth = truth_of(truth_path)
        ok = wrong = unknown = 0
        for p in report["pairs"]:
            key = tuple(sorted((name(p["a"]), name(p["b"]))))
            if key not in truth or truth[key] is None:
                continue
            if not p.get("source"):
                unknown += 1
                continue
            right = name(p["source"]) == truth[key]
            ok += right
            wrong += not right
            for i in range(len(BINS) - 1):
                if BINS[i] <= p["confidence"] < BINS[i + 1]:
                    bins[i][0] += 1
                    bins[i][1] += right
        named = ok + wrong
        rows.append((label, ok, wrong, unknown, named))
    print("| confidence | named | right | accuracy |")
    print("|---|---|---|---|")
    dishonest = False
    for i, (n, right) in enumerate(bins):
        hi = min(BINS[i + 1], 1.0)
        acc = right / n if n else None
        if acc is not None and acc < BINS[i]:
            dishonest = True
        print(f"| {BINS[i]:.1f}-{hi:.1f} | {n} | {right} | {'-' if acc is None else f'{acc:.3f}'} |")
    print()
    print("| set | right | wrong | undetermined | direction precision | direction accuracy |")
    print("|---|---|---|---|---|---|")
    for label, ok, wrong, unknown, named in rows:
        total = named + unknown
        prec = f"{ok / named:.3f}" if named else "-"
        acc = f"{ok / total:.3f}" if total else "-"
        print(f"| {label} | {ok} | {wrong} | {unknown} | {prec} | {acc} |")
    sys.exit(1 if dishonest else 0)


if __name__ == "__main__":
    main()
