// Prepared shards written directly, for the tests of what reads them (the
// sampler, shard_reader, the clip-group transforms): tiny snippets of 16 x 16
// frames and 1920 audio samples whose values say where they come from.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace avflow::test {

struct TestShard {
  std::string title;
  std::string show;      // empty for a movie
  int64_t snippets = 1;  // M_n
  int64_t frames = 2;    // T
  // Every pixel of frame t of snippet m; every sample i of snippet m's audio.
  std::function<uint8_t(int64_t m, int64_t t)> pixel = [](int64_t, int64_t) { return uint8_t{0}; };
  std::function<float(int64_t m, int64_t i)> sample = [](int64_t, int64_t) { return 0.f; };
  std::vector<int64_t> scene_starts;  // empty: no scenes detected
};

inline constexpr int64_t kTestShardSamples = 1920;

// Writes the shard of `shard.title` under `dir` (shard_path's layout).
void write_test_shard(const std::filesystem::path& dir, const TestShard& shard);

}  // namespace avflow::test
