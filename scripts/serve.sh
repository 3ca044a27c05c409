#!/bin/sh
# Sets up a fresh machine (scripts/setup.sh), builds the web leaderboard (trunk build --release) and serves dist/ on 127.0.0.1, printing the URL.
#   scripts/serve.sh [PORT]      (default 8080; 0 picks a free port)
set -eu
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release
exec python3 -c '
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}
handler = functools.partial(Handler, directory="dist")
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler)
print(f"Serving the VL-RouterBench leaderboard at http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
' "${1:-8080}"
