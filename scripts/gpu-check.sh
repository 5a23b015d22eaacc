#!/usr/bin/env bash
# Builds avflow against the CUDA LibTorch of the GPU machine's PyTorch and runs
# the test suite and the benchmarks, in one call. Run it on the lent GPU
# machine from the repository root, after `bash ../shared/gpu/fetch-debs.sh`
# here, carrying .gpudebs:  . .gpudebs/env.sh && bash scripts/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
start=$(date +%s)
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S . -B build-gpu "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" 2>&1 | tail -3
cmake --build build-gpu -j "$(nproc)"
echo "gpu build took $(( $(date +%s) - start )) s"
(cd build-gpu && ctest --output-on-failure -j 8 --timeout 600)
for b in build-gpu/bench/bench_*; do
  [ -x "$b" ] && { echo "== $b"; "$b"; }
done
