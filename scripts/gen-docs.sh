#!/usr/bin/env bash
# Regenerates docs/operators.md from the operators' own declarations.
set -euo pipefail
cd "$(dirname "$0")/.."
build/avflow ops --markdown > docs/operators.md
echo "wrote docs/operators.md"
