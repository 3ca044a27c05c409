#!/usr/bin/env bash
# Regenerates the bundles the site serves, bit-identically: public/bundles/{demo,math-v,mathvista}.vlrb
# and public/bundles/index.json. crates/synth/tests/bundles.rs checks the committed bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

# Components per embedding set of the demo (see BENCHMARKS.md, "Bundles").
DEMO_COMPONENTS=64

cargo build --release -p vlrb-cli
vlrb="${CARGO_TARGET_DIR:-target}/release/vlrb"
out=public/bundles
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The synthetic demo: official layout first, so `vlrb pack` is exercised on it.
"$vlrb" synth -o "$work/demo"
"$vlrb" pack "$work/demo" -o "$out/demo.vlrb" --compress-embeddings "$DEMO_COMPONENTS"
# Real routing data, embeddings kept as in the source (float16).
"$vlrb" pack data/math-v -o "$out/math-v.vlrb"
"$vlrb" pack data/mathvista -o "$out/mathvista.vlrb"

cat > "$out/index.json" <<'JSON'
[
  {
    "name": "vlrb-demo",
    "file": "demo.vlrb",
    "title": "VL-RouterBench-shaped demo (SYNTHETIC: 30,540 samples x 17 models, calibrated to the published figures, not the paper's data)",
    "synthetic": true,
    "licence": "MIT OR Apache-2.0 (generated data)",
    "datasets": [
      "AI2D_TEST",
      "ChartQA_TEST",
      "DocVQA_VAL",
      "HallusionBench",
      "InfoVQA_VAL",
      "MMBench_DEV_EN_V11",
      "MMMU_DEV_VAL",
      "MMStar",
      "MathVerse_MINI",
      "MathVision_MINI",
      "MathVista_MINI",
      "OCRBench",
      "RealWorldQA",
      "TextVQA_VAL"
    ]
  },
  {
    "name": "math-v",
    "file": "math-v.vlrb",
    "title": "MATH-Vision test set x 15 published model runs (real correctness, estimated costs)",
    "synthetic": false,
    "licence": "MIT",
    "datasets": [
      "MathVision"
    ]
  },
  {
    "name": "mathvista",
    "file": "mathvista.vlrb",
    "title": "MathVista testmini x 21 published model runs (real correctness, estimated costs)",
    "synthetic": false,
    "licence": "CC BY-SA 4.0",
    "datasets": [
      "MathVista"
    ]
  }
]
JSON
ls -l "$out"
