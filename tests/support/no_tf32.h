// For tests that compare CUDA results with the CPU's: while a NoTf32 lives,
// cuDNN convolutions and cuBLAS products keep full float32 precision.
// Ampere and later GPUs otherwise run float32 convolutions in TF32 (10 bits
// of mantissa), whose rounding is far outside a 1e-3 comparison.
#pragma once

#include <ATen/Context.h>

namespace avflow::test {

class NoTf32 {
 public:
  NoTf32() : cudnn_(at::globalContext().allowTF32CuDNN()), cublas_(at::globalContext().allowTF32CuBLAS()) {
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
  }
  ~NoTf32() {
    at::globalContext().setAllowTF32CuDNN(cudnn_);
    at::globalContext().setAllowTF32CuBLAS(cublas_);
  }
  NoTf32(const NoTf32&) = delete;
  NoTf32& operator=(const NoTf32&) = delete;

 private:
  bool cudnn_, cublas_;
};

}  // namespace avflow::test
