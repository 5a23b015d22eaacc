#!/usr/bin/env bash
# Installs, builds and runs the main job on the embedded demo data: writes the
# demo catalogue into build/demo-data (once; re-runs keep it) and runs
# graphs/demo.toml over it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
build/avflow demo-catalogue build/demo-data
exec build/avflow run graphs/demo.toml --metrics "$@"
