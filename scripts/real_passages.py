#!/usr/bin/env python3
"""Writes a collection of short real-English passages for cost measurements:
every text of ../shared/eval (docs and web-dev's expected article text),
tests/data/para* and samples/, cut into passages of 6 sentences (fewer than
3 left out), one file each.

Usage: python3 scripts/real_passages.py OUT_DIR [--eval ../shared/eval]

Synthetic corpora of made-up words (gen_corpus.py) spread sentence vectors
evenly; real text of a few topics does not, and the semantic tier's cost
there is what this collection shows (docs/semantic.md, 2026-12-03).
"""
import argparse
import glob
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    args = ap.parse_args()
    sources = sorted(
        glob.glob(os.path.join(args.eval, "*", "docs", "*"))
        + glob.glob(os.path.join(args.eval, "web-dev", "expected", "*"))
        + glob.glob(str(ROOT / "tests" / "data" / "para*" / "docs" / "*"))
        + glob.glob(str(ROOT / "samples" / "*"))
    )
    os.makedirs(args.out, exist_ok=True)
    n = 0
    for path in sources:
        text = open(path, encoding="utf-8", errors="replace").read()
        if "<html" in text[:500].lower():
            continue
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]
        for i in range(0, len(sentences), 6):
            chunk = sentences[i : i + 6]
            if len(chunk) < 3:
                continue
            with open(os.path.join(args.out, f"p{n:05d}.txt"), "w", encoding="utf-8") as f:
                f.write(" ".join(chunk) + "\n")
            n += 1
    print(f"{n} passages in {args.out}")


if __name__ == "__main__":
    main()
