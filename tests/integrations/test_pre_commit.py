"""The pre-commit hook (.pre-commit-hooks.yaml) run by the real `pre-commit`
tool from PyPI in a temporary repository: pre-commit clones the hook
repository, builds dedup with `cargo install` (language: rust) and runs it on
the staged files."""

import os
import pathlib
import shutil
import subprocess

import pytest

from gitrepo import OTHERS, PARAPHRASE, REPO, SOURCE, commit_all, copy_sample, git, new_repo


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple:
    """A git repository with the work tree's files (committed or not, as
    `git ls-files` sees them): the hook repository pre-commit clones."""
    dest = tmp_path_factory.mktemp("hook-repo")
    files = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, files):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    new_repo(dest)
    return dest, commit_all(dest, "hook repository")


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory) -> dict:
    """pre-commit's own cache in a temporary directory (so the hook is
    really installed), cargo's build shared with the work tree's target/
    (the hook's `cargo install` reuses what is built there) and offline
    (pre-commit's `cargo install` has no --locked: offline, it resolves to
    the crates already fetched, those of Cargo.lock)."""
    exe = shutil.which("pre-commit")
    if exe is None:
        pytest.fail("pre-commit is not installed (pip install pre-commit)")
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    env.setdefault("CARGO_TARGET_DIR", str(REPO / "target"))
    env.setdefault("CARGO_NET_OFFLINE", "true")
    env.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
    )
    return env


def user_repo(path: pathlib.Path, hook_repo: tuple, args: list) -> pathlib.Path:
    repo = new_repo(path)
    for name in [SOURCE, *OTHERS]:
        copy_sample(name, repo / "articles" / name)
    hook_path, rev = hook_repo
    quoted = ", ".join(f'"{a}"' for a in args)
    (repo / ".pre-commit-config.yaml").write_text(
        f"""repos:
  - repo: {hook_path}
    rev: {rev}
    hooks:
      - id: dedup-check
        args: [{quoted}]
        files: ^articles/
"""
    )
    commit_all(repo, "articles")
    return repo


def pre_commit(repo: pathlib.Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["pre-commit", "run", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )


def test_staged_paraphrase_fails_the_commit_hook(tmp_path, hook_repo, pre_commit_env):
    repo = user_repo(tmp_path / "site", hook_repo, ["--against", "articles", "--fail-on", "paraphrase"])
    copy_sample(PARAPHRASE, repo / "articles" / PARAPHRASE)
    git(repo, "add", "articles")
    out = pre_commit(repo, pre_commit_env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "dedup check (reuse of existing documents)" in out.stdout
    assert "Failed" in out.stdout
    assert f"paraphrase  score 0.58  {PARAPHRASE} <-> {SOURCE}" in out.stdout
    # Installed by pre-commit itself, from the hook repository.
    assert any(pathlib.Path(pre_commit_env["PRE_COMMIT_HOME"]).glob("repo*/rustenv-*/bin/dedup"))


def test_edited_article_is_not_its_own_duplicate(tmp_path, hook_repo, pre_commit_env):
    repo = user_repo(tmp_path / "site", hook_repo, ["--against", "articles"])
    edited = repo / "articles" / OTHERS[1]
    edited.write_text(edited.read_text() + "\nUpdated with a correction.\n")
    (repo / "notes.txt").write_text("not under articles/: not checked\n")
    git(repo, "add", "-A")
    out = pre_commit(repo, pre_commit_env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Passed" in out.stdout


def test_staged_file_against_an_index(tmp_path, hook_repo, pre_commit_env, dedup_bin):
    repo = user_repo(tmp_path / "site", hook_repo, ["--index", ".dedup/index.db", "-q"])
    (repo / ".dedup").mkdir()
    built = subprocess.run(
        [str(dedup_bin), "index", "build", "articles", "--index", ".dedup/index.db", "-q"], cwd=repo, check=False
    )
    assert built.returncode == 0
    copy_sample(PARAPHRASE, repo / "articles" / PARAPHRASE)
    git(repo, "add", "articles")
    out = pre_commit(repo, pre_commit_env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"{PARAPHRASE} <-> {SOURCE}" in out.stdout
