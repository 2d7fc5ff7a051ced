"""`dedup.Index`: the index file of `dedup index`, from Python."""

import json

import pytest

import dedup
from corpus import ARTICLE, REWRITE, UNRELATED, run_cli


def test_build_add_and_check(tmp_path):
    path = tmp_path / "corpus.dedup"
    index = dedup.Index.build(path, [("astana.txt", ARTICLE)])
    assert len(index) == 1
    summary = index.add([("orchid.txt", UNRELATED), ("astana.txt", ARTICLE)])
    assert summary == {"added": 1, "replaced": 0, "unchanged": 1, "errors": []}

    report = dedup.Index(path).check([("submission.txt", REWRITE)])
    assert [(f["a"], f["b"]) for f in report["pairs"]] == [("astana.txt", "submission.txt")]
    assert dedup.Index(path).check([("fresh.txt", "Nothing like the indexed texts at all.")])[
        "pairs"
    ] == []


def test_index_of_the_command_line_gives_its_findings(dedup_bin, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "astana.txt").write_text(ARTICLE)
    (corpus / "orchid.txt").write_text(UNRELATED)
    new = tmp_path / "new"
    new.mkdir()
    (new / "submission.txt").write_text(REWRITE)
    path = tmp_path / "cli.dedup"
    built = run_cli(dedup_bin, "index", "build", str(corpus), "--index", str(path), "-q")
    assert built.returncode == 0, built.stderr
    out = run_cli(dedup_bin, "check", str(new), "--index", str(path), "--format", "json", "-q")
    assert out.returncode == 1, out.stderr
    cli = json.loads(out.stdout)
    report = dedup.Index(path).check([new])
    assert report["pairs"] == cli["pairs"] and report["pairs"]
    assert dedup.Index(path).params["shingle_size"] == 5


def test_missing_index_says_how_to_make_one(tmp_path):
    with pytest.raises(dedup.DedupError, match="dedup index build"):
        dedup.Index(tmp_path / "nothing.dedup")


def test_existing_file_is_not_overwritten_unless_asked(tmp_path):
    path = tmp_path / "i.dedup"
    dedup.Index.build(path, [ARTICLE])
    with pytest.raises(dedup.DedupError):
        dedup.Index.build(path, [UNRELATED])
    assert len(dedup.Index.build(path, [UNRELATED, REWRITE], overwrite=True)) == 2
