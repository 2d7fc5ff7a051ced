"""`dedup.scan` and `dedup.check`: the report of the command line, from
Python texts, paths and columns."""

import gc
import json
import pathlib
import subprocess
import sys
import weakref

import pytest

import dedup
from corpus import ARTICLE, REPO, REWRITE, UNRELATED, run_cli

CLOUGH = REPO.parent / "shared" / "eval" / "clough-dev" / "docs"


def test_edited_copy_is_a_near_duplicate():
    report = dedup.scan([ARTICLE, ARTICLE.replace("Tuesday", "Wednesday"), UNRELATED])
    assert dedup.findings(report) == [("0", "1", "near-duplicate", report["pairs"][0]["score"])]
    assert report["pairs"][0]["score"] > 0.5
    assert report["summary"]["documents"] == 3


def test_rewrite_is_found_by_the_second_tier():
    report = dedup.scan([ARTICLE, REWRITE, UNRELATED], ids=["original", "rewrite", "orchid"])
    pairs = [(f["a"], f["b"]) for f in report["pairs"]]
    assert pairs == [("original", "rewrite")]
    assert report["pairs"][0]["verdict"] in ("paraphrase", "near-duplicate")
    assert report["pairs"][0]["passages"], "a finding carries its aligned passages"


def test_no_rewrite_tier_misses_the_rewrite():
    report = dedup.scan([ARTICLE, REWRITE], rewrite=False)
    assert report["pairs"] == []
    assert report["params"]["rewrite_tier"] is False


def test_report_has_the_json_schema_of_the_command_line(dedup_bin, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(REWRITE)
    cli = json.loads(run_cli(dedup_bin, "scan", str(tmp_path), "--format", "json", "-q").stdout)
    report = dedup.scan([tmp_path])
    assert list(report) == list(cli)
    assert list(report["pairs"][0]) == list(cli["pairs"][0])
    assert list(report["documents"][0]) == list(cli["documents"][0])
    del cli["stats"], report["stats"]  # timings: the only part allowed to differ
    assert report == cli


def test_clough_dev_findings_equal_dedup_scan(dedup_bin):
    if not CLOUGH.is_dir():
        pytest.fail(f"{CLOUGH} is missing: the shared evaluation sets sit beside the repository")
    out = run_cli(dedup_bin, "scan", str(CLOUGH), "--format", "json", "-q")
    assert out.returncode == 1, out.stderr  # 1: findings reported
    cli = json.loads(out.stdout)
    assert len(cli["pairs"]) > 20

    from_path = dedup.scan(CLOUGH)
    assert from_path["pairs"] == cli["pairs"]
    assert from_path["clusters"] == cli["clusters"]
    assert from_path["documents"] == cli["documents"]

    # The same files read in Python and passed as (id, text) pairs: the
    # same findings, through the item path rather than the file loader.
    # Some files are Windows-1252: those go in as bytes (decoded like a
    # file), the rest as str.
    def items():
        for p in sorted(CLOUGH.iterdir()):
            raw = p.read_bytes()
            try:
                yield p.name, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield p.name, raw

    from_texts = dedup.scan(items())
    assert from_texts["pairs"] == cli["pairs"]


def test_generator_items_are_read_one_at_a_time():
    # A str subclass can be weakly referenced: if scan kept the items (a
    # list of them all), earlier ones would still be alive.
    class Text(str):
        pass

    alive = []
    refs = []

    def texts():
        for i, t in enumerate([ARTICLE, ARTICLE, UNRELATED, REWRITE] * 5):
            gc.collect()
            alive.append(sum(r() is not None for r in refs))
            item = Text(t + f" Number {i}.")
            refs.append(weakref.ref(item))
            yield item
            del item

    report = dedup.scan(texts())
    assert report["summary"]["documents"] == 20
    assert max(alive) <= 1, alive
    assert report["pairs"], "the copies are found"


def test_pandas_column_with_ids_and_missing_values():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"id": ["a", "b", "c", "d"], "text": [ARTICLE, None, REWRITE, UNRELATED]}
    )
    report = dedup.scan(frame["text"], ids=frame["id"])
    assert [(f["a"], f["b"]) for f in report["pairs"]] == [("a", "c")]
    assert report["errors"] == [{"file": "b", "message": "item 1: no text (missing value): skipped"}]
    assert [d["id"] for d in report["documents"]] == ["a", "c", "d"]


def test_pyarrow_chunked_column():
    pa = pytest.importorskip("pyarrow")
    column = pa.chunked_array([[ARTICLE, UNRELATED], [REWRITE], [None]])
    report = dedup.scan(column)
    assert [(f["a"], f["b"]) for f in report["pairs"]] == [("0", "2")]
    assert [e["file"] for e in report["errors"]] == ["3"]
    table = pa.table({"doc": ["x", "y"], "body": [ARTICLE, ARTICLE]})
    report = dedup.scan(table.column("body"), ids=table.column("doc"))
    assert dedup.findings(report) == [("x", "y", "exact", 1.0)]


def test_unusable_items_are_report_errors_not_exceptions():
    report = dedup.scan([ARTICLE, 3.5, ARTICLE, b"\x00\x01binary", None, float("nan")])
    assert dedup.findings(report) == [("0", "2", "exact", 1.0)]
    assert report["errors"] == [
        {"file": "1", "message": "item 1: not a text or a path (float): skipped"},
        {"file": "3", "message": "binary file (NUL bytes): skipped"},
        {"file": "4", "message": "item 4: no text (missing value): skipped"},
        {"file": "5", "message": "item 5: no text (missing value): skipped"},
    ]


def test_duplicate_ids_keep_the_first():
    report = dedup.scan([("x", ARTICLE), ("x", UNRELATED), ("y", ARTICLE)])
    assert dedup.findings(report) == [("x", "y", "exact", 1.0)]
    assert report["errors"] == [{"file": "x", "message": "duplicate id x: skipped"}]


def test_bad_arguments_raise():
    with pytest.raises(TypeError, match="single text"):
        dedup.scan("one text is not a collection")
    with pytest.raises(ValueError, match="threshold"):
        dedup.scan([ARTICLE], threshold=0.0)
    with pytest.raises(ValueError, match="shorter"):
        dedup.scan([ARTICLE, UNRELATED], ids=["only-one"])


def test_threads_do_not_change_the_findings():
    items = [ARTICLE, REWRITE, UNRELATED, ARTICLE.upper()]
    one = dedup.scan(items, threads=1)
    two = dedup.scan(items, threads=2)
    assert one["pairs"] == two["pairs"] and one["pairs"]
    assert (one["stats"]["threads"], two["stats"]["threads"]) == (1, 2)


def test_check_against_a_collection():
    report = dedup.check([("new.txt", REWRITE)], [("old.txt", ARTICLE), ("orchid.txt", UNRELATED)])
    assert [(f["a"], f["b"]) for f in report["pairs"]] == [("new.txt", "old.txt")]


def test_python_c_prints_findings():
    code = f"import dedup; print(dedup.scan([{ARTICLE!r}, {ARTICLE!r}]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "'pairs': [{'a': '0', 'b': '1', 'verdict': 'exact'" in out.stdout
