#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh) and runs every test: formatting and lints, the native
# workspace tests (fixtures, properties, formats, bundles, routers, GPU kernels on a software adapter),
# the core's fixture tests in headless Chromium (wasm-bindgen-test), and the web app's tests
# (build, wasm-bindgen-test, end-to-end in Chromium). Ends with one line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver

log=$(mktemp -d)
passed=0; failed=0; failed_steps=()

# Runs one step, tees its output, and adds its test counts (or 1 for a step without counts).
run() {
  local name=$1; shift
  printf '\n== test: %s\n' "$name"
  local out="$log/$(echo "$name" | tr -c 'a-zA-Z0-9' _).log"
  "$@" 2>&1 | tee "$out"
  local status=${PIPESTATUS[0]}
  local p f
  p=$(grep -hoE '([0-9]+) passed' "$out" | awk '{s+=$1} END {print s+0}')
  f=$(grep -hoE '([0-9]+) failed' "$out" | awk '{s+=$1} END {print s+0}')
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    [ "$status" -eq 0 ] && p=1 || f=1
  elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
  fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$status" -eq 0 ] || failed_steps+=("$name")
}

run "cargo fmt" cargo fmt --all -- --check
run "cargo clippy" cargo clippy --all-targets -- -D warnings
# Browser code never blocks: .clippy-wasm/clippy.toml disallows pollster::block_on,
# std::thread::sleep and std::time::Instant::now in the wasm32 builds. The web app's crates and the
# GPU crate's library and kernel tests as the browser builds them (libraries, binaries and tests:
# the GPU crate's benchmark is native, and none of the others has a benchmark or an example), in one
# invocation so that they share one feature resolution (two took 3 more minutes on a cold cache).
run "cargo clippy (web app and vlrb-gpu, wasm32)" env CLIPPY_CONF_DIR="$PWD/.clippy-wasm" cargo clippy --target wasm32-unknown-unknown -p vlrb-web -p vlrb-web-app -p vlrb-train-worker -p vlrb-pack-worker -p vlrb-web-decode -p vlrb-gpu --lib --bins --tests -- -D warnings -D clippy::disallowed_methods
# The API docs of the native workspace build without a warning (broken intra-doc links included).
run "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
run "native tests" cargo test
# The CLI as `cargo test` built it serves the steps below and the web app's tests: a separate
# `cargo build --bin vlrb` resolves the features without the workspace's dev-dependencies and
# would build vlrb-core, wgpu and parquet again (5 minutes on a cold cache).
export VLRB_BIN="${CARGO_TARGET_DIR:-target}/debug/vlrb"
# The pull-request check of submissions/ on good and bad submissions.
run "submission verifier" python3 tests/verify_submissions_test.py
# The official toolkit's loaders (numpy, pandas, pickle) read `vlrb export` of each shipped bundle.
run "toolkit loaders on vlrb export" python3 tests/python/test_toolkit_export.py "$VLRB_BIN"
run "core fixture tests in headless Chromium" cargo test -p vlrb-core --target wasm32-unknown-unknown --test fixture
# The CPU kernels and the embeddings' decoding at simd128 give the native bits (the checksum).
run "CPU kernels at simd128 in headless Chromium" cargo test -p vlrb-core --target wasm32-unknown-unknown --test lanes
# The page's and the worker's bundle decode (the browser's SHA-256 and inflate) against the core's.
run "browser bundle decode against the core in headless Chromium" cargo test -p vlrb-web-decode --target wasm32-unknown-unknown --test decode
# crates/gpu/webdriver.json starts Chromium with --enable-unsafe-webgpu (SwiftShader); no adapter fails.
run "WGSL kernels against the CPU in headless Chromium's WebGPU" cargo test -p vlrb-gpu --target wasm32-unknown-unknown --test kernels
if [ -f scripts/web-test.sh ]; then
  run "web app" bash scripts/web-test.sh
fi

echo
[ ${#failed_steps[@]} -eq 0 ] || echo "failed steps: ${failed_steps[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failed_steps[@]} -eq 0 ]
