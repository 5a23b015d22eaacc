#!/usr/bin/env bash
# Temporal self-supervision on demo data: installs, builds, writes the demo
# catalogue with an arrow of time (once; `avflow demo-catalogue
# --arrow-of-time`: night falls over each title, scenes fade to dusk,
# bounces ripple and ring out, so a clip played backwards differs from one
# played forwards and a later clip from an earlier one), prepares its
# shards (once) and trains graphs/quickstart_temporal.toml on them. Metrics
# and plots go to build/quickstart_temporal/. Extra arguments go to
# `avflow run` (e.g. --resume, or --set train.loss_weights=[...]).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
build/avflow demo-catalogue build/demo-data-temporal --arrow-of-time
build/avflow run graphs/prepare.toml --set titles.catalogue=build/demo-data-temporal \
  --set prepare.out=build/demo-temporal-prepared
mkdir -p build/quickstart_temporal
exec build/avflow run graphs/quickstart_temporal.toml --run-dir build/quickstart_temporal "$@"
