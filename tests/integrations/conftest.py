"""Fixtures of the integration tests: the `dedup` binary."""

import os
import pathlib

import pytest

from gitrepo import REPO


@pytest.fixture(scope="session")
def dedup_bin() -> pathlib.Path:
    """`DEDUP_BIN`, else the binary cargo left in target/ (debug first)."""
    given = os.environ.get("DEDUP_BIN")
    if given:
        return pathlib.Path(given).resolve()
    for profile in ("debug", "release"):
        candidate = REPO / "target" / profile / "dedup"
        if candidate.is_file():
            return candidate
    pytest.fail("no dedup binary: run `cargo build` or set DEDUP_BIN")
