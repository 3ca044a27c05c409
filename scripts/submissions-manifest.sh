#!/bin/sh
# Copies the verified submissions and the reference routers into the site and writes their manifest.
#
#   scripts/submissions-manifest.sh [OUT_DIR]     (OUT_DIR defaults to $TRUNK_STAGING_DIR)
#
# Layout: submissions/<bench name>/<entry>.csv (or .tsv, .jsonl) beside <entry>.json holding
# {"name","authors","link","description"} (optionally "throughput_ktps"); references/ has the same
# layout for the routers the project trains natively (`scripts/make-references.sh`). Writes
# OUT_DIR/submissions/index.json: [{"bench","file","kind","meta":{...}}, ...]. The site scores each
# file with the same evaluator as uploads; tests/e2e checks those numbers against `vlrb eval --json`.
set -eu
out="${1:-${TRUNK_STAGING_DIR:?give OUT_DIR or run as a Trunk hook}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out/submissions"
index="$out/submissions/index.json"
printf '[' > "$index"
sep=''
for meta in "$root"/submissions/*/*.json "$root"/references/*/*.json; do
    [ -e "$meta" ] || continue
    folder="$(basename "$(dirname "$(dirname "$meta")")")"
    kind=verified
    [ "$folder" = references ] && kind=reference
    bench="$(basename "$(dirname "$meta")")"
    entry="$(basename "$meta" .json)"
    for name in "$bench" "$entry"; do
        case "$name" in
            *[!A-Za-z0-9._-]*) echo "error: $meta: use only letters, digits, '.', '_' and '-' in folder and file names" >&2; exit 1 ;;
        esac
    done
    predictions=''
    for ext in csv tsv jsonl; do
        if [ -f "$root/$folder/$bench/$entry.$ext" ]; then
            [ -z "$predictions" ] || { echo "error: $meta: several predictions files for $entry" >&2; exit 1; }
            predictions="$entry.$ext"
        fi
    done
    [ -n "$predictions" ] || { echo "error: $meta: no $entry.csv, $entry.tsv or $entry.jsonl beside it" >&2; exit 1; }
    mkdir -p "$out/$folder/$bench"
    cp "$root/$folder/$bench/$predictions" "$out/$folder/$bench/$predictions"
    printf '%s\n{"bench":"%s","file":"%s/%s/%s","kind":"%s","meta":' "$sep" "$bench" "$folder" "$bench" "$predictions" "$kind" >> "$index"
    cat "$meta" >> "$index"
    printf '}' >> "$index"
    sep=','
done
printf '\n]\n' >> "$index"
