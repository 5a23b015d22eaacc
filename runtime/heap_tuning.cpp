#include "runtime/heap_tuning.h"

#include <malloc.h>

#include <string_view>

#include <cstdlib>

namespace avflow::cli {

bool keep_large_blocks_in_heap(bool keep) {
  // glibc's defaults: at most 65536 mmapped blocks, trim above 128 KiB,
  // arenas up to 8 per core (0 = that default).
  const bool mmap_ok = mallopt(M_MMAP_MAX, keep ? 0 : 65536) == 1;
  const bool trim_ok = mallopt(M_TRIM_THRESHOLD, keep ? 1 << 30 : 128 * 1024) == 1;
  const bool arena_ok = mallopt(M_ARENA_MAX, keep ? 1 : 0) == 1;
  return mmap_ok && trim_ok && arena_ok;
}

void tune_heap_from_environment() {
  if (const char* v = std::getenv("AVFLOW_SYSTEM_MALLOC"); v && *v && std::string_view(v) != "0") return;
  keep_large_blocks_in_heap(true);
}

}  // namespace avflow::cli
