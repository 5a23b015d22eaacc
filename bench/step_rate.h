// Clips per second of the training step (forward, Eq. 1 loss, backward,
// Adam) on batches already on the device: the rate a data path that never
// makes the step wait would allow. bench_train_step_throughput prints it for
// several shapes; bench_pipeline_feed compares the whole pipeline with it.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace avflow::bench {

struct StepShape {
  int64_t width = 8, blocks = 1, dim = 64;  // the model: first-stage channels, blocks per stage, d
  int64_t batch = 16, frames = 16, crop = 158, mels = 96, mel_frames = 301;
  bool bf16 = false;           // forward under bf16 autocast (train_step precision = bf16)
  bool channels_last = false;  // train_step memory_format = channels_last
};

// Runs one warm-up step, then steps for at least `seconds` (and 2 steps).
double resident_clips_per_second(const StepShape& shape, const at::Device& device, double seconds);

}  // namespace avflow::bench
