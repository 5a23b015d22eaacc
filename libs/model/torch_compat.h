// The few LibTorch C++ APIs that differ between the versions avflow builds
// against: Debian 12's CPU LibTorch 1.13 and the CUDA LibTorch 2.x of a GPU
// machine's PyTorch. Everything version-dependent is decided here, so the
// rest of the code reads the same on both.
#pragma once

#include <torch/version.h>

// 2.x: autocast takes the device type (is_autocast_enabled(device), ...);
// 1.13 has one function per device (is_enabled for CUDA, is_cpu_enabled).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define AVFLOW_AUTOCAST_BY_DEVICE 1
#endif

// 2.x: the c10d backends (ProcessGroupGloo, ProcessGroupNCCL) derive from
// c10d::Backend; in 1.13 they were ProcessGroups themselves. Both bases
// offer the collectives avflow calls (broadcast, allreduce, allgather).
#if TORCH_VERSION_MAJOR >= 2
#define AVFLOW_C10D_BACKEND_BASE 1
#endif

#ifdef AVFLOW_C10D_INCLUDE
#ifdef AVFLOW_C10D_BACKEND_BASE
#include <torch/csrc/distributed/c10d/Backend.hpp>
namespace avflow::model {
using CollectiveBackend = c10d::Backend;
}
#else
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
namespace avflow::model {
using CollectiveBackend = c10d::ProcessGroup;
}
#endif
#endif
