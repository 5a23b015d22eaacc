#include "engine/env_number.h"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace avflow {

std::optional<int64_t> env_whole_number(const char* name, int64_t lo, int64_t hi, const EnvLookup& lookup) {
  const char* text = lookup ? lookup(name) : std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  const std::string_view s(text);
  int64_t value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc() || end != s.data() + s.size() || value < lo || value > hi)
    throw std::invalid_argument("environment variable " + std::string(name) + " must be a whole number in [" +
                                std::to_string(lo) + ", " + std::to_string(hi) + "], not '" + text + "'");
  return value;
}

}  // namespace avflow
