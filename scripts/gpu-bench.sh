#!/bin/sh
# The GPU comparison of BENCHMARKS.md as one prepared run, for a machine with a GPU and no package
# registry (such as the project's lent NVIDIA machine):
#
#   here:   cargo bench -p vlrb-gpu --bench routers --no-run   (prints the bench binary's path)
#           then copy that binary to the GPU machine as target/gpu-bench/routers
#   there:  sh scripts/gpu-bench.sh [quick]
#
# Runs the wgpu training epochs and kNN search (Vulkan on the GPU), then PyTorch on CUDA with the
# same sizes when python3 has torch with CUDA; each prints its figures and the device it used.
set -u
cd "$(dirname "$0")/.."
BIN=${BENCH_BIN:-target/gpu-bench/routers}
size=${1:-}
echo "== wgpu (vlrb-gpu) =="
if [ -x "$BIN" ]; then
    "$BIN" gpu $size || echo "wgpu run failed"
else
    echo "no bench binary at $BIN (see the header of this script)"
fi
echo "== PyTorch (CUDA) =="
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    python3 -c 'import torch; print(torch.__version__, torch.cuda.get_device_name(0))'
    python3 benches/compare.py cuda $size || echo "PyTorch run failed"
else
    echo "python3 has no torch with CUDA here"
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null || true
