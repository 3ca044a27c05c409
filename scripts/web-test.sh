#!/bin/sh
# Builds the web leaderboard and runs its tests (assumes the tools of ../shared/TOOLCHAIN.md are
# installed: trunk 0.21.14, wasm-bindgen-cli 0.2.130, chromium + chromium-driver, node/npm):
#   1. npm ci (binaryen's wasm-opt for Trunk, playwright-core for the browser tests) when missing;
#   2. the native CLI (the end-to-end tests compare the site with `vlrb ... --json`): VLRB_BIN when
#      set (scripts/test.sh passes the one `cargo test` built), else `cargo build --bin vlrb` in the
#      dev profile (the core is optimised even there);
#   3. trunk build --release (profile wasm-release) into dist/;
#   4. wasm-bindgen-test of the web crate in headless Chromium;
#   5. the end-to-end tests: tests/e2e/run.mjs runs each tests/e2e/*.test.mjs file in turn (each
#      also runs alone), and ends with `N passed, N failed`.
set -eu
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ]; then
    npm ci --no-audit --no-fund
fi
if [ -z "${VLRB_BIN:-}" ]; then
    cargo build --bin vlrb
    export VLRB_BIN="${CARGO_TARGET_DIR:-target}/debug/vlrb"
fi
trunk build --release
cargo test --target wasm32-unknown-unknown -p vlrb-web
node tests/e2e/run.mjs
