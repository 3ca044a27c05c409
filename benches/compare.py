"""Reference timings for the Routers section of BENCHMARKS.md, on the same machine and sizes as
`cargo bench -p vlrb-gpu --bench routers` (its CPU run; with `cuda`, its `gpu` run):

- PyTorch (2 threads): one epoch of the paper MLP (2048-2048-1024-17), the light MLP (2048-256-17)
  with Adam (lr 1e-3, weight decay 1e-4), batch 1024 shuffled; one full-batch Linear epoch
  (Adam lr 0.01, L2 0.5 * sum theta^2);
- scikit-learn brute-force cosine kNN (k=5, weights="distance"): kneighbors for 6,108 queries over
  21,378 x 2048.

With `cuda`, the same models train on the GPU (timed with synchronisation) and the kNN search is a
cosine top-k in PyTorch on the GPU instead of scikit-learn.

Setup: python3 -m venv venv && venv/bin/pip install numpy scikit-learn torch
Run:   venv/bin/python benches/compare.py [quick] [tiny] [cuda]
       venv/bin/python benches/compare.py gemm   (torch.mm at the shapes of
       `cargo bench -p vlrb-core --features threads --bench kernels`, median of 5, 2 threads)
"""
import sys
import time

import numpy as np
import torch
from sklearn.neighbors import KNeighborsClassifier

torch.set_num_threads(2)
scale = 64 if "tiny" in sys.argv else 8 if "quick" in sys.argv else 1
device = "cuda" if "cuda" in sys.argv else "cpu"
N, D, NQ, K = (21378 // scale, 2048, 6108 // scale, 17)
rng = np.random.default_rng(1)
X = torch.from_numpy(rng.uniform(-1, 1, (N, D)).astype(np.float32)).to(device)
Y = (torch.arange(N) % K).to(device)


def sync():
    if device == "cuda":
        torch.cuda.synchronize()


def epoch(model, opt, batch, l2=0.0):
    perm = (torch.randperm(N) if batch < N else torch.arange(N)).to(device)
    sync()
    start = time.perf_counter()
    for s in range(0, N, batch):
        idx = perm[s:s + batch]
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X[idx]), Y[idx])
        if l2:
            loss = loss + l2 * sum((p * p).sum() for p in model.parameters())
        loss.backward()
        opt.step()
    sync()
    return time.perf_counter() - start


def mlp(hidden):
    layers, width = [], D
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, K))
    return torch.nn.Sequential(*layers).to(device)


if "gemm" in sys.argv:
    for name, m, n, k, ta, tb in [
        ("paper X·W   1024x2048x2048", 1024, 2048, 2048, False, False),
        ("paper Xᵀ·G  2048x2048x1024", 2048, 2048, 1024, True, False),
        ("paper G·Wᵀ  1024x2048x2048", 1024, 2048, 2048, False, True),
        ("light X·W   1024x256x2048", 1024, 256, 2048, False, False),
        ("light Xᵀ·G  2048x256x1024", 2048, 256, 1024, True, False),
        ("out   X·W   1024x17x256", 1024, 17, 256, False, False),
        ("out   G·Wᵀ  1024x256x17", 1024, 256, 17, False, True),
        ("kNN   Q·Rᵀ  384x21378x2048", 384, 21378, 2048, False, True),
    ]:
        a = torch.rand(k, m) if ta else torch.rand(m, k)
        b = torch.rand(n, k) if tb else torch.rand(k, n)
        times = []
        cpu_start = time.process_time()
        for _ in range(5):
            start = time.perf_counter()
            torch.mm(a.T if ta else a, b.T if tb else b)
            times.append(time.perf_counter() - start)
        cpu = (time.process_time() - cpu_start) / 5
        t = sorted(times)[2]
        print(f"torch {name}: {t * 1e3:.2f} ms, {2 * m * n * k / t / 1e9:.1f} GFLOP/s, CPU {cpu * 1e3:.0f} ms")
    sys.exit(0)

print(f"device: {device}")
torch.manual_seed(42)
warm = mlp([64])
epoch(warm, torch.optim.Adam(warm.parameters(), lr=1e-3), 1024)


def two_epochs(model, opt, batch, l2=0.0):
    """The first and the second epoch's seconds, as `cargo bench --bench routers` prints them."""
    first = epoch(model, opt, batch, l2)
    return f"{first:.3f} s (second epoch {epoch(model, opt, batch, l2):.3f} s)"


lin = torch.nn.Linear(D, K).to(device)
print(f"torch linear full-batch epoch {N}x{D}: {two_epochs(lin, torch.optim.Adam(lin.parameters(), lr=0.01), N, l2=0.5)}")
light = mlp([256])
print(f"torch light MLP epoch: {two_epochs(light, torch.optim.Adam(light.parameters(), lr=1e-3, weight_decay=1e-4), 1024)}")
paper = mlp([2048, 1024])
print(f"torch paper MLP epoch: {two_epochs(paper, torch.optim.Adam(paper.parameters(), lr=1e-3, weight_decay=1e-4), 1024)}")

queries = rng.uniform(-1, 1, (NQ, D)).astype(np.float32)
if device == "cuda":
    sync()
    start = time.perf_counter()
    refs = torch.nn.functional.normalize(X, dim=1)
    q = torch.nn.functional.normalize(torch.from_numpy(queries).to(device), dim=1)
    torch.topk(q @ refs.T, 5, dim=1).indices.cpu()
    print(f"torch cuda cosine top-k k=5, {NQ} queries over {N}x{D}: {time.perf_counter() - start:.3f} s")
else:
    knn = KNeighborsClassifier(n_neighbors=5, metric="cosine", algorithm="brute", weights="distance", n_jobs=2)
    start = time.perf_counter()
    knn.fit(X.numpy(), Y.numpy())
    knn.kneighbors(queries)
    print(f"sklearn brute cosine kNN k=5, {NQ} queries over {N}x{D}: {time.perf_counter() - start:.3f} s")
