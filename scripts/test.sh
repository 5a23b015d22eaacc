#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (CPU only; no GPU needed).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/build.sh
echo "build took $(( $(date +%s) - start )) s"
# Where the CUDA toolkit is installed: the whole tree also compiles and links
# against the GPU machines' CUDA LibTorch (nothing of it runs here).
bash scripts/check-torch-cuda.sh
# PyTorch's own launcher, for the test that starts avflow under torchrun.
bash scripts/setup-torchrun.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
