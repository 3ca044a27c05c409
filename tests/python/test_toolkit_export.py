#!/usr/bin/env python3
"""`vlrb export` is what the official VL-RouterBench toolkit's loaders open (protocol.md §1.7).

For each shipped bundle: export it, load the export the way the toolkit's loaders do (Y.npz key
`Y`, C.npy re-aligned through data/matrices/sample_ids.pkl, meta.parquet, the pickled model and
sample indexes, SPLITS/*.jsonl, the embedding parquet files named by the flags export prints),
recompute the Oracle and Random baselines on the test split with numpy as the toolkit's baseline
script does (average cost in float32, like numpy's mean of the float32 matrix), and compare them with
`vlrb baselines --json`: accuracy and picks exactly, average cost to 2e-6 relative (vlrb averages
the same float32 cells in float64). Then `vlrb pack` of the export must give a bundle whose
`info`, `baselines` and an `eval` equal the original's.

Usage: test_toolkit_export.py [VLRB_BINARY]   (default: target/debug/vlrb)
Ends with a line `N passed, N failed`.
"""

import json
import pickle
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
BUNDLES = ["demo.vlrb", "math-v.vlrb", "mathvista.vlrb"]
COST_RTOL = 2e-6


def vlrb(binary, *args):
    """Runs vlrb; returns stdout (text), raising with stderr on failure."""
    done = subprocess.run([binary, *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"vlrb {' '.join(map(str, args))} failed: {done.stderr.strip()}")
    return done.stdout


def vlrb_json(binary, *args):
    return json.loads(vlrb(binary, *args, "--json"))


def parse_flags(stdout):
    """`--text_encoder X --vision_encoder Y` (either may be absent) -> {'text': X, 'vision': Y}."""
    words = stdout.split()
    names = {}
    for flag, kind in (("--text_encoder", "text"), ("--vision_encoder", "vision")):
        if flag in words:
            names[kind] = words[words.index(flag) + 1]
    return names


def read_pickle(path):
    with open(path, "rb") as f:
        return pickle.load(f)


def load_like_toolkit(d, encoders):
    """The export as the toolkit's loaders (routers/utils/train_utils.py) read it."""
    Y = np.load(d / "data/matrices/Y.npz")["Y"]
    meta = pd.read_parquet(d / "data/registry/meta.parquet")
    assert list(meta.columns) == ["sample_id", "dataset", "split", "task"], list(meta.columns)
    meta_ids = meta["sample_id"].tolist()

    C_full = np.load(d / "data/matrices/C.npy")
    assert C_full.dtype == np.float32 and Y.dtype == np.int8, (C_full.dtype, Y.dtype)
    c_ids = read_pickle(d / "data/matrices/sample_ids.pkl")
    c_index = {sid: i for i, sid in enumerate(c_ids)}
    missing = [sid for sid in meta_ids if sid not in c_index]
    assert not missing, f"sample_ids.pkl lacks {missing[:3]} (the toolkit would use column means)"
    C = C_full[[c_index[sid] for sid in meta_ids]]

    models = read_pickle(d / "data/registry/model_index.pkl")
    assert isinstance(models, list) and all(isinstance(m, str) for m in models)
    assert models == sorted(models), "model_index.pkl is the sorted id list"
    models_txt = (d / "data/registry/models.txt").read_text().splitlines()
    assert models == models_txt, "model_index.pkl and models.txt agree"
    assert read_pickle(d / "data/registry/sample_index.pkl") == meta_ids
    assert Y.shape == C.shape == (len(meta), len(models)), (Y.shape, C.shape, len(models))

    splits = {}
    for name in ("train", "dev", "test"):
        with open(d / "SPLITS" / f"{name}.jsonl") as f:
            splits[name] = [json.loads(line)["sample_id"] for line in f]
        in_meta = meta.loc[meta["split"] == name, "sample_id"].tolist()
        assert splits[name] == in_meta, f"SPLITS/{name}.jsonl lists meta's {name} rows in row order"

    embeddings = {}
    for kind, name in encoders.items():
        df = pd.read_parquet(d / "EMBEDDINGS" / kind / f"{name}.parquet")
        assert list(df.columns) == ["sample_id", "embedding"], list(df.columns)
        df = df.merge(meta[["sample_id"]], on="sample_id")
        df = df.set_index("sample_id").reindex(meta.set_index("sample_id").index).reset_index()
        X = np.vstack(df["embedding"].values)
        assert X.shape[0] == len(meta) and np.isfinite(X).all(), X.shape
        embeddings[kind] = X
    return {"Y": Y, "C": C, "meta": meta, "models": models, "splits": splits, "emb": embeddings}


def baselines_on_test(data):
    """Oracle and Random picks and metrics on the test split, as the toolkit computes them."""
    meta, Y, C = data["meta"], data["Y"], data["C"]
    test = meta["sample_id"].isin(data["splits"]["test"]).values
    Y_test, C_test = Y[test], C[test]
    n, k = Y_test.shape
    correct = Y_test == 1
    cheapest_correct = np.argmin(np.where(correct, C_test, np.inf), axis=1)
    oracle = np.where(correct.any(axis=1), cheapest_correct, np.argmin(C_test, axis=1))
    random = np.random.RandomState(42).randint(0, k, size=n)
    out = {}
    for name, picks in (("Oracle", oracle), ("Random", random)):
        rows = np.arange(n)
        cells = C_test[rows, picks]
        out[name] = {
            "picks": picks.tolist(),
            "accuracy": float(Y_test[rows, picks].mean()),
            "avg_cost_f32": float(cells.mean()),
            "avg_cost_f64": float(cells.astype(np.float64).mean()),
        }
    return out, test


def check_bundle(binary, bundle, scratch, results):
    name = bundle.stem
    export = scratch / f"{name}-export"
    stdout = vlrb(binary, "export", bundle, "-o", export)
    encoders = parse_flags(stdout)
    info = vlrb_json(binary, "info", bundle)
    expected_names = {e["name"] for e in info["features"]}
    assert encoders and set(encoders.values()) <= expected_names, (stdout, expected_names)

    def case(what, fn):
        try:
            fn()
            results.append((f"{name}: {what}", None))
        except Exception:  # noqa: BLE001 - every failure is reported and counted
            results.append((f"{name}: {what}", traceback.format_exc()))

    state = {}

    def loads():
        state["data"] = load_like_toolkit(export, encoders)
        assert state["data"]["models"] == info["models"], "model order = vlrb's columns"
        sizes = {s: len(ids) for s, ids in state["data"]["splits"].items()}
        assert sizes == info["splits"], (sizes, info["splits"])

    case("the toolkit's loaders read the export", loads)
    ours = vlrb_json(binary, "baselines", bundle)

    def baselines():
        mine, test = baselines_on_test(state["data"])
        state["test"], state["random"] = test, mine["Random"]["picks"]
        for b in ("Oracle", "Random"):
            got, want = ours[b], mine[b]
            assert got["num_samples"] == int(test.sum())
            assert got["picks"] == want["picks"], f"{b} picks"
            assert got["accuracy"] == want["accuracy"], (b, got["accuracy"], want["accuracy"])
            rel = abs(got["avg_cost"] - want["avg_cost_f32"]) / got["avg_cost"]
            assert rel <= COST_RTOL, (b, got["avg_cost"], want["avg_cost_f32"], rel)
            rel64 = abs(got["avg_cost"] - want["avg_cost_f64"]) / got["avg_cost"]
            assert rel64 <= 1e-12, (b, "f64 mean of the same cells", rel64)
            print(f"  {name} {b}: accuracy {got['accuracy']:.6f} (equal), average cost "
                  f"f64 {got['avg_cost']:.9e} vs toolkit f32 {want['avg_cost_f32']:.9e} "
                  f"(relative difference {rel:.2e})")

    case("Oracle and Random on the test split equal vlrb baselines", baselines)

    def round_trip():
        repacked = scratch / f"{name}-repacked.vlrb"
        vlrb(binary, "pack", export, "-o", repacked)
        assert vlrb_json(binary, "info", repacked) == info, "info"
        assert vlrb_json(binary, "baselines", repacked) == ours, "baselines"
        meta, models = state["data"]["meta"], state["data"]["models"]
        test_ids = meta.loc[state["test"], "sample_id"].tolist()
        predictions = scratch / f"{name}-random.csv"
        pd.DataFrame({"sample_id": test_ids,
                      "model": [models[j] for j in state["random"]]}).to_csv(predictions, index=False)
        original = vlrb_json(binary, "eval", bundle, predictions)
        assert vlrb_json(binary, "eval", repacked, predictions) == original, "eval"
        for key in ("accuracy", "avg_cost", "rank_score"):
            assert original[key] == ours["Random"][key], key

    case("vlrb pack of the export round-trips (info, baselines, eval)", round_trip)


def main():
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/debug/vlrb").resolve()
    results = []
    for file in BUNDLES:
        with tempfile.TemporaryDirectory(prefix="vlrb-toolkit-") as scratch:
            try:
                check_bundle(binary, ROOT / "public/bundles" / file, Path(scratch), results)
            except Exception:  # noqa: BLE001
                results.append((f"{file}: export", traceback.format_exc()))
    failed = [(what, err) for what, err in results if err]
    for what, err in results:
        print(f"{'ok  ' if err is None else 'FAIL'} {what}")
        if err:
            print(err)
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
