#!/usr/bin/env bash
# Fuzzes avflow's parsers of untrusted input with libFuzzer (Debian's clang),
# each target for a bounded time, under AddressSanitizer and UBSan.
#
#   bash scripts/fuzz.sh [SECONDS] [LOG_DIR] [TARGET...]
#
# SECONDS per target (default 60); LOG_DIR gets each target's libFuzzer log
# and the table below (default build-fuzz/logs); TARGETs default to all of
# tests/fuzz (graph, catalogue_manifest, dataset_layouts, shard,
# encoder_options, status_http).
#
# Each target starts from its saved corpus (tests/fuzz/corpus/NAME) and keeps
# what it finds in build-fuzz/corpus/NAME. A crash, leak, hang (over 10 s
# an input) or an allocation over 1 GiB stops that target and leaves its
# input in build-fuzz/artifacts/NAME/; fix the bug and copy the input into
# tests/fuzz/corpus/NAME/ as a regression input (CI replays every one).
# Prints a table: executions, coverage (edges) and features, corpus size
# and the result per target. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
logs=${1:-build-fuzz/logs}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(graph catalogue_manifest dataset_layouts shard encoder_options status_http)

bash scripts/setup-debian.sh
command -v clang++ > /dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends clang; }
if ! clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a | grep -q /; then
  echo "fuzz: clang has no libFuzzer runtime (install Debian's clang)" >&2
  exit 2
fi

build=build-fuzz
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer"
mkdir -p "$build"
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DAVFLOW_FUZZ=ON -DAVFLOW_CUDA_KERNELS=OFF -DAVFLOW_BUILD_BENCH=OFF > "$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" --target fuzz_targets

mkdir -p "$logs"
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
table="$logs/fuzz-table.md"
{
  echo "| target | seconds | executions | coverage (edges) | features | corpus | result |"
  echo "|---|---|---|---|---|---|---|"
} > "$table"
failed=0
for t in "${targets[@]}"; do
  exe=$build/fuzz/fuzz_$t
  [ -x "$exe" ] || { echo "fuzz: no target '$t'" >&2; exit 2; }
  work=$build/corpus/$t
  artifacts=$build/artifacts/$t/
  mkdir -p "$work" "$artifacts"
  log=$logs/$t.log
  echo "fuzz: $t for $seconds s (log $log)"
  set +e
  "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "tests/fuzz/corpus/$t" > "$log" 2>&1
  status=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<< "$last" | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' <<< "$last" | grep -o '[0-9]*' || true)
  corp=$(grep -o 'corp: [0-9]*' <<< "$last" | grep -o '[0-9]*' || true)
  if [ "$status" -eq 0 ]; then
    result="clean"
  else
    failed=1
    artifact=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //' || true)
    kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer|UndefinedBehaviorSanitizer)[^(]*|runtime error:.*|Too many open files' "$log" | head -1 || true)
    result="FAILED ($status): ${kind:-see log} ${artifact}"
  fi
  echo "| $t | $seconds | ${execs:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $result |" >> "$table"
done
cat "$table"
exit "$failed"
