// Keeps large buffers in the heap. glibc serves every allocation above 32 MiB
// with a fresh mmap and unmaps it on free, so a training step that allocates
// its activations anew each step page-faults through gigabytes of zeroed
// memory every step: 13x slower on the quickstart model
// (bench/train_step_throughput.cpp prints both). With mmap off and trimming
// off, freed blocks are reused, as PyTorch's caching allocators do on GPUs;
// the cost is that the process keeps its peak heap.
//
// All threads share glibc's main arena too. A thread other than main gets an
// arena of 64 MiB mmapped heaps, and glibc unmaps such a heap as soon as it
// is empty whatever the trim threshold says; when a graph's trainer landed on
// a worker thread, every step faulted its activations in again (quickstart:
// 12.7 M page faults and 110 s instead of 1.1 M and 33 s, decided by which
// thread ran the first step). One arena costs a lock shared by a few threads.
// AVFLOW_SYSTEM_MALLOC=1 leaves glibc's defaults alone.
#pragma once

namespace avflow::cli {

// Sets glibc's malloc to keep and reuse large blocks (true) or back to its
// defaults (false). Returns false where the allocator refused.
bool keep_large_blocks_in_heap(bool keep);

// keep_large_blocks_in_heap(true) unless AVFLOW_SYSTEM_MALLOC is set.
void tune_heap_from_environment();

}  // namespace avflow::cli
