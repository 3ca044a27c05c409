#!/usr/bin/env bash
# Trains the reference routers the site shows, natively with `vlrb train` (CPU, seed 42, lambda
# chosen on dev over the paper's grid), and writes references/<bench>/<entry>.csv (test picks in the
# upload format) beside <entry>.json (name, authors, description with the exact command, throughput).
# The site re-scores the picks with the same evaluator as uploads; tests/e2e checks them against
# `vlrb eval`. Takes about 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -p vlrb-cli
vlrb=target/release/vlrb

# train <bundle file> <bench name> <router> <features> [extra vlrb train args...]
train() {
  local file=$1 bench=$2 router=$3 features=$4
  shift 4
  local dir=references/$bench entry="$router-$features"
  mkdir -p "$dir"
  local args=(train "public/bundles/$file" --router "$router" --features "$features" --seed 42 "$@")
  echo "vlrb ${args[*]}" >&2
  "$vlrb" "${args[@]}" --json --out "$dir/$entry.csv" > "$dir/$entry.result.json"
  python3 - "$dir/$entry.result.json" "$dir/$entry.json" "vlrb ${args[*]} --out $entry.csv" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
names = {"linear": "Linear", "mlp": "MLP", "knn": "kNN", "prknn": "PRkNN", "ovr": "OVR", "prototype": "Prototype"}
features = {"concat": "Normalize-Concat", "text": "text", "image": "image"}
lam = result["lambda"]
meta = {
    "name": f"{names[result['router']]} ({features[result['features']]}) reference",
    "authors": "vlrb project (reference router)",
    "link": "",
    "description": (
        f"Trained natively by `{sys.argv[3]}` on the train split (CPU, seed {result['seed']}); "
        + (f"lambda {lam} chosen" if lam is not None else "no lambda (this router does not use soft labels); checkpoint chosen")
        + f" on dev by Rank Score (dev {100 * result['dev_rank_score']:.2f}); "
        + (f"soft-label cost scale {result['cost_scale']}; " if result["cost_scale"] is not None else "")
        + f"{result['epochs']} epoch(s) run for the chosen setting. Throughput measured on a 2-core Xeon (KVM) CPU."
    ),
    "throughput_ktps": round(result["throughput"]["k_tokens_per_s"], 1),
}
json.dump(meta, open(sys.argv[2], "w"), indent=1)
open(sys.argv[2], "a").write("\n")
PY
  rm "$dir/$entry.result.json"
}

for router in mlp linear knn prknn ovr prototype; do
  train demo.vlrb vlrb-demo "$router" concat
done
for router in mlp linear knn prknn ovr prototype; do
  train math-v.vlrb math-v "$router" concat
done
for router in mlp linear knn prknn ovr prototype; do
  train mathvista.vlrb mathvista "$router" text
done
ls -l references/*
