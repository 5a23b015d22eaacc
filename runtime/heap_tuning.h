// Keeps large buffers in the heap. glibc serves every allocation above 32 MiB
// with a fresh mmap and unmaps it on free, so a training step that allocates
// its activations anew each step page-faults through gigabytes of zeroed
// memory every step: 13x slower on the quickstart model
// (bench/train_step_throughput.cpp prints both). With mmap off and trimming
// off, freed blocks are reused, as PyTorch's caching allocators do on GPUs;
// the cost is that the process keeps its peak heap. AVFLOW_SYSTEM_MALLOC=1
// leaves glibc's defaults alone.
#pragma once

namespace avflow::cli {

// Sets glibc's malloc to keep and reuse large blocks (true) or back to its
// defaults (false). Returns false where the allocator refused.
bool keep_large_blocks_in_heap(bool keep);

// keep_large_blocks_in_heap(true) unless AVFLOW_SYSTEM_MALLOC is set.
void tune_heap_from_environment();

}  // namespace avflow::cli
