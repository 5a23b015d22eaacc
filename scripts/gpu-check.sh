#!/usr/bin/env bash
# Builds avflow against the CUDA LibTorch of the GPU machine's PyTorch (with
# avflow's own CUDA kernels, nvcc being there), runs the whole test suite and
# every benchmark, in one call. Run it on the lent GPU machine from the
# repository root, after `bash ../shared/gpu/fetch-debs.sh` here, carrying
# .gpudebs:   . .gpudebs/env.sh && bash scripts/gpu-check.sh
# Logs go to $OUT (the device tool's return folder) when it is set.
set -uo pipefail
cd "$(dirname "$0")/.."
log=${OUT:-build-gpu}/gpu-check.log
mkdir -p "$(dirname "$log")"
exec > >(tee "$log") 2>&1
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' || true
start=$(date +%s)
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S . -B build-gpu "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix;${CMAKE_PREFIX_PATH:-}" \
  2>&1 | grep -E "avflow|Error|error|CUDA" || true
cmake --build build-gpu -j "$(nproc)" || { echo "GPU BUILD FAILED"; exit 1; }
echo "gpu build took $(( $(date +%s) - start )) s"
status=0
(cd build-gpu && ctest --output-on-failure -j 8 --timeout 600) || status=1
# The CUDA checks say "not checked" when they skip; on this machine they must run.
build-gpu/tests/operators/operator_tests "[cuda]" --success 2>&1 | grep -E "CUDA not available|passed|failed" | tail -5
for b in build-gpu/bench/bench_*; do
  [ -x "$b" ] && { echo "== $b"; "$b"; }
done
exit $status
