// Whole numbers from the environment (torchrun's RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_PORT, ...), read by one rule wherever they are read:
// unset or empty means "not given"; anything else must be a whole number in
// range, or it is refused with the variable's name and value.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

namespace avflow {

// Looks a variable up by name (nullptr when unset); std::getenv by default,
// a map in tests.
using EnvLookup = std::function<const char*(const char*)>;

// $name as a whole number in [lo, hi]; empty when unset or empty. Throws
// std::invalid_argument "environment variable NAME must be a whole number in
// [lo, hi], not 'TEXT'".
std::optional<int64_t> env_whole_number(const char* name, int64_t lo, int64_t hi, const EnvLookup& lookup = nullptr);

}  // namespace avflow
