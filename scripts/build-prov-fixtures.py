#!/usr/bin/env python3
"""Build the provenance fixture sets in tests/data/prov/ (issue 16).

Usage (from the repository root):
  python3 scripts/build-prov-fixtures.py [--news-dev ../shared/eval/news-dev] [--out tests/data/prov]

Reads the 40 BBC original articles of news-dev (the documents that are not
the derived side of any `derived` pair in its truth.jsonl) and writes two
labelled sets, each as docs/*.txt + truth.jsonl in the format of
../shared/eval/score.py:

  chain/        8 chains A -> B -> C (3 of them -> D) of whole-document light
                rewrites; every pair within a chain is `derived`, the earlier
                document is the source; kind `chain-N` = N steps apart.
  syndication/  6 stories, each reused by 3-4 documents that add 1-3
                paragraphs of their own (from an unrelated article of another
                topic) around all of the story, or all but its last
                paragraph; story-reuse pairs are `derived` with the story as
                source, reuse-reuse pairs `skip`.

Deterministic: one seeded random.Random, sorted inputs, Python 3 stdlib only.
Every donor article (added sentence, own paragraphs) is used by at most one
document of a set, so documents of different groups share no text.
"""
import argparse
import json
import os
import random
import re
import shutil
from itertools import combinations

SEED = 16  # issue 16

# Directional word substitutions of a light rewrite. No value is also a key,
# so a later step never undoes an earlier one.
SYNONYMS = {
    "said": "stated", "says": "claims", "told": "informed", "also": "additionally",
    "however": "nevertheless", "big": "large", "help": "assist", "helped": "assisted",
    "show": "reveal", "shows": "reveals", "showed": "revealed", "buy": "purchase",
    "start": "begin", "started": "began", "rise": "increase", "fall": "decline",
    "important": "significant", "firm": "company", "chief": "head", "people": "individuals",
    "many": "numerous", "expected": "anticipated", "plans": "proposals", "around": "approximately",
    "need": "require", "needed": "required", "make": "create", "made": "produced",
    "new": "fresh", "announced": "unveiled", "warned": "cautioned", "rose": "climbed",
    "fell": "dropped", "decided": "chose", "spokesman": "representative", "recently": "lately",
    "currently": "presently", "difficult": "hard", "huge": "enormous", "chance": "opportunity", "last": "previous",
    "next": "coming", "believe": "think", "believes": "thinks", "added": "continued",
    "whole": "entire", "main": "principal",
    "top": "leading", "move": "step", "hit": "struck", "deal": "agreement", "boss": "manager",
    "job": "role", "jobs": "posts", "money": "cash", "because": "since",
    "before": "prior to", "after": "following", "major": "key",
    "government": "administration", "problem": "issue", "problems": "issues",
    "country": "nation", "biggest": "largest", "begin": "commence",
    "want": "wish", "wants": "wishes", "think": "reckon",
}
# "think" and "begin" are values and keys: a later step may turn "think"
# into "reckon"; still no cycle.

COMMON_STARTS = {"The", "He", "She", "It", "They", "This", "That", "But", "There", "We", "A", "An", "In", "His", "Her", "Its"}

CLOSING_LINES = [
    "This article first appeared on BBC News.",
    "Send us your comments using the form below.",
    "More on this story on our website.",
    "Reporting by our news desk.",
    "Follow the latest on our live page.",
    "Have your say on this story.",
]


def originals(news_dev):
    rows = [json.loads(l) for l in open(os.path.join(news_dev, "truth.jsonl"), encoding="utf-8") if l.strip()]
    derived = set()
    for r in rows:
        if "a" in r and r["label"] == "derived":
            derived.add(r["b"] if r["source"] == r["a"] else r["a"])
    topic = {r["doc"]: r["group"].split("-")[0] for r in rows if "doc" in r}
    out = []
    for name in sorted(os.listdir(os.path.join(news_dev, "docs"))):
        if name in derived:
            continue
        with open(os.path.join(news_dev, "docs", name), encoding="utf-8") as f:
            text = f.read()
        out.append({"name": name, "topic": topic[name], "text": text, "doc": parse(text)})
    return out


def split_sentences(line):
    # A line is mostly one sentence already; split the few that hold more.
    parts = re.split(r'(?<=[.!?])\s+(?=[A-Z"])', line.strip())
    return [p for p in parts if p]


def parse(text):
    """Title and paragraphs (lists of sentences) of a BBC article."""
    blocks = [b for b in text.strip().split("\n\n") if b.strip()]
    title = blocks[0].strip()
    paras = []
    for b in blocks[1:]:
        sents = []
        for line in b.splitlines():
            sents.extend(split_sentences(line))
        if sents:
            paras.append(sents)
    return {"title": title, "paras": paras}


def render(doc):
    return doc["title"] + "\n\n" + "\n\n".join("\n".join(p) for p in doc["paras"] if p) + "\n"


def match_case(src, repl):
    return repl[:1].upper() + repl[1:] if src[:1].isupper() else repl


def substitute(sentence, rng, max_subs):
    words = re.split(r"(\W+)", sentence)
    # Capitalised words inside a sentence are names ("New York"): left alone.
    slots = [i for i, w in enumerate(words) if w.lower() in SYNONYMS and (i == 0 or not w[:1].isupper())]
    rng.shuffle(slots)
    for i in sorted(slots[:max_subs]):
        words[i] = match_case(words[i], SYNONYMS[words[i].lower()])
    return "".join(words)


def words(s):
    return len(s.split())


def light_rewrite(doc, rng, donor_sentence):
    """One step of a chain: drop ~15%, reword, merge/split, swap, add one."""
    title = substitute(doc["title"], rng, 1) if rng.random() < 0.5 else doc["title"]
    paras = [list(p) for p in doc["paras"]]
    # Drop ~15% of the sentences, never the lede.
    slots = [(pi, si) for pi, p in enumerate(paras) for si in range(len(p)) if pi > 0]
    n_drop = round(0.15 * (len(slots) + 1))
    for pi, si in sorted(rng.sample(slots, min(n_drop, len(slots) - 1)), reverse=True):
        del paras[pi][si]
    paras = [p for p in paras if p]
    # Reword: about 60% of the sentences get one or two substitutions.
    paras = [[substitute(s, rng, rng.choice((1, 2))) if rng.random() < 0.6 else s for s in p] for p in paras]
    # Merge one or two pairs of adjacent sentences.
    for _ in range(rng.choice((1, 2))):
        spots = [(pi, si) for pi, p in enumerate(paras) for si in range(len(p) - 1)
                 if p[si].endswith(".") and not p[si].endswith('."')
                 and p[si + 1].split()[0] in COMMON_STARTS and words(p[si]) + words(p[si + 1]) < 45]
        if not spots:
            break
        pi, si = rng.choice(spots)
        first, second = paras[pi][si], paras[pi][si + 1]
        paras[pi][si:si + 2] = [first[:-1] + ", and " + second[0].lower() + second[1:]]
    # Split one long sentence at a clause boundary.
    spots = [(pi, si) for pi, p in enumerate(paras) for si, s in enumerate(p)
             if words(s) > 18 and re.search(r", (and|but) [a-z]", s) and not s.startswith('"')]
    if spots:
        pi, si = rng.choice(spots)
        s = paras[pi][si]
        m = re.search(r", (and|but) ([a-z])", s)
        head, tail = s[:m.start()] + ".", s[m.end() - 1:]
        tail = ("But " + tail) if m.group(1) == "but" else tail[0].upper() + tail[1:]
        paras[pi][si:si + 1] = [head, tail]
    # Swap one or two pairs of adjacent sentences (not in the lede).
    for _ in range(rng.choice((1, 2))):
        spots = [(pi, si) for pi, p in enumerate(paras) if pi > 0 for si in range(len(p) - 1)]
        if spots:
            pi, si = rng.choice(spots)
            paras[pi][si], paras[pi][si + 1] = paras[pi][si + 1], paras[pi][si]
    # Add one sentence from an unrelated article.
    pi = rng.randrange(1, len(paras)) if len(paras) > 1 else 0
    paras[pi].insert(rng.randrange(0, len(paras[pi]) + 1), donor_sentence)
    return {"title": title, "paras": paras}


def donor_sentence(article, rng):
    cands = [s for p in article["doc"]["paras"][1:] for s in p if 10 <= words(s) <= 30 and not s.startswith('"')]
    if not cands:
        cands = [s for p in article["doc"]["paras"] for s in p]
    return rng.choice(cands)


def pick_donor(pool, topic, rng):
    cands = [a for a in pool if a["topic"] != topic]
    d = rng.choice(cands)
    pool.remove(d)
    return d


def write_set(out_dir, prefix, docs, labelled, groups, rng):
    """docs: list of (key, text). Writes shuffled names and truth.jsonl."""
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(os.path.join(out_dir, "docs"))
    keys = [k for k, _ in docs]
    rng.shuffle(keys)
    name = {k: f"{prefix}{i:03d}.txt" for i, k in enumerate(keys)}
    for k, text in docs:
        with open(os.path.join(out_dir, "docs", name[k]), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    lines = []
    for a, b, label, source, kind in labelled:
        x, y = sorted((name[a], name[b]))
        lines.append({"a": x, "b": y, "label": label, "source": name[source] if source else None, "kind": kind})
    lines.sort(key=lambda r: (r["a"], r["b"]))
    glines = sorted(({"doc": name[k], "group": g} for k, g in groups.items()), key=lambda r: r["doc"])
    with open(os.path.join(out_dir, "truth.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for r in lines + glines:
            f.write(json.dumps(r) + "\n")
    return name


def build_chains(arts, rng, out_dir):
    # Roots: articles of a readable length, two per topic where possible.
    fit = [a for a in arts if 1400 <= len(a["text"]) <= 4000]
    roots = []
    for topic in sorted({a["topic"] for a in fit}):
        roots += rng.sample([a for a in fit if a["topic"] == topic], 2)
    roots = sorted(rng.sample(roots, 8), key=lambda a: a["name"])
    pool = [a for a in arts if a not in roots]
    lengths = [3] * 5 + [4] * 3
    rng.shuffle(lengths)
    docs, labelled, groups = [], [], {}
    for ci, (root, n) in enumerate(zip(roots, lengths)):
        chain = [("chain%d-0" % ci, root["text"], root["doc"])]
        for step in range(1, n):
            donor = pick_donor(pool, root["topic"], rng)
            new = light_rewrite(chain[-1][2], rng, donor_sentence(donor, rng))
            chain.append(("chain%d-%d" % (ci, step), render(new), new))
        for key, text, _ in chain:
            docs.append((key, text))
            groups[key] = "chain-%d" % ci
        for (i, a), (j, b) in combinations(enumerate(chain), 2):
            labelled.append((a[0], b[0], "derived", a[0], "chain-%d" % (j - i)))
    return write_set(out_dir, "c", docs, labelled, groups, rng)


def build_syndication(arts, rng, out_dir):
    fit = [a for a in arts if 1100 <= len(a["text"]) <= 3500 and len(a["doc"]["paras"]) >= 3]
    stories = sorted(rng.sample(fit, 6), key=lambda a: a["name"])
    pool = [a for a in arts if a not in stories]
    docs, labelled, groups = [], [], {}
    closings = list(CLOSING_LINES)
    for si, story in enumerate(stories):
        skey = "story%d" % si
        docs.append((skey, story["text"]))
        groups[skey] = "story-%d" % si
        reuses = []
        for ri in range(rng.choice((3, 4))):
            donor = pick_donor(pool, story["topic"], rng)
            own = donor["doc"]["paras"][: rng.choice((1, 2, 3))]
            sparas = story["doc"]["paras"]
            trimmed = len(sparas) >= 4 and rng.random() < 0.35
            body = sparas[:-1] if trimmed else sparas
            own_first = rng.random() < 0.7
            # A page that opens with its own text may carry its own headline;
            # one that opens with the story carries the story's, and its own
            # item after the story keeps its headline as a subheading.
            headline = rng.choice(("same", "edited", "own") if own_first else ("same", "edited"))
            if headline == "same":
                title = story["doc"]["title"]
            elif headline == "edited":
                title = substitute(story["doc"]["title"], rng, 2)
                if title == story["doc"]["title"]:
                    title += ": latest"
            else:
                title = donor["doc"]["title"]
            story_part = ([[story["doc"]["title"]]] if headline == "own" else []) + body
            parts_paras = own + story_part if own_first else story_part + [[donor["doc"]["title"]]] + own
            text = title + "\n\n" + "\n\n".join("\n".join(p) for p in parts_paras)
            if rng.random() < 0.5 and closings:
                text += "\n\n" + closings.pop(rng.randrange(len(closings)))
            rkey = "story%d-reuse%d" % (si, ri)
            docs.append((rkey, text + "\n"))
            groups[rkey] = "story-%d" % si
            kind = "syndicated-trimmed" if trimmed else "syndicated-full"
            labelled.append((skey, rkey, "derived", skey, kind))
            reuses.append(rkey)
        for a, b in combinations(reuses, 2):
            labelled.append((a, b, "skip", None, "co-reuse"))
    return write_set(out_dir, "s", docs, labelled, groups, rng)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--news-dev", default="../shared/eval/news-dev")
    ap.add_argument("--out", default="tests/data/prov")
    args = ap.parse_args()
    arts = originals(args.news_dev)
    assert len(arts) == 40, f"expected 40 BBC originals, found {len(arts)}"
    build_chains(arts, random.Random(SEED), os.path.join(args.out, "chain"))
    build_syndication(arts, random.Random(SEED + 1), os.path.join(args.out, "syndication"))


if __name__ == "__main__":
    main()
