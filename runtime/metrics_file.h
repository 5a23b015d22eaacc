// Reading a run's metrics back: the JSON lines the jsonl sink writes
// ({"step":3,"time":...,"loss":2.1,...}, one object of numbers per line).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace avflow::cli {

struct MetricsRow {
  int64_t step = 0;
  std::vector<std::pair<std::string, double>> values;  // every key but step; null reads as NaN
};

// Throws std::runtime_error naming FILE:LINE for a line that is not such an
// object, and the file when it cannot be read. Blank lines are skipped; a
// last line cut off mid-way (a killed run) is skipped with the count in
// `*truncated` when given.
std::vector<MetricsRow> read_metrics_jsonl(const std::string& path, int* truncated = nullptr);

}  // namespace avflow::cli
