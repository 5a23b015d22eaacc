#!/usr/bin/env bash
# A torchrun 2.x -- PyTorch's launcher from torch 2.11.0 on PyPI -- in a
# virtual environment, for launching avflow the way PyTorch users launch
# their jobs (tests/runtime/torchrun_nodes_test.cpp). Debian's own torchrun
# (python3-torch 1.13) stops at start under Python 3.11, in its elastic
# agent. Idempotent: an environment that already runs is kept.
#
#   bash scripts/setup-torchrun.sh [DIR]       (default .cache/torchrun)
#   DIR/bin/torchrun --nnodes 2 --nproc-per-node 2 --rdzv-backend c10d ... --no-python build/avflow run ...
#
# The wheel is a CUDA build. Where the CUDA toolkit 13 provides the CUDA
# libraries it loads (cuBLAS, cuDNN, NCCL, ...), only the three it also needs
# (cuSPARSELt, NVSHMEM, cuFile, at the versions torch 2.11.0 names) come
# from PyPI (about 1 GB in all); elsewhere
# pip installs every one of the wheel's dependencies (several GB). Nothing of
# it runs on a GPU here: torchrun only starts processes and holds the
# rendezvous.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.cache/torchrun}
version=${AVFLOW_TORCHRUN_TORCH_VERSION:-2.11.0}
python=/usr/bin/python3

runs() { [ -x "$dir/bin/torchrun" ] && "$dir/bin/python" -c "import torch.distributed.run" > /dev/null 2>&1; }
if runs; then
  echo "setup-torchrun: $dir/bin/torchrun (torch $("$dir/bin/python" -c 'import torch; print(torch.__version__)' 2> /dev/null))"
  exit 0
fi

if ! "$python" -m venv --help > /dev/null 2>&1 || ! "$python" -c "import ensurepip" > /dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv
fi
rm -rf "$dir"
"$python" -m venv "$dir"
pip=("$dir/bin/python" -m pip install -q --disable-pip-version-check --only-binary=:all:)
has_library() { ldconfig -p | grep -q "$1"; }
if has_library libcublas.so.13 && has_library libcudnn.so.9 && has_library libnccl.so.2 && has_library libcudart.so.13; then
  echo "setup-torchrun: torch==$version with the CUDA toolkit's libraries into $dir" \
    "(pip then names the CUDA wheels left out as unmet requirements)"
  "${pip[@]}" --no-deps "torch==$version"
  "${pip[@]}" filelock typing-extensions sympy networkx jinja2 fsspec numpy \
    nvidia-cusparselt-cu13==0.8.0 nvidia-nvshmem-cu13==3.4.5 nvidia-cufile==1.15.1.6
else
  echo "setup-torchrun: torch==$version and all of its CUDA libraries into $dir (several GB)"
  "${pip[@]}" "torch==$version" numpy
fi
runs || { echo "setup-torchrun: $dir/bin/torchrun does not start" >&2; exit 1; }
echo "setup-torchrun: $dir/bin/torchrun (torch $version)"
