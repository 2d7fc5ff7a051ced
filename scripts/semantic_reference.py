#!/usr/bin/env python3
"""Writes tests/data/semantic/tokens.json: texts and the token ids that the
Hugging Face `tokenizers` library gives them with the built-in model's
tokenizer.json, so the Rust tokenizer is tested against the reference.

Usage: pip install tokenizers; python3 scripts/semantic_reference.py
Texts: sentences of samples/ and of a few made-up lines in other scripts
(byte fallback), whitespace collapsed (dedup splits words on whitespace).
"""
import json
import re
from pathlib import Path

from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
tok = Tokenizer.from_file(str(ROOT / "models/wordllama-l2-supercat/tokenizer.json"))
texts = []
for f in sorted((ROOT / "samples").iterdir()):
    for s in re.split(r"(?<=[.!?])\s+", f.read_text(encoding="utf-8", errors="replace")):
        s = " ".join(s.split())
        if s:
            texts.append(s)
texts = texts[:200]
texts += [
    "Привет, мир! Это проверка токенизатора.",
    "یہ ایک جملہ ہے جو اردو میں لکھا گیا ہے۔",
    "東京は日本の首都です。人口は約1400万人です。",
    "Emoji 🙂 and symbols ⚙︎ → ∑ £100 naïve café façade.",
    "aaaa aaaaaaa bbbbbbbb the the the 12345678901234567890",
    "Straße, Øresund, İstanbul, ÇA, ﬁnance, Ǆ",
    "x",
    "",
]
cases = [[t, tok.encode(t, add_special_tokens=False).ids] for t in texts]
out = ROOT / "tests/data/semantic/tokens.json"
out.write_text(json.dumps(cases, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
print(f"{len(cases)} cases -> {out}")
