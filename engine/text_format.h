// Numbers and strings as JSON and TOML text, written the same way wherever
// avflow writes them (metrics rows, status pages, live results, resolved
// graphs).
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace avflow {

// The fewest digits (6 to 17) that read back as the same double.
inline std::string shortest_double(double d) {
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

// A quoted string with quotes, backslashes and control characters escaped
// (valid JSON, and a valid TOML basic string).
inline std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o += static_cast<char>(c);
    }
  }
  return o + "\"";
}

// JSON has no NaN or infinities: those are null.
inline std::string json_number(double v) { return std::isfinite(v) ? shortest_double(v) : "null"; }

}  // namespace avflow
