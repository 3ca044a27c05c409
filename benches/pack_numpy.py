"""The numpy/pyarrow way of packing an official-layout release, to set beside `vlrb pack` in
BENCHMARKS.md: read Y.npz, C.npy, cost_bounds.json, meta.parquet and every EMBEDDINGS/*/*.parquet,
align the embeddings to meta's sample order by id, and write one compressed archive
(np.savez_compressed). Prints the median wall time of a few runs and the archive's size.

Usage: python3 benches/pack_numpy.py RELEASE_DIR [RUNS]   (e.g. the folder `vlrb synth -o` writes)
"""
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

import numpy as np
import pyarrow.parquet as pq

root = pathlib.Path(sys.argv[1])
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def pack(out):
    y = np.load(root / "data/matrices/Y.npz")["Y"]
    c = np.load(root / "data/matrices/C.npy")
    bounds = json.loads((root / "data/matrices/cost_bounds.json").read_text())
    meta = pq.read_table(root / "data/registry/meta.parquet").to_pandas()
    position = {sid: i for i, sid in enumerate(meta["sample_id"])}
    arrays = {"Y": np.packbits(y.astype(bool), axis=1), "C": c}
    for path in sorted((root / "EMBEDDINGS").glob("*/*.parquet")):
        table = pq.read_table(path)
        ids = table.column("sample_id").to_pylist()
        flat = table.column("embedding").combine_chunks().flatten().to_numpy()
        emb = flat.reshape(len(ids), -1).astype(np.float32)
        order = np.fromiter((position[i] for i in ids), dtype=np.int64, count=len(ids))
        aligned = np.empty_like(emb)
        aligned[order] = emb
        arrays[f"{path.parent.name}/{path.stem}"] = aligned
    arrays["meta"] = meta[["sample_id", "dataset", "split"]].to_numpy(dtype=str)
    arrays["bounds"] = np.array([bounds["cmin"], bounds["cmax"]])
    np.savez_compressed(out, **arrays)


times = []
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "bundle.npz")
    for _ in range(runs):
        t = time.perf_counter()
        pack(out)
        times.append(time.perf_counter() - t)
    size = os.path.getsize(out)
print(
    f"numpy {np.__version__} + pyarrow: read, align and np.savez_compressed: median "
    f"{statistics.median(times):.2f} s (min {min(times):.2f} s) over {runs} runs; {size:,} bytes"
)
