#!/usr/bin/env bash
# Installs, builds and runs the main job on the embedded demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/avflow run graphs/demo.toml --metrics "$@"
