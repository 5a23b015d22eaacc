#!/usr/bin/env bash
# Builds the whole tree with a sanitizer and runs the test suite under it.
#
#   bash scripts/sanitize.sh MODE [LOG_DIR] [-- CTEST_ARGS...]
#
# MODE is address (ASan with LeakSanitizer), undefined (UBSan), thread
# (TSan) or address+undefined (both in one build). Each mode builds into
# build-sanitize-MODE/ (about as long as a clean build: every object differs).
# A finding fails the test that made it; the log of the ctest run goes to
# LOG_DIR (default build-sanitize-MODE/logs) with the run time at its end.
# Too slow for CI on 2 cores; run it before changing concurrent code (the
# flow graph executor, the HTTP servers, the distributed step).
#
# Suppressions (scripts/sanitizers/*.supp) are for code that is not ours and
# not rebuilt with the sanitizer; each entry says why it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: scripts/sanitize.sh address|undefined|thread|address+undefined [LOG_DIR] [-- CTEST_ARGS...]}
shift
logs=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then logs=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift

case "$mode" in
  address) flags="-fsanitize=address" ;;
  undefined) flags="-fsanitize=undefined -fno-sanitize=vptr" ;;
  thread) flags="-fsanitize=thread" ;;
  address+undefined) flags="-fsanitize=address,undefined -fno-sanitize=vptr" ;;
  *) echo "sanitize: unknown mode '$mode' (address, undefined, thread or address+undefined)" >&2; exit 2 ;;
esac
# vptr checks need RTTI of every class that crosses a library boundary,
# which Debian's LibTorch and GStreamer do not give UBSan; the other checks
# (overflow, shifts, alignment, bounds, null, enum, bool) all stay on.
flags="$flags -fno-omit-frame-pointer -O1 -g1"

build=build-sanitize-$mode
logs=${logs:-$build/logs}
bash scripts/setup-debian.sh
supp=$PWD/scripts/sanitizers
# Findings abort the process that made them, so the test that ran it fails.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp:${UBSAN_OPTIONS:-}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$supp/tsan.supp:${TSAN_OPTIONS:-}"

# TSan needs TBB itself instrumented (scripts/sanitizers/build-tbb-thread.sh
# says why): the programs of this build find it first through their run path,
# which the ordinary build/avflow that some scripts call does not have.
link_flags=$flags
if [ "$mode" = thread ]; then
  tbb_lib=$(bash scripts/sanitizers/build-tbb-thread.sh "$build/tbb-thread")
  link_flags="$flags -Wl,-rpath,$tbb_lib"
fi

start=$(date +%s)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$link_flags" -DCMAKE_SHARED_LINKER_FLAGS="$link_flags" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-DNDEBUG" -DAVFLOW_CUDA_KERNELS=OFF -DAVFLOW_BUILD_BENCH=OFF -DAVFLOW_TEST_TIMEOUT=1500
cmake --build "$build" -j "$(nproc)"
built=$(date +%s)
mkdir -p "$logs"
set +e
(cd "$build" && ctest --output-on-failure -j "$(nproc)" --timeout 1800 "$@") 2>&1 | tee "$logs/ctest-$mode.log"
status=${PIPESTATUS[0]}
set -e
done_at=$(date +%s)
echo "sanitize $mode: build $((built - start)) s, tests $((done_at - built)) s, exit $status" | tee -a "$logs/ctest-$mode.log"
exit "$status"
