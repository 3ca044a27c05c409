#!/bin/sh
# Sets up a fresh machine (scripts/setup.sh), builds the web leaderboard (trunk build --release) and serves dist/ on 127.0.0.1, printing the URL.
#   scripts/serve.sh [--base /PATH/] [PORT]      (default base /, port 8080; 0 picks a free port)
# --base serves the site under a sub-path, as a static host does for a project site
# (https://<owner>.github.io/<repo>/): `scripts/serve.sh --base /vlrb/` serves it at /vlrb/.
set -eu
cd "$(dirname "$0")/.."
base=/
if [ "${1:-}" = --base ]; then
    [ $# -ge 2 ] || { echo "usage: scripts/serve.sh [--base /PATH/] [PORT]" >&2; exit 2; }
    base="$2"
    shift 2
fi
case "$base" in
    /*) ;;
    *) echo "error: --base must start with /, got $base" >&2; exit 2 ;;
esac
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release
exec python3 -c '
import functools, http.server, sys, urllib.parse
base = "/" + sys.argv[2].strip("/") + "/" if sys.argv[2].strip("/") else "/"
class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}
    def translate_path(self, path):
        # Only paths under the base exist; /vlrb (no slash) lands on the folder and is redirected.
        plain = urllib.parse.urlsplit(path).path
        if plain + "/" == base:
            return super().translate_path("/")
        if not plain.startswith(base):
            return super().translate_path("/no such file")
        return super().translate_path("/" + plain[len(base):])
handler = functools.partial(Handler, directory="dist")
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler)
print(f"Serving the VL-RouterBench leaderboard at http://127.0.0.1:{server.server_address[1]}{base}", flush=True)
server.serve_forever()
' "${1:-8080}" "$base"
