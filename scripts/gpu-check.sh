#!/usr/bin/env bash
# The GPU check: builds avflow against the CUDA LibTorch of the machine's
# PyTorch (with avflow's own CUDA kernels), runs every [cuda] test case and
# measures the GPU path against its references, in one go:
#   - the training step at the paper's shapes (bf16, channels-last, B = 64
#     and the largest batch that fits) against the eager PyTorch reference
#     (bench/reference/train_step_reference.py), with TFLOP/s and MFU;
#   - the fused CUDA clip_augment against the unfused LibTorch composition;
#   - mel on CUDA against torchaudio's MelSpectrogram on the same GPU;
#   - (full run) the whole pretraining pipeline against the step fed
#     resident tensors.
#
#   bash scripts/gpu-check.sh [--quick] LOG_DIR
#     --quick: the three headline comparisons at short durations and no
#     pipeline run (about 5 minutes with the build); the full run takes
#     about 8. LOG_DIR receives gpu-check.log (the summary and every table)
#     and build.log.
#   bash scripts/gpu-check.sh --debs
#     prints the Debian packages to carry beyond ../shared/gpu/fetch-debs.sh's:
#       bash ../shared/gpu/fetch-debs.sh $(bash scripts/gpu-check.sh --debs)
#
# On the GPU machine, from the repository root with .gpudebs beside it (the
# script sources .gpudebs/env.sh itself). Exit status: 0 when everything
# built, every CUDA case ran (none skipped for want of a GPU) and passed.
set -uo pipefail
cd "$(dirname "$0")/.."

# Debian 12 packages avflow needs beyond fetch-debs.sh's list: cairo (the plot
# operator) with every -dev package its cairo.pc requires, and their
# libraries; libjpeg-turbo's TurboJPEG API (shards); the RTSP server library
# of the live tests. (Boost, the status endpoint's, is on the GPU machine
# already: 1.83.)
extra_debs=(
  libcairo2-dev libpixman-1-dev libfontconfig-dev libfreetype-dev libpng-dev libbrotli-dev libexpat1-dev
  libx11-dev libxau-dev libxdmcp-dev libxcb1-dev libxcb-render0-dev libxcb-shm0-dev libxext-dev
  libxrender-dev x11proto-dev
  libcairo2 libpixman-1-0 libfontconfig1 fontconfig-config fonts-dejavu-core libfreetype6 libpng16-16
  libbrotli1 libexpat1 libx11-6 libx11-data libxau6 libxdmcp6 libbsd0 libmd0 libxcb1 libxcb-render0
  libxcb-shm0 libxext6 libxrender1
  libturbojpeg0 libturbojpeg0-dev
  libgstrtspserver-1.0-dev libgstrtspserver-1.0-0 gstreamer1.0-rtsp
)
quick=0
case "${1:-}" in
  --debs) echo "${extra_debs[@]}"; exit 0 ;;
  --quick) quick=1; shift ;;
esac
if [ $# -ne 1 ]; then
  echo "usage: bash scripts/gpu-check.sh [--quick] LOG_DIR  |  bash scripts/gpu-check.sh --debs" >&2
  exit 2
fi
logs=$1
mkdir -p "$logs"
log=$logs/gpu-check.log
exec > >(tee "$log") 2>&1
[ -f .gpudebs/env.sh ] && . .gpudebs/env.sh
# cairo's text goes through fontconfig: on a machine without fonts of its
# own, let the carried fontconfig read its configuration and DejaVu fonts.
[ -f /etc/fonts/fonts.conf ] || [ ! -d /opt/avdeps/etc/fonts ] || export FONTCONFIG_SYSROOT=/opt/avdeps

t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*"; }
failures=()
fail() { failures+=("$1"); echo "FAILED: $1"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpu", torch.cuda.get_device_name(0))' || true
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')

# Build only what the check runs, on every core.
targets=(avflow model_tests ddp_worker operator_tests bench_train_step_throughput bench_video_augment_throughput
         bench_mel_throughput)
[ $quick = 1 ] || targets+=(bench_pipeline_feed)
stamp "configure and build: ${targets[*]}"
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix;${CMAKE_PREFIX_PATH:-}" \
  > "$logs/build.log" 2>&1 || { tail -40 "$logs/build.log"; echo "GPU CONFIGURE FAILED"; exit 1; }
grep -E "^-- avflow" "$logs/build.log"
if ! cmake --build build-gpu -j "$(nproc)" --target "${targets[@]}" >> "$logs/build.log" 2>&1; then
  grep -E "error|FAILED" "$logs/build.log" | head -40
  echo "GPU BUILD FAILED"
  exit 1
fi
stamp "built"

# Every [cuda] case must run here: a case that skips says "CUDA not available".
for suite in model/model_tests operators/operator_tests; do
  stamp "$suite [cuda]"
  out=$(build-gpu/tests/$suite "[cuda]" 2>&1)
  status=$?
  echo "$out" | grep -vE '^\s*$' | tail -25
  [ $status = 0 ] || fail "$suite [cuda]: exit $status"
  if echo "$out" | grep -q "CUDA not available"; then fail "$suite [cuda]: a CUDA case skipped"; fi
done

bench() {  # bench NAME ARGS...: runs one benchmark, a failure is recorded
  stamp "== $*"
  "$@" || fail "$*: exit $?"
}
reference() {  # the PyTorch references need torchvision / torchaudio
  stamp "== python3 $*"
  python3 "$@" || fail "python3 $*: exit $?"
}

if [ $quick = 1 ]; then
  bench build-gpu/bench/bench_train_step_throughput 5 --cuda-only --bf16-channels-last --batches 128
  reference bench/reference/train_step_reference.py --batch 64 --seconds 5 --bf16 --channels-last
  reference bench/reference/train_step_reference.py --batch 64 --seconds 5 --bf16 --channels-last --cudnn-benchmark
  reference bench/reference/train_step_reference.py --batch 128 --seconds 5 --bf16 --channels-last --cudnn-benchmark
  bench build-gpu/bench/bench_video_augment_throughput 1 32 --cuda-only
  bench build-gpu/bench/bench_mel_throughput 0.5 --cuda-only
  reference bench/reference/mel_reference.py --seconds 1
else
  # B = 64 in both layouts and precisions, then 128 and 256 (256 fits in an
  # H200's memory; the rows stop at the first batch that does not).
  bench build-gpu/bench/bench_train_step_throughput 5 --cuda-only --batches 128,256
  reference bench/reference/train_step_reference.py --batch 64 --seconds 5 --bf16 --channels-last
  for batch in 64 128 256; do
    reference bench/reference/train_step_reference.py --batch $batch --seconds 5 --bf16 --channels-last --cudnn-benchmark
  done
  bench build-gpu/bench/bench_video_augment_throughput 1 1 32 128 --cuda-only
  bench build-gpu/bench/bench_mel_throughput 0.5 --cuda-only
  reference bench/reference/mel_reference.py --seconds 1
  bench build-gpu/bench/bench_pipeline_feed 16 --cuda-only
fi

stamp "done"
if [ ${#failures[@]} -gt 0 ]; then
  echo "GPU CHECK FAILED (${#failures[@]}):"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "GPU CHECK PASSED"
