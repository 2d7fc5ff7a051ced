"""Shared fixtures: the repository, the `dedup` binary built by cargo, and
texts that make findings."""

import os
import pathlib
import shutil

import pytest

from corpus import REPO


@pytest.fixture(scope="session")
def dedup_bin() -> str:
    """The command-line binary to compare with: `DEDUP_BIN`, else the one
    `cargo test`/`cargo build` left in target/ (debug first, it is what
    `.ci/run` builds)."""
    given = os.environ.get("DEDUP_BIN")
    if given:
        return given
    for profile in ("debug", "release"):
        candidate = REPO / "target" / profile / "dedup"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("dedup")
    if found:
        return found
    pytest.fail("no dedup binary: run `cargo build` or set DEDUP_BIN")
