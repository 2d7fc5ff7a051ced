"""Helpers of the integration tests (GitHub Action, pre-commit hook): the
repository, the sample articles, git repositories made on the fly."""

import os
import pathlib
import shutil
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
# samples/000 is a paraphrase of samples/001 (the README's example).
PARAPHRASE = "000_f7ff5efcf92a0c65.txt"
SOURCE = "001_0ae9a733e2d797e1.txt"
OTHERS = ["002_67d3dee2a9e37524.txt", "003_bb24b12f98ef09e1.txt", "004_3b6218f333f20810.txt"]

UNRELATED = (
    "A rare orchid was found in the mountains of northern Thailand by a team of botanists from "
    "Chiang Mai University. The flower, pale yellow with purple spots, grows only on limestone "
    "cliffs above 1,500 metres and had not been seen since a British expedition described it in "
    "1921. The researchers collected seeds for the national gene bank and asked the provincial "
    "government to protect the site from tourists, who have trampled several nearby meadows.\n"
)


def git(repo: pathlib.Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    }
    out = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True
    )
    return out.stdout.strip()


def new_repo(path: pathlib.Path) -> pathlib.Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_all(repo: pathlib.Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def copy_sample(name: str, dest: pathlib.Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLES / name, dest)
