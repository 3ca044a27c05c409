"""The pandas/numpy way of scoring a predictions file, on the files `cargo bench -p vlrb-core
--bench protocol` writes to target/bench-protocol/ (same benchmark, same predictions), timed in the
same run. Prints the median of repeated runs of: parse the CSV, validate it (unknown ids, duplicates,
missing test samples), compute accuracy, mean cost and Rank Score overall and per dataset."""
import json, pathlib, statistics, sys, time

import numpy as np
import pandas as pd

d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/bench-protocol")
meta = pd.read_csv(d / "meta.csv", keep_default_na=False)
Y = np.load(d / "Y.npy")
C = np.load(d / "C.npy")
models = (d / "models.txt").read_text().split("\n")
bounds = json.loads((d / "bounds.json").read_text())
row_of = pd.Series(np.arange(len(meta)), index=meta["sample_id"])
col_of = pd.Series(np.arange(len(models)), index=models)
test_rows = np.flatnonzero(meta["split"].to_numpy() == "test")


def rank_score(acc, cost, cmin, cmax, beta=0.1, eps=1e-12):
    c = np.clip(cost, cmin, cmax)
    cn = np.clip((np.log2(cmax) - np.log2(c)) / (np.log2(cmax) - np.log2(cmin) + eps), 0, 1)
    a = np.clip(acc, 0, 1)
    return np.clip((1 + beta) * a * cn / (beta * a + cn + eps), 0, 1)


def score(path):
    p = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = row_of.reindex(p["sample_id"]).to_numpy()
    cols = col_of.reindex(p["model"]).to_numpy()
    if np.isnan(rows).any() or np.isnan(cols).any():
        raise ValueError("unknown sample or model")
    if p["sample_id"].duplicated().any():
        raise ValueError("duplicate")
    rows = rows.astype(np.int64)
    cols = cols.astype(np.int64)
    is_test = np.isin(rows, test_rows)
    rows, cols = rows[is_test], cols[is_test]
    if len(rows) != len(test_rows):
        raise ValueError("missing test samples")
    hit = Y[rows, cols].astype(np.float64)
    cost = C[rows, cols].astype(np.float64)
    out = {"accuracy": hit.mean(), "avg_cost": cost.mean()}
    out["rank_score"] = rank_score(out["accuracy"], out["avg_cost"], bounds["cmin"], bounds["cmax"])
    df = pd.DataFrame({"dataset": meta["dataset"].to_numpy()[rows], "hit": hit, "cost": cost})
    g = df.groupby("dataset").agg(accuracy=("hit", "mean"), avg_cost=("cost", "mean"), n=("hit", "size"))
    g["rank_score"] = rank_score(g["accuracy"], g["avg_cost"], bounds["cmin"], bounds["cmax"])
    return out, g


times = []
for _ in range(30):
    t = time.perf_counter()
    out, _ = score(d / "predictions.csv")
    times.append(time.perf_counter() - t)
print(f"pandas {pd.__version__} / numpy {np.__version__}: parse + score median {statistics.median(times)*1e3:.2f} ms "
      f"(min {min(times)*1e3:.2f} ms) over {len(times)} runs; accuracy {out['accuracy']:.6f} rank {out['rank_score']:.6f}")


def breakdown(rows, cols):
    hit = Y[rows, cols].astype(np.float64)
    cost = C[rows, cols].astype(np.float64)
    acc, avg = hit.mean(), cost.mean()
    df = pd.DataFrame({"dataset": meta["dataset"].to_numpy()[rows], "hit": hit, "cost": cost})
    g = df.groupby("dataset").agg(accuracy=("hit", "mean"), avg_cost=("cost", "mean"))
    g["rank_score"] = rank_score(g["accuracy"], g["avg_cost"], bounds["cmin"], bounds["cmax"])
    return acc, avg, rank_score(acc, avg, bounds["cmin"], bounds["cmax"]), g


def baselines():
    """The five baselines of the protocol (fitted on the test split) with per-dataset breakdowns."""
    y, c = Y[test_rows].astype(bool), C[test_rows].astype(np.float64)
    k = y.shape[1]
    # Oracle: the cheapest correct model, else the cheapest model (ties: lowest column).
    masked = np.where(y, c, np.inf)
    oracle = np.where(y.any(axis=1), masked.argmin(axis=1), c.argmin(axis=1))
    strongest = np.full(len(test_rows), y.mean(axis=0).argmax())
    cheapest = np.full(len(test_rows), c.mean(axis=0).argmin())
    ds = meta["dataset"].to_numpy()[test_rows]
    per_ds = np.empty(len(test_rows), dtype=np.int64)
    for d in np.unique(ds):
        m = ds == d
        per_ds[m] = y[m].mean(axis=0).argmax()
    random = np.random.RandomState(42).randint(0, k, size=len(test_rows))
    return [breakdown(test_rows, picks) for picks in (oracle, strongest, cheapest, per_ds, random)]


times = []
for _ in range(30):
    t = time.perf_counter()
    baselines()
    times.append(time.perf_counter() - t)
print(f"numpy/pandas: all five baselines with per-dataset breakdown median {statistics.median(times)*1e3:.2f} ms "
      f"(min {min(times)*1e3:.2f} ms) over {len(times)} runs")
