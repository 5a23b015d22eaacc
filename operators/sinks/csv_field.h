// A CSV field as spreadsheets and pandas read it: text with a comma, a quote
// or a line break is quoted, its quotes doubled.
#pragma once

#include <string>

namespace avflow::ops {

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

}  // namespace avflow::ops
