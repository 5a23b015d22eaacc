// Wall-clock time of a metrics row, as metrics sinks write it: seconds since
// 1970-01-01 UTC with millisecond resolution ("1795000000.250").
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace avflow::ops {

inline std::string unix_time_text() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  return buf;
}

}  // namespace avflow::ops
