#!/usr/bin/env bash
# Compiles and links the whole tree (avflow's CUDA kernels included) against
# the CUDA LibTorch that the GPU machines' PyTorch ships -- torch 2.11.0 with
# CUDA 13.0, from PyPI -- on a machine with the CUDA toolkit but no GPU, so
# that an API difference between Debian's LibTorch 1.13 and 2.x shows up
# here rather than in a GPU machine's scarce minutes. Nothing is run: the
# wheel's CUDA libraries (cuDNN, cuSPARSELt, NVSHMEM, ...) are not installed
# here, so the links allow symbols the shared libraries leave undefined.
#
#   bash scripts/check-torch-cuda.sh [BUILD_DIR]      (default build-torch-cuda)
#
# Skips, saying why, where there is no nvcc (no CUDA toolkit). The wheel's
# headers and libraries are kept in .cache/torch-VERSION between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-torch-cuda}
version=${AVFLOW_TORCH_CUDA_VERSION:-2.11.0}
nvcc=$(command -v nvcc || true)
[ -n "$nvcc" ] || [ ! -x /usr/local/cuda/bin/nvcc ] || nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  echo "check-torch-cuda: skipped (no nvcc: the CUDA toolkit is not installed)"
  exit 0
fi
torch=.cache/torch-$version
if [ ! -f "$torch/torch/share/cmake/Torch/TorchConfig.cmake" ]; then
  command -v unzip > /dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends unzip; }
  python3 -m pip --version > /dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-pip; }
  wheels=$(mktemp -d)
  echo "check-torch-cuda: downloading torch==$version (about 530 MB)"
  python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_28_x86_64 \
    --python-version 3.11 -d "$wheels" "torch==$version"
  mkdir -p "$(dirname "$torch")"
  rm -rf "$torch.partial"
  unzip -q "$wheels"/torch-*.whl 'torch/include/*' 'torch/lib/*' 'torch/share/*' 'torch/version.py' -d "$torch.partial"
  rm -rf "$wheels" "$torch"
  mv "$torch.partial" "$torch"
fi
echo "check-torch-cuda: $(grep -E "^__version__" "$torch/torch/version.py")"
start=$(date +%s)
# TORCH_CUDA_ARCH_LIST: Hopper, as on the GPU machines.
mkdir -p "$build"
TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0} cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$PWD/$torch/torch;$PWD/$torch/torch/share/cmake" -DCMAKE_CUDA_COMPILER="$nvcc" \
  -DCMAKE_EXE_LINKER_FLAGS=-Wl,--allow-shlib-undefined -DCMAKE_SHARED_LINKER_FLAGS=-Wl,--allow-shlib-undefined \
  -DAVFLOW_DISCOVER_TESTS=OFF \
  > "$build/configure.log" 2>&1 || { tail -30 "$build/configure.log"; exit 1; }
grep -E "^-- (Found Torch|avflow)" "$build/configure.log"
TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0} cmake --build "$build" -j "$(nproc)"
echo "check-torch-cuda: the whole tree builds against LibTorch $version with CUDA ($(( $(date +%s) - start )) s)"
