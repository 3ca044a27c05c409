#!/bin/sh
# Copies the verified submissions into the site and writes their manifest.
#
#   scripts/submissions-manifest.sh [OUT_DIR]     (OUT_DIR defaults to $TRUNK_STAGING_DIR)
#
# Layout: submissions/<bench name>/<entry>.csv (or .tsv, .jsonl) beside <entry>.json holding
# {"name","authors","link","description"} (optionally "throughput_ktps"). Writes
# OUT_DIR/submissions/index.json: [{"bench","file","meta":{...}}, ...]. The site scores each file
# with the same evaluator as uploads; tests/e2e checks those numbers against `vlrb eval --json`.
set -eu
out="${1:-${TRUNK_STAGING_DIR:?give OUT_DIR or run as a Trunk hook}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out/submissions"
index="$out/submissions/index.json"
printf '[' > "$index"
sep=''
for meta in "$root"/submissions/*/*.json; do
    [ -e "$meta" ] || continue
    bench="$(basename "$(dirname "$meta")")"
    entry="$(basename "$meta" .json)"
    for name in "$bench" "$entry"; do
        case "$name" in
            *[!A-Za-z0-9._-]*) echo "error: $meta: use only letters, digits, '.', '_' and '-' in folder and file names" >&2; exit 1 ;;
        esac
    done
    predictions=''
    for ext in csv tsv jsonl; do
        if [ -f "$root/submissions/$bench/$entry.$ext" ]; then
            [ -z "$predictions" ] || { echo "error: $meta: several predictions files for $entry" >&2; exit 1; }
            predictions="$entry.$ext"
        fi
    done
    [ -n "$predictions" ] || { echo "error: $meta: no $entry.csv, $entry.tsv or $entry.jsonl beside it" >&2; exit 1; }
    mkdir -p "$out/submissions/$bench"
    cp "$root/submissions/$bench/$predictions" "$out/submissions/$bench/$predictions"
    printf '%s\n{"bench":"%s","file":"submissions/%s/%s","meta":' "$sep" "$bench" "$bench" "$predictions" >> "$index"
    cat "$meta" >> "$index"
    printf '}' >> "$index"
    sep=','
done
printf '\n]\n' >> "$index"
