#!/bin/sh
# Builds the publishable site into OUT_DIR (what .github/workflows/pages.yml deploys):
#
#   scripts/build-site.sh [--from BUILT_DIR] OUT_DIR      (OUT_DIR must be absent or empty)
#
#   1. trunk build --release into OUT_DIR (with --from, a copy of BUILT_DIR, the output of an
#      earlier `trunk build --release`, instead: the end-to-end tests publish dist/ this way
#      without building the wasm twice): the app and its worker (relative URLs, Trunk.toml's
#      public_url, so the site works from / or any sub-path), the service worker sw.js, the bundles
#      of public/bundles, and (Trunk's post-build hook, scripts/submissions-manifest.sh) the verified
#      submissions and reference routers with their manifest submissions/index.json;
#   2. content-hashed bundle names: bundles/<stem>-<16 hex of SHA-256>.vlrb, with bundles/index.json's
#      `file` fields pointing at them (the app fetches bundles/<file>), so a CDN or the service
#      worker may cache a bundle forever and a release never mixes with a stale one; the files of
#      submissions/index.json (verified submissions, reference routers) are renamed the same way;
#   3. the first visit's board: `vlrb snapshot` scores the first listed benchmark's published view
#      with the site's submissions and reference routers, as the page does, and index.html carries
#      it (<script type="application/json" id="vlrb-board-snapshot">), so a first visit paints the
#      leaderboard before the bundle is in and then replaces it with the rows scored from the bundle;
#   4. version.json: {"commit": <git HEAD>, "built_at": <UTC, ISO 8601>} (for the footer).
#
# Needs the tools of scripts/setup.sh (trunk, wasm-bindgen-cli, node_modules' wasm-opt) and the
# CLI: VLRB_BIN names a built `vlrb`, else this builds it (cargo build --release -p vlrb-cli).
set -eu
case "${VLRB_BIN:-}" in
    '' | /*) ;;
    *) VLRB_BIN="$PWD/$VLRB_BIN" ;;
esac
usage() { echo "usage: scripts/build-site.sh [--from BUILT_DIR] OUT_DIR" >&2; exit 2; }
from=''
if [ "${1:-}" = --from ]; then
    [ $# -ge 2 ] || usage
    [ -f "$2/index.html" ] || { echo "error: $2/index.html is missing: not a trunk build" >&2; exit 1; }
    from="$(cd "$2" && pwd)"
    shift 2
fi
[ $# -eq 1 ] || usage
mkdir -p "$1"
out="$(cd "$1" && pwd)"
cd "$(dirname "$0")/.."
root="$PWD"
[ -z "$(ls -A "$out")" ] || { echo "error: $out is not empty" >&2; exit 1; }
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ -n "$from" ]; then
    cp -R "$from/." "$out"
else
    trunk build --release --dist "$out"
fi

python3 - "$out" <<'PY'
import hashlib, json, sys
from pathlib import Path

site = Path(sys.argv[1])


def by_hash(source: Path) -> Path:
    """Renames a file to <stem>-<16 hex of its SHA-256><suffix> (unless it is already named so, as
    in an earlier site given to --from) and gives its new path."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    if source.stem.endswith(f"-{digest}"):
        return source
    hashed = source.with_name(f"{source.stem}-{digest}{source.suffix}")
    source.rename(hashed)
    return hashed


bundles = site / "bundles"
index_path = bundles / "index.json"
index = json.loads(index_path.read_text(encoding="utf-8"))
for entry in index:
    entry["file"] = by_hash(bundles / entry["file"]).name
index_path.write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

# The verified submissions and reference routers likewise, named so in submissions/index.json
# (the service worker serves them from its cache on return visits).
manifest_path = site / "submissions" / "index.json"
if manifest_path.exists():
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest:
        source = site / entry["file"]
        if source.exists():  # else the page reports a listed file that is missing
            entry["file"] = by_hash(source).relative_to(site).as_posix()
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
PY

if [ -z "${VLRB_BIN:-}" ]; then
    cargo build --release -p vlrb-cli --bin vlrb
    VLRB_BIN="${CARGO_TARGET_DIR:-$root/target}/release/vlrb"
fi
snapshot="$(mktemp)"
trap 'rm -f "$snapshot"' EXIT
"$VLRB_BIN" snapshot "$out" > "$snapshot"
python3 - "$out" "$snapshot" <<'PY'
import re, sys
from pathlib import Path

site, source = Path(sys.argv[1]), Path(sys.argv[2])
# JSON in an HTML script element: no "<" may end it early ("\u003c" reads back the same).
snapshot = source.read_text(encoding="utf-8").strip().replace("<", "\\u003c")
page = site / "index.html"
html = re.sub(r'\s*<script type="application/json" id="vlrb-board-snapshot">.*?</script>', "",
              page.read_text(encoding="utf-8"), flags=re.S)
if "</head>" not in html:
    sys.exit(f"error: {page} has no </head>")
element = f'<script type="application/json" id="vlrb-board-snapshot">{snapshot}</script>\n'
page.write_text(html.replace("</head>", element + "</head>", 1), encoding="utf-8")
PY

commit="$(git rev-parse HEAD)"
built_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf '{"commit": "%s", "built_at": "%s"}\n' "$commit" "$built_at" > "$out/version.json"
echo "built the site into $out (commit $commit, $(du -sh "$out" | cut -f1))"
