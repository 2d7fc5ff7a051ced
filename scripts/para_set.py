#!/usr/bin/env python3
"""Build a passage-level paraphrase evaluation set from two public-domain
English New Testament translations (human paraphrase: two translators
rendering the same Greek verses in their own words).

Usage: python3 scripts/para_set.py RAW_DIR OUT_DIR [--seed N]
           [--book NAME] [--verses N] [--pairs N]

RAW_DIR holds raw chunks of the scrollmapper/bible_databases CSV files
(columns Book,Chapter,Verse,Text), each saved as `<NAME>.csv@<OFFSET>`, the
text read at character OFFSET of formats/csv/<NAME>.csv.  Chunks of one file
must be contiguous; they are joined in offset order, the partial first line and
any partial last line are dropped.  Translations used: Anderson (1864, the
older one, "source" of positive pairs) and Twenty (Twentieth Century New
Testament, 1904).  One book is used (--book, Matthew by default).

Writes OUT_DIR/docs/NNN.txt and OUT_DIR/truth.jsonl (see
/work/shared/eval/score.py for the truth contract).  Deterministic for a
given input and seed.

Passages are 4 (--verses) consecutive verses of one chapter, verses joined as one
paragraph without references.  Each chapter's usable verses (non-empty in
both translations, not in BAD_VERSES) are cut into disjoint 4-verse windows;
every window is used at most once in the whole set, so no two documents
outside a positive pair share a verse.
  derived / "translation": window P in Anderson vs P in Twenty.
  non / "same-story":      window P in one translation vs a different,
                           non-overlapping window Q of the same chapter
                           (preferably the next one) in the other.
Each document is in exactly one labelled pair and gets its own group.
"""
import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import statistics
import sys

OLD, NEW = "Anderson", "Twenty"
BOOK = "Matthew"
WIN = 4
N_POS = 35
N_NEG = 35
# Verses whose text in the source is misaligned or corrupted:
#  15:29 Twenty contains spliced text from 21:21;
#  19:26/19:27 Twenty moves the start of v27 into v26;
#  19:29/19:30 Anderson merges v30 into v29 (v30 empty).
BAD_VERSES = {"Matthew": {(15, 29), (19, 26), (19, 27), (19, 29), (19, 30)}}


def words(s):
    return {w for w in re.findall(r"[a-z0-9]+(?:['’][a-z0-9]+)*", s.lower()) if len(w) >= 3}


def jaccard(a, b):
    A, B = words(a), words(b)
    return len(A & B) / len(A | B) if A | B else 0.0


def clean(text):
    text = re.sub(r"<[^>]*>", " ", text)          # markup
    text = re.sub(r"\[[^\]]*\]", " ", text)       # [footnotes]
    text = re.sub(r"\{[^}]*\}", " ", text)        # {notes}
    text = re.sub(r"\s+", " ", text).strip()
    return text


def load(raw_dir, name):
    chunks = []
    for fn in os.listdir(raw_dir):
        m = re.fullmatch(re.escape(name) + r"\.csv@(\d+)", fn)
        if m:
            with open(os.path.join(raw_dir, fn), encoding="utf-8", newline="") as f:
                chunks.append((int(m.group(1)), f.read()))
    if not chunks:
        sys.exit(f"no chunks for {name} in {raw_dir}")
    chunks.sort()
    for (o1, t1), (o2, _) in zip(chunks, chunks[1:]):
        if o1 + len(t1) != o2:
            sys.exit(f"{name}: chunk at {o1} (len {len(t1)}) not contiguous with {o2}")
    text = "".join(t for _, t in chunks)
    if chunks[0][0] != 0:
        text = text[text.index("\n") + 1:]        # partial first line
    if not text.endswith("\n"):
        text = text[: text.rindex("\n") + 1]      # partial last line
    verses = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) != 4 or row[0] != BOOK:
            continue
        t = clean(row[3])
        if t:
            verses[(int(row[1]), int(row[2]))] = t
    return verses


def windows(old, new):
    usable = sorted(k for k in old if k in new and k not in BAD_VERSES.get(BOOK, set()))
    by_ch = {}
    for ch, v in usable:
        by_ch.setdefault(ch, []).append(v)
    out = {}
    for ch, vs in by_ch.items():
        runs, cur = [], [vs[0]]
        for v in vs[1:]:
            if v == cur[-1] + 1:
                cur.append(v)
            else:
                runs.append(cur)
                cur = [v]
        runs.append(cur)
        ws = []
        for r in runs:
            for i in range(0, len(r) - WIN + 1, WIN):
                ws.append(tuple(r[i:i + WIN]))
        if ws:
            out[ch] = ws
    return out


def passage(verses, ch, vs):
    return " ".join(verses[(ch, v)] for v in vs)


def ref(ch, vs):
    return f"{BOOK} {ch}:{vs[0]}-{vs[-1]}"


def main():
    global BOOK, WIN, N_POS, N_NEG
    ap = argparse.ArgumentParser()
    ap.add_argument("raw_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=20240612)
    ap.add_argument("--book", default=BOOK)
    ap.add_argument("--verses", type=int, default=WIN)
    ap.add_argument("--pairs", type=int, default=N_POS, help="positive and negative pairs each")
    args = ap.parse_args()
    BOOK, WIN, N_POS, N_NEG = args.book, args.verses, args.pairs, args.pairs
    rng = random.Random(args.seed)

    old, new = load(args.raw_dir, OLD), load(args.raw_dir, NEW)
    trans = {OLD: old, NEW: new}
    wins = windows(old, new)
    total = sum(len(w) for w in wins.values())
    if total < N_POS + 2 * N_NEG:
        sys.exit(f"only {total} windows, need {N_POS + 2 * N_NEG}")

    # Negatives: adjacent window pairs (k, k+1) of one chapter, chosen at
    # random without reuse, spread over chapters round-robin.
    cand = {}
    for ch, ws in wins.items():
        pairs = [(ws[i], ws[i + 1]) for i in range(0, len(ws) - 1, 2)]
        rng.shuffle(pairs)
        cand[ch] = pairs
    chapters = sorted(cand)
    rng.shuffle(chapters)
    used, negs = set(), []
    while len(negs) < N_NEG and any(cand[c] for c in chapters):
        for ch in chapters:
            if cand[ch] and len(negs) < N_NEG:
                p, q = cand[ch].pop()
                negs.append((ch, p, q))
                used.update({(ch, p), (ch, q)})
    rest = [(ch, w) for ch in sorted(wins) for w in wins[ch] if (ch, w) not in used]
    rng.shuffle(rest)
    if len(negs) < N_NEG or len(rest) < N_POS:
        sys.exit("not enough windows")
    poss = sorted(rest[:N_POS])

    # Documents and pairs.
    docs, pairs = [], []   # docs: (text, translation, ref)
    for ch, w in poss:
        ia = len(docs); docs.append((passage(old, ch, w), OLD, ref(ch, w)))
        ib = len(docs); docs.append((passage(new, ch, w), NEW, ref(ch, w)))
        pairs.append(("derived", "translation", ia, ib, ia))
    for ch, p, q in sorted(negs):
        x, y = (OLD, NEW) if rng.random() < 0.5 else (NEW, OLD)
        ia = len(docs); docs.append((passage(trans[x], ch, p), x, ref(ch, p)))
        ib = len(docs); docs.append((passage(trans[y], ch, q), y, ref(ch, q)))
        pairs.append(("non", "same-story", ia, ib, None))

    # Sanity: no verse appears in two documents unless they form a positive pair.
    cover = {}
    for i, (_, _, r) in enumerate(docs):
        m = re.fullmatch(rf"{BOOK} (\d+):(\d+)-(\d+)", r)
        for v in range(int(m.group(2)), int(m.group(3)) + 1):
            cover.setdefault((int(m.group(1)), v), []).append(i)
    pos_sets = {frozenset((a, b)) for lab, _, a, b, _ in pairs if lab == "derived"}
    for k, ids in cover.items():
        assert len(ids) == 1 or (len(ids) == 2 and frozenset(ids) in pos_sets), k

    order = list(range(len(docs)))
    rng.shuffle(order)
    fname = {old_i: f"{n + 1:03d}.txt" for n, old_i in enumerate(order)}

    docs_dir = os.path.join(args.out_dir, "docs")
    if os.path.isdir(docs_dir):
        shutil.rmtree(docs_dir)
    os.makedirs(docs_dir)
    for i, (text, _, _) in enumerate(docs):
        with open(os.path.join(docs_dir, fname[i]), "w", encoding="utf-8") as f:
            f.write(text + "\n")

    lines, jac = [], {"derived": [], "non": []}
    for g, (label, kind, a, b, src) in enumerate(pairs):
        j = jaccard(docs[a][0], docs[b][0])
        jac[label].append(j)
        lines.append({"a": fname[a], "b": fname[b], "label": label,
                      "source": fname[src] if src is not None else None, "kind": kind,
                      "note": f"{docs[a][2]} {docs[a][1]} / {docs[b][2]} {docs[b][1]}",
                      "jaccard": round(j, 3), "_g": g})
    lines.sort(key=lambda r: r["a"])
    group = {}
    for r in lines:
        g = r.pop("_g")
        group[r["a"]] = group[r["b"]] = f"g{g:02d}"
    with open(os.path.join(args.out_dir, "truth.jsonl"), "w", encoding="utf-8") as f:
        for r in lines:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
        for d in sorted(group):
            f.write(json.dumps({"doc": d, "group": group[d]}) + "\n")

    verse_j = [jaccard(old[k], new[k]) for k in sorted(old) if k in new and k not in BAD_VERSES.get(BOOK, set())]
    print(json.dumps({
        "docs": len(docs), "pairs": len(pairs),
        "derived": len(jac["derived"]), "non": len(jac["non"]),
        "windows_available": total,
        "chapters": sorted({ch for ch, _ in poss} | {ch for ch, _, _ in negs}),
        "median_jaccard_derived": round(statistics.median(jac["derived"]), 3),
        "median_jaccard_non": round(statistics.median(jac["non"]), 3),
        "median_verse_jaccard_old_new": round(statistics.median(verse_j), 3),
        "verses_compared": len(verse_j),
    }, indent=1))


if __name__ == "__main__":
    main()
