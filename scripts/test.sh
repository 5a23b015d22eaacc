#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (CPU only; no GPU needed).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/build.sh
echo "build took $(( $(date +%s) - start )) s"
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
