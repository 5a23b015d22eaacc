#!/usr/bin/env bash
# Installs what avflow needs (Debian 12, idempotent) and builds it into build/.
# Extra CMake arguments pass through, e.g. -DCMAKE_PREFIX_PATH=... for a CUDA
# LibTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
jobs=$(nproc)
cmake -S . -B build -G Ninja "$@"
cmake --build build -j "$jobs"
