#!/usr/bin/env bash
# Regenerates docs/operators.md from the operators' own declarations.
#   scripts/gen-docs.sh [BUILD_DIR]    (default: build, where BUILD_DIR/avflow is)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
# Written beside and renamed, so a missing or failing program leaves the old file.
"$build_dir/avflow" ops --markdown > docs/operators.md.tmp || { rm -f docs/operators.md.tmp; exit 1; }
mv docs/operators.md.tmp docs/operators.md
echo "wrote docs/operators.md (from $build_dir/avflow)"
