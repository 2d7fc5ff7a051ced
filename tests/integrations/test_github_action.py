"""The GitHub Action (action.yml) run step by step as a runner would, on a
temporary repository with a base and a head commit, with dedup on PATH."""

import json
import pathlib

import pytest

from gitrepo import OTHERS, PARAPHRASE, REPO, SOURCE, UNRELATED, commit_all, copy_sample, git, new_repo
from runner import Runner


def pull_request(tmp_path: pathlib.Path, dedup_bin: pathlib.Path, change):
    """A repository whose main has four articles (and a README), and a pull
    request branch made by `change(repo)`; the runner for it."""
    repo = new_repo(tmp_path / "workspace")
    for name in [SOURCE, *OTHERS]:
        copy_sample(name, repo / "articles" / name)
    (repo / "README.md").write_text("# site\n")
    base = commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "pr")
    change(repo)
    head = commit_all(repo, "head")
    event = {"pull_request": {"base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "pr"}}}
    runner = Runner(REPO, repo, tmp_path / "runner-temp", "pull_request", event, [str(dedup_bin.parent)])
    return repo, runner


def add_paraphrase_and_edit(repo: pathlib.Path) -> None:
    copy_sample(PARAPHRASE, repo / "articles" / "new" / PARAPHRASE)
    edited = repo / "articles" / OTHERS[0]
    edited.write_text(edited.read_text() + "\nA correction was added on Monday.\n")
    (repo / "README.md").write_text("# site\n\nChanged too, but not an article.\n")


def annotations(run):
    return [line for line in run.step("dedup check").stdout.splitlines() if line.startswith("::")]


def test_paraphrase_in_a_pull_request_fails_with_annotations_and_sarif(tmp_path, dedup_bin):
    repo, runner = pull_request(tmp_path, dedup_bin, add_paraphrase_and_edit)
    run = runner.run(
        {
            "paths": "articles",
            "index": ".dedup/index.db",
            "against": "articles",
            "fail-on": "paraphrase",
            "sarif": "dedup.sarif",
        }
    )
    check = run.step("dedup check")
    assert check.returncode == 1, check.stderr
    assert check.outputs["exit-code"] == "1"
    assert run.step("Find the files to check").outputs["files"] == "2"  # not README.md

    lines = annotations(run)
    assert lines, check.stdout
    # Every annotation is on the new article, at its repository path, and
    # names the indexed source by its id (its path under articles/).
    prefix = f"::error file=articles/new/{PARAPHRASE},line="
    assert all(line.startswith(prefix) for line in lines), lines
    assert all(f"title=dedup%3A paraphrase::paraphrase of {SOURCE} " in line for line in lines)
    assert len(lines) == 4  # one per aligned passage, as `dedup check` prints
    # The edited article is its own new version, not its own duplicate.
    assert OTHERS[0] not in check.stdout

    sarif = json.loads((repo / "dedup.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"paraphrase"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {f"articles/new/{PARAPHRASE}"}
    upload = run.step("Upload SARIF to code scanning")
    assert upload.ran and upload.with_["sarif_file"] == str(repo / "dedup.sarif")

    # The index was built from the base commit and is saved to the cache
    # even though the job fails.
    assert (repo / ".dedup" / "index.db").is_file()
    save = run.step("Save the index")
    assert save.ran and save.with_["path"] == ".dedup/index.db"
    assert save.with_["key"].startswith("dedup-index-")
    assert not run.step("Save the dedup binary").ran  # dedup was on PATH
    assert "Reuse found" in run.summary and "1 new document(s) checked" not in run.summary
    assert "2 new document(s) checked, 1 finding(s)" in run.summary


def test_clean_pull_request_passes(tmp_path, dedup_bin):
    def add_unrelated(repo):
        (repo / "articles" / "orchid.txt").write_text(UNRELATED)

    _, runner = pull_request(tmp_path, dedup_bin, add_unrelated)
    run = runner.run({"paths": "articles", "against": "articles", "sarif": "dedup.sarif"})
    check = run.step("dedup check")
    assert check.returncode == 0, check.stderr + check.stdout
    assert annotations(run) == []
    assert "No finding fails the check." in run.summary
    assert not run.step("Save the index").ran  # no index input: a temporary one, not cached
    assert run.step("Upload SARIF to code scanning").ran


def test_fail_on_above_the_verdict_warns_and_passes(tmp_path, dedup_bin):
    _, runner = pull_request(tmp_path, dedup_bin, add_paraphrase_and_edit)
    run = runner.run({"against": "articles", "fail-on": "near-duplicate"})
    assert run.step("dedup check").returncode == 0
    lines = annotations(run)
    assert lines and all(line.startswith("::warning file=articles/new/") for line in lines)
    assert not run.step("Upload SARIF to code scanning").ran


def test_baseline_accepts_a_known_finding(tmp_path, dedup_bin):
    def with_baseline(repo):
        add_paraphrase_and_edit(repo)

    repo, runner = pull_request(tmp_path, dedup_bin, with_baseline)
    first = runner.run({"against": "articles"})
    assert first.step("dedup check").returncode == 1
    # Accept the current findings with the command line, as a user would.
    import subprocess

    stage = tmp_path / "runner-temp" / "dedup-action" / "stage"
    index = tmp_path / "runner-temp" / "dedup-action" / "collection.dedup"
    subprocess.run(
        [str(dedup_bin), "check", "articles", "--index", str(index), "--write-baseline", str(repo / "baseline.json"), "-q"],
        cwd=stage,
        check=True,
    )
    again = runner.run({"against": "articles", "baseline": "baseline.json"})
    assert again.step("dedup check").returncode == 0, again.step("dedup check").stdout
    assert annotations(again) == []


def test_missing_index_is_an_error_that_says_so(tmp_path, dedup_bin):
    _, runner = pull_request(tmp_path, dedup_bin, add_paraphrase_and_edit)
    run = runner.run({"index": "nothing/here.db"})
    step = run.step("Update the index from the base commit")
    assert step.returncode == 2
    assert "::error title=dedup action::no index at" in step.stdout
    assert not run.step("dedup check").ran


@pytest.mark.parametrize("event_name", ["push"])
def test_outside_a_pull_request_every_file_under_paths_is_checked(tmp_path, dedup_bin, event_name):
    repo = new_repo(tmp_path / "workspace")
    copy_sample(SOURCE, repo / "articles" / SOURCE)
    copy_sample(PARAPHRASE, repo / "articles" / PARAPHRASE)
    commit_all(repo, "all")
    runner = Runner(REPO, repo, tmp_path / "runner-temp", event_name, {}, [str(dedup_bin.parent)])
    run = runner.run({"paths": "articles", "against": "articles"})
    assert run.step("Find the files to check").outputs["files"] == "2"
    assert run.step("dedup check").returncode == 1
    assert any(line.startswith(f"::error file=articles/{PARAPHRASE},") for line in annotations(run))
