#!/usr/bin/env bash
# The tests of the integrations: the Python package (python/tests) and the
# GitHub Action and pre-commit hook (tests/integrations), with pytest in a
# virtualenv this script makes. `.ci/run` calls it after `cargo test`, whose
# debug binary the tests compare with; run it by hand the same way.
#
#   DEDUP_VENV  the virtualenv (default target/integrations-venv; reused)
#   DEDUP_BIN   the dedup binary (default target/debug/dedup)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
venv=${DEDUP_VENV:-$repo/target/integrations-venv}
export DEDUP_BIN=${DEDUP_BIN:-$repo/target/debug/dedup}
[ -x "$DEDUP_BIN" ] || { echo "no $DEDUP_BIN: run cargo build (or cargo test) first" >&2; exit 2; }

stage() { echo "--- $1 ($(date -u +%T))"; }

stage "virtualenv $venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || {
        # Debian's python3 needs python3-venv for `-m venv`.
        apt-get install -y -qq python3-venv && python3 -m venv "$venv"
    }
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
# maturin for `pip install ./python`; pre-commit is the tool under test;
# pandas and pyarrow for the column tests.
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
    "maturin>=1.7,<2" "pytest>=7" "pre-commit>=3" pandas pyarrow

# One release build serves the wheel and the pre-commit hook's own `cargo
# install` (same target dir, same profile settings), and it is made cheap:
# these tests check behaviour, not speed. A user's `pip install ./python`
# or `cargo install` keeps the real release profile.
export CARGO_TARGET_DIR=$repo/target
export CARGO_PROFILE_RELEASE_OPT_LEVEL=1
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_DEBUG=0
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
# pre-commit's `cargo install` has no --locked: offline, it resolves to the
# crates already fetched, which are Cargo.lock's.
cargo fetch --locked -q
export CARGO_NET_OFFLINE=true

stage "pip install ./python"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./python

stage "pytest"
export PATH=$venv/bin:$PATH
# From the repository root, so `import dedup` is the installed package;
# one run per directory, each with its own conftest and helpers.
pytest -q -p no:cacheprovider python/tests --durations=3
pytest -q -p no:cacheprovider tests/integrations --durations=3
stage "done"
