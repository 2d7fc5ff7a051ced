#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets in fuzz/corpus/TARGET from the
# project's samples and test fixtures and the shared evaluation sets
# (../shared/eval beside the repository, when present). Small files only:
# libFuzzer mutates small inputs fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/eval
c=fuzz/corpus
mkdir -p "$c"/{txt,md,html,jsonl,report,pair}
small() { find "$@" -type f -size -24k 2>/dev/null | sort | head -n 60; }
for f in $(small samples "$shared/clough-dev/docs" "$shared/news-dev/docs"); do
    cp "$f" "$c/txt/$(basename "$f")"
done
for f in $(small README.md docs); do cp "$f" "$c/md/$(basename "$f")"; done
printf -- '---\ntitle: "A title"\ndate: 2024-03-06\nauthor: Jane Roe\nlang: en\n---\n# Heading\nBody text.\n' >"$c/md/front-matter.md"
printf -- '---\nno closing fence\n' >"$c/md/unclosed.md"
for f in $(find "$shared/web-dev/docs" -type f -size -60k 2>/dev/null | sort | head -n 40); do
    cp "$f" "$c/html/$(basename "$f")"
done
printf '<html><body>%s<p>deep</p></body></html>' "$(printf '<div>%.0s' $(seq 300))" >"$c/html/nested.html"
printf '<p><table><tr><td><b><i>x</b></i><li>a<li>b<svg><path/></svg><script>if(a<b){}</script>' >"$c/html/soup.html"
python3 - "$c/jsonl" samples/*.txt <<'PY'
import json, sys, os
out = sys.argv[1]
for n, path in enumerate(sys.argv[2:]):
    text = open(path, encoding="utf-8").read()
    with open(os.path.join(out, f"seed{n}.jsonl"), "w") as f:
        f.write("text\tid\n")
        f.write(json.dumps({"id": os.path.basename(path), "text": text[:2000], "date": "2024-01-02",
                            "title": "t", "author": "a", "url": "https://x.example/", "lang": "en"}) + "\n")
        f.write(json.dumps({"id": 7, "text": "second line"}) + "\n{not json}\n")
PY
if [ -x target/release/dedup ]; then
    target/release/dedup scan samples --format json -q -o "$c/report/samples.json" || true
    target/release/dedup scan "$shared/clough-dev/docs" --format json -q -o "$c/report/clough.json" || true
fi
python3 - "$c/pair" samples/*.txt <<'PY'
import sys, os
out, paths = sys.argv[1], sys.argv[2:]
texts = [open(p, "rb").read()[:6000] for p in paths]
for i in range(len(texts)):
    for j in range(i + 1, len(texts)):
        open(os.path.join(out, f"pair{i}{j}"), "wb").write(texts[i] + b"\xff" + texts[j])
PY
echo "corpora: $(for t in txt md html jsonl report pair; do printf '%s %s  ' "$t" "$(ls "$c/$t" | wc -l)"; done)"
