#!/usr/bin/env bash
# The steps of the `dedup` GitHub Action (action.yml): `install`, `plan`,
# `index`, `check`. Everything the action does besides actions/cache and the SARIF
# upload is here, so it runs (and is tested) outside a runner too.
#
# Inputs come as environment variables (action.yml maps them):
#   DEDUP_PATHS     files/directories to check, one per line (may be empty)
#   DEDUP_INDEX     index file (with DEDUP_AGAINST: kept up to date from it)
#   DEDUP_AGAINST   directories of the collection, one per line
#   DEDUP_FAIL_ON   least severe verdict that fails (empty: any finding)
#   DEDUP_BASELINE  accepted findings file (empty: none)
#   DEDUP_SARIF     SARIF file to write (empty: none)
# and the runner's: GITHUB_WORKSPACE, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH,
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_ACTION_PATH.
#
# Ids: a changed file under a directory of DEDUP_AGAINST (else of
# DEDUP_PATHS) is checked under its path relative to that directory, as
# `dedup index build DIR` names the documents, so a modified file's old
# version is left out instead of being reported as its own duplicate.
set -euo pipefail

die() {
    echo "::error title=dedup action::$*"
    exit 2
}

lines() { # non-empty lines of $1, trimmed
    printf '%s\n' "$1" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d'
}

output() { echo "$1=$2" >>"${GITHUB_OUTPUT:-/dev/null}"; }

workdir() { echo "${RUNNER_TEMP:?RUNNER_TEMP is not set}/dedup-action"; }

# --- install: dedup on PATH, else `cargo install` of this action's source.
cmd_install() {
    if command -v dedup >/dev/null; then
        echo "dedup found: $(command -v dedup) ($(dedup --version))"
        return
    fi
    local root="${DEDUP_INSTALL_ROOT:-$(workdir)/bin-root}"
    if [ -x "$root/bin/dedup" ]; then
        echo "dedup restored from the cache: $root/bin/dedup"
    else
        command -v cargo >/dev/null || die "neither dedup nor cargo on PATH: add a Rust toolchain step (dtolnay/rust-toolchain@stable)"
        cargo install --locked --path "${GITHUB_ACTION_PATH:?}" --root "$root"
        output built true
    fi
    echo "$root/bin" >>"${GITHUB_PATH:-/dev/null}"
    export PATH="$root/bin:$PATH"
    dedup --version
}

# pull_request.$1.sha of the event file $2 (jq where there is one, as on
# GitHub's runners, else python3).
event_field() {
    if command -v jq >/dev/null; then
        jq -r ".pull_request.$1.sha // empty" "$2"
    else
        python3 -c 'import json, sys; print(json.load(open(sys.argv[2])).get("pull_request", {}).get(sys.argv[1], {}).get("sha", ""))' "$1" "$2"
    fi
}

# Base and head commits: from the pull request event, else HEAD for both
# (every file under the paths is then checked).
event_commits() {
    local event="${GITHUB_EVENT_NAME:-}" base="" head=""
    if [ "$event" = pull_request ] || [ "$event" = pull_request_target ]; then
        base=$(event_field base "${GITHUB_EVENT_PATH:?}")
        head=$(event_field head "$GITHUB_EVENT_PATH")
        [ -n "$base" ] && [ -n "$head" ] || die "no pull_request.base.sha/head.sha in $GITHUB_EVENT_PATH"
        git cat-file -e "$base^{commit}" 2>/dev/null ||
            die "base commit $base is not in the clone: check out with fetch-depth: 0"
    fi
    echo "${base:-} ${head:-}"
}

# --- plan: which files to check, and the cache key of the index.
cmd_plan() {
    cd "${GITHUB_WORKSPACE:?}"
    local dir base head
    dir=$(workdir)
    rm -rf "$dir" && mkdir -p "$dir"
    read -r base head <<<"$(event_commits)"
    local -a paths=()
    mapfile -t paths < <(lines "${DEDUP_PATHS:-}")
    if [ -n "$base" ]; then
        # Added or modified in the pull request (three dots: since the
        # merge base, what the pull request's diff shows).
        git diff --name-only -z --diff-filter=AM "$base...$head" -- "${paths[@]}" |
            tr '\0' '\n' >"$dir/changed.txt"
        echo "$head" >"$dir/head"
        echo "$base" >"$dir/base"
    else
        [ ${#paths[@]} -gt 0 ] || die "not a pull request: give the paths to check"
        git ls-files -z -- "${paths[@]}" | tr '\0' '\n' >"$dir/changed.txt"
        git rev-parse HEAD >"$dir/head"
        git rev-parse HEAD >"$dir/base"
    fi
    # Only what dedup reads when it walks a directory.
    grep -E '\.(txt|text|md|markdown|html|htm|jsonl|ndjson)$' "$dir/changed.txt" >"$dir/files.txt" || true
    output files "$(wc -l <"$dir/files.txt" | tr -d ' ')"
    # The index is a cache of the collection at the base commit: its key
    # names the dedup version and the collection's git trees.
    if [ -n "${DEDUP_INDEX:-}" ] && [ -n "${DEDUP_AGAINST:-}" ]; then
        local tool trees
        tool=$( (dedup --version; lines "$DEDUP_AGAINST") | sha256sum | cut -c1-16)
        trees=$(lines "$DEDUP_AGAINST" | while read -r a; do
            git rev-parse "$(cat "$dir/base"):${a%/}" 2>/dev/null || echo "missing:$a"
        done | sha256sum | cut -c1-16)
        output cache-key "dedup-index-$tool-$trees"
        output cache-restore-key "dedup-index-$tool-"
    fi
    echo "dedup: $(wc -l <"$dir/files.txt" | tr -d ' ') file(s) to check"
}

# The first of $roots that holds file $1, or nothing.
root_of() {
    local f="$1" r
    for r in "${roots[@]}"; do
        r="${r%/}"
        case "$f" in "$r"/*)
            echo "$r"
            return
            ;;
        esac
    done
}

# --- index: the collection (the against directories at the base commit)
# in an index: the given one (restored from the cache) brought up to date,
# or a temporary one. Without `against`, the given index as it is.
cmd_index() {
    cd "${GITHUB_WORKSPACE:?}"
    local dir base index="${DEDUP_INDEX:-}"
    dir=$(workdir)
    [ -f "$dir/base" ] || die "run the plan step first"
    base=$(cat "$dir/base")
    if [ ! -s "$dir/files.txt" ]; then
        echo "dedup: no changed file to check: index left as it is"
        return
    fi
    local -a against=()
    mapfile -t against < <(lines "${DEDUP_AGAINST:-}")
    if [ ${#against[@]} -eq 0 ]; then
        [ -n "$index" ] || die "give an index or the directories to check against"
        case "$index" in /*) ;; *) index="$GITHUB_WORKSPACE/$index" ;; esac
        [ -f "$index" ] || die "no index at $index (and no against directories to build one from)"
        echo "$index" >"$dir/index-path"
        return
    fi
    [ -n "$index" ] || index="$dir/collection.dedup"
    case "$index" in /*) ;; *) index="$GITHUB_WORKSPACE/$index" ;; esac
    rm -rf "$dir/base-tree"
    mkdir -p "$dir/base-tree" "$(dirname "$index")"
    git archive "$base" -- "${against[@]}" | tar -x -C "$dir/base-tree"
    # Ids and stored paths relative to the base tree: `articles/x.md`.
    cd "$dir/base-tree"
    if [ -f "$index" ] && dedup index add "${against[@]}" --index "$index" -q; then
        echo "dedup: index $index brought up to date from $base"
    else
        # Missing, or made by an incompatible dedup: rebuild.
        dedup index build "${against[@]}" --index "$index" --force -q
        echo "dedup: index $index built from $base"
    fi
    echo "$index" >"$dir/index-path"
}

# --- check: stage the changed files, run dedup check.
cmd_check() {
    cd "${GITHUB_WORKSPACE:?}"
    local dir head
    dir=$(workdir)
    [ -f "$dir/files.txt" ] || die "run the plan step first"
    head=$(cat "$dir/head")
    local -a against=() roots=() target=()
    mapfile -t against < <(lines "${DEDUP_AGAINST:-}")
    if [ ${#against[@]} -gt 0 ]; then
        roots=("${against[@]}")
    else
        mapfile -t roots < <(lines "${DEDUP_PATHS:-}")
    fi
    if [ ! -s "$dir/files.txt" ]; then
        echo "dedup: no changed file to check"
        echo "dedup: no changed file to check" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
        return 0
    fi

    local index
    index=$(cat "$dir/index-path") || die "run the index step first"

    # The changed files at the head commit, laid out so that cwd-relative
    # paths are the repository paths and ids those of the collection.
    local stage="$dir/stage"
    rm -rf "$stage" && mkdir -p "$stage"
    local -A used_roots=()
    local -a loose=()
    while IFS= read -r f; do
        mkdir -p "$stage/$(dirname "$f")"
        git show "$head:$f" >"$stage/$f"
        local r
        r=$(root_of "$f")
        if [ -n "$r" ]; then used_roots["$r"]=1; else loose+=("$f"); fi
    done <"$dir/files.txt"
    mapfile -t target < <(printf '%s\n' "${!used_roots[@]}" "${loose[@]}" | sed '/^$/d' | sort)

    local -a opts=(--index "$index")
    [ -n "${DEDUP_FAIL_ON:-}" ] && opts+=(--fail-on "$DEDUP_FAIL_ON")
    if [ -n "${DEDUP_BASELINE:-}" ]; then
        case "$DEDUP_BASELINE" in /*) opts+=(--baseline "$DEDUP_BASELINE") ;; *) opts+=(--baseline "$GITHUB_WORKSPACE/$DEDUP_BASELINE") ;; esac
    fi
    cd "$stage"
    local status=0
    if [ -n "${DEDUP_SARIF:-}" ]; then
        local sarif="$DEDUP_SARIF"
        case "$sarif" in /*) ;; *) sarif="$GITHUB_WORKSPACE/$sarif" ;; esac
        dedup check "${target[@]}" "${opts[@]}" --format sarif -o "$sarif" -q || [ $? -eq 1 ]
        output sarif "$sarif"
    fi
    dedup check "${target[@]}" "${opts[@]}" --format github 2>"$dir/stderr.txt" || status=$?
    cat "$dir/stderr.txt" >&2
    {
        echo "### dedup"
        echo
        sed 's/^dedup: //' "$dir/stderr.txt"
        case $status in
            0) echo "No finding fails the check." ;;
            1) echo "**Reuse found**: see the annotations on the changed files." ;;
            *) echo "**dedup failed** (exit $status)." ;;
        esac
    } >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
    output exit-code "$status"
    return "$status"
}

case "${1:-}" in
    install) cmd_install ;;
    plan) cmd_plan ;;
    index) cmd_index ;;
    check) cmd_check ;;
    *) die "usage: $0 install|plan|index|check" ;;
esac
