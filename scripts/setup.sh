#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test vlrb, skipping every piece whose right
# version is already present: the wasm target, Debian's Chromium + ChromeDriver + software Vulkan,
# node/npm and python3 (only when absent), python's numpy + pandas + pyarrow (pip),
# Trunk, wasm-bindgen-cli and the npm packages (binaryen's wasm-opt, playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== setup: %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || missing+=(mesa-vulkan-drivers)
dpkg -s libvulkan1 >/dev/null 2>&1 || missing+=(libvulkan1)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# numpy, pandas and pyarrow: tests/python loads `vlrb export` the way the official toolkit does.
if ! python3 -c "import numpy, pandas, pyarrow" 2>/dev/null; then
  step "python packages numpy, pandas, pyarrow"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
  fi
  # Debian's own python3 refuses pip installs outside a venv unless told (no python3-pyarrow in apt).
  python3 -m pip install --quiet numpy pandas pyarrow \
    || python3 -m pip install --quiet --break-system-packages numpy pandas pyarrow
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  step "wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # Without --locked: its lockfile pins a crate version missing from the index (TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  step "trunk $TRUNK_VERSION (about 10 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

if [ -f package-lock.json ] && ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
  step "npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
step "ready"
