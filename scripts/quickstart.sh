#!/usr/bin/env bash
# Installs, builds, writes the demo catalogue (once), prepares its shards with
# scene boundaries (once; re-runs reuse them), then trains the tiny model of
# graphs/quickstart.toml: about 5 minutes on 2 CPU cores. Metrics go to
# build/quickstart/metrics.jsonl, checkpoints and the exported encoders to
# build/quickstart/checkpoints, the resolved graph to build/quickstart/graph.toml
# (so `avflow export build/quickstart -o DIR` knows what the encoders take).
# Extra arguments go to `avflow run` (e.g. --resume to continue after Ctrl-C
# or a crash).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
build/avflow demo-catalogue build/demo-data
build/avflow run graphs/prepare.toml --set titles.catalogue=build/demo-data --set prepare.out=build/demo-prepared
mkdir -p build/quickstart
exec build/avflow run graphs/quickstart.toml --run-dir build/quickstart "$@"
