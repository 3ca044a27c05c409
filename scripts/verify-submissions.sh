#!/bin/sh
# Verifies the submissions a branch adds or changes, as CI does on a pull request
# (.github/workflows/submissions.yml):
#
#   scripts/verify-submissions.sh [BASE_REF]       (default origin/main, else main)
#
# Every entry under submissions/ touched since BASE_REF (committed on this branch, uncommitted or
# untracked) is checked as the working tree holds it: submissions/<benchmark>/<entry>.{csv,tsv,jsonl}
# beside <entry>.json, the benchmark one of public/bundles/index.json; metadata fields (name,
# authors, link, description; optional positive throughput_ktps; nothing else); the predictions
# scored by `vlrb eval` (exactly one row per test sample, known ids and models); a name no other row
# of the benchmark has (baselines, models by id and display name, references, other submissions).
# Prints the rows it will add as a Markdown table on stdout and each problem, naming the file, on
# stderr; exits 1 on any problem.
#
# vlrb: $VLRB_BIN when set, else `cargo build --release --bin vlrb` (a no-op when up to date).
set -eu
case "${VLRB_BIN:-}" in
    ''|/*) ;;
    */*) VLRB_BIN="$PWD/$VLRB_BIN" ;;
esac
cd "$(dirname "$0")/.."
if [ -z "${VLRB_BIN:-}" ]; then
    cargo build --release --quiet --bin vlrb
    VLRB_BIN="${CARGO_TARGET_DIR:-target}/release/vlrb"
fi
exec python3 scripts/verify_submissions.py "$VLRB_BIN" "$@"
