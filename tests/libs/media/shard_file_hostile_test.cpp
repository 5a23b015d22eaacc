// ShardFile against shards whose checksums hold but whose fields lie (what
// fuzzing found: tests/fuzz/corpus/shard/crash-*): refused as corrupt,
// naming the file, before anything is allocated from the lying field.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <vector>

#include "libs/media/shard/crc32.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_writer.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
namespace fs = std::filesystem;

namespace {

shard::Header small_header() {
  shard::Header h;
  h.title = "film";
  h.frames = 2;
  h.width = 16;
  h.height = 16;
  h.sample_rate = 8000;
  return h;
}

Snippet small_snippet(int64_t m) {
  Snippet s;
  s.title = "film";
  s.index = m;
  s.video = Tensor(at::full({2, 16, 16, 3}, 40 * (m + 1), at::kByte));
  s.audio = Tensor(at::zeros({800}, at::kFloat));
  return s;
}

// A whole shard of `snippets` small snippets; `extra` adds to it before it is sealed.
void write_small_shard(const fs::path& p, int snippets, const std::function<void(ShardWriter&)>& extra = nullptr) {
  ShardWriter w(p, small_header());
  for (int m = 0; m < snippets; ++m) w.add(small_snippet(m));
  if (extra) extra(w);
  w.finish();
}

std::vector<uint8_t> bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& p, const std::vector<uint8_t>& b) {
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(b.data()), b.size());
}

// Sets snippet 0's index entry and re-seals the index CRC, as a writer with
// a bug (or an attacker) would leave it.
void rewrite_first_entry(const fs::path& p, uint64_t offset, uint64_t bytes) {
  std::vector<uint8_t> b = bytes_of(p);
  const size_t foot = b.size() - shard::kFooterBytes;
  uint64_t index_offset = 0;
  std::memcpy(&index_offset, b.data() + foot, 8);
  std::memcpy(b.data() + index_offset + 4, &offset, 8);
  std::memcpy(b.data() + index_offset + 12, &bytes, 8);
  const uint32_t crc = crc32(b.data() + index_offset, foot - index_offset);
  std::memcpy(b.data() + foot + 8, &crc, 4);
  write_bytes(p, b);
}

}  // namespace

TEST_CASE("a shard whose header claims frames too large to decode is refused when opened", "[media][shards][hostile]") {
  test::TempDir dir;
  const fs::path p = fs::path(dir.path()) / "film.avshard";
  shard::Header h = small_header();
  h.width = 60000;
  h.height = 60000;  // 10.8 GB a frame
  ShardWriter w(p, h);
  w.finish();
  CHECK_THROWS_WITH(ShardFile(p), Catch::Contains("film.avshard") && Catch::Contains("implausible header") &&
                                      Catch::Contains("60000x60000"));
}

TEST_CASE("an index entry whose offset and size wrap around is refused, not read", "[media][shards][hostile]") {
  test::TempDir dir;
  const fs::path p = fs::path(dir.path()) / "film.avshard";
  write_small_shard(p, 2);
  REQUIRE(ShardFile(p).count() == 2);
  rewrite_first_entry(p, ~uint64_t{0} - 7, 64);  // offset + bytes wraps to 56
  CHECK_THROWS_WITH(ShardFile(p), Catch::Contains("film.avshard") && Catch::Contains("lies outside the records"));
}

TEST_CASE("a record shorter than its frames say is refused before its frames are allocated",
          "[media][shards][hostile]") {
  test::TempDir dir;
  const fs::path p = fs::path(dir.path()) / "film.avshard";
  write_small_shard(p, 1);
  const ShardFile whole(p);
  const auto entry = whole.record(0);
  rewrite_first_entry(p, entry.offset, 6);  // the first frame's length and two bytes of it
  std::vector<uint8_t> b = bytes_of(p);
  // Re-seal the record's own CRC too, so that only the length lies.
  const uint32_t crc = crc32(b.data() + entry.offset, 6);
  const size_t foot = b.size() - shard::kFooterBytes;
  uint64_t index_offset = 0;
  std::memcpy(&index_offset, b.data() + foot, 8);
  std::memcpy(b.data() + index_offset + 20, &crc, 4);
  const uint32_t index_crc = crc32(b.data() + index_offset, foot - index_offset);
  std::memcpy(b.data() + foot + 8, &index_crc, 4);
  write_bytes(p, b);
  const ShardFile cut(p);
  CHECK_THROWS_WITH(cut.read(0), Catch::Contains("film.avshard") && Catch::Contains("snippet 0"));
}

TEST_CASE("the sections after the index read back, and an unknown one is refused", "[media][shards][hostile]") {
  test::TempDir dir;
  const fs::path p = fs::path(dir.path()) / "film.avshard";
  write_small_shard(p, 2, [](ShardWriter& w) {
    w.set_scene_starts({1});
    w.set_source({123456789, 1796450000123456789});
  });
  {
    const ShardFile whole(p);
    CHECK(whole.scene_starts() == std::vector<int64_t>{1});
    REQUIRE(whole.source().has_value());
    CHECK(whole.source()->bytes == 123456789);
    CHECK(whole.source()->modified_ns == 1796450000123456789);
  }
  // The source section's tag renamed, the index re-sealed: a section this
  // reader does not know is refused rather than skipped over.
  std::vector<uint8_t> b = bytes_of(p);
  const size_t foot = b.size() - shard::kFooterBytes;
  const size_t tag = foot - 16 - 4;
  REQUIRE(std::memcmp(b.data() + tag, shard::kSourceTag, 4) == 0);
  std::memcpy(b.data() + tag, "JUNK", 4);
  uint64_t index_offset = 0;
  std::memcpy(&index_offset, b.data() + foot, 8);
  const uint32_t crc = crc32(b.data() + index_offset, foot - index_offset);
  std::memcpy(b.data() + foot + 8, &crc, 4);
  write_bytes(p, b);
  CHECK_THROWS_WITH(ShardFile(p), Catch::Contains("film.avshard") && Catch::Contains("unknown or repeated section"));
}

TEST_CASE("the timeline section reads back once, and a shard without it has none", "[media][shards][hostile]") {
  test::TempDir dir;
  const fs::path with = fs::path(dir.path()) / "with.avshard", without = fs::path(dir.path()) / "without.avshard";
  write_small_shard(with, 2, [](ShardWriter& w) { w.set_timeline(3); });
  write_small_shard(without, 2, [](ShardWriter&) {});
  CHECK(ShardFile(with).timeline() == 3u);
  CHECK_FALSE(ShardFile(without).timeline());
  // The section twice, the index re-sealed: refused.
  std::vector<uint8_t> b = bytes_of(with);
  const size_t foot = b.size() - shard::kFooterBytes;
  const std::vector<uint8_t> section(b.begin() + static_cast<std::ptrdiff_t>(foot - 8), b.begin() + static_cast<std::ptrdiff_t>(foot));
  REQUIRE(std::memcmp(section.data(), shard::kTimelineTag, 4) == 0);
  std::vector<uint8_t> footer(b.begin() + static_cast<std::ptrdiff_t>(foot), b.end());
  b.resize(foot);
  b.insert(b.end(), section.begin(), section.end());
  uint64_t index_offset = 0;
  std::memcpy(&index_offset, footer.data(), 8);
  const uint32_t crc = crc32(b.data() + index_offset, b.size() - index_offset);
  std::memcpy(footer.data() + 8, &crc, 4);
  b.insert(b.end(), footer.begin(), footer.end());
  write_bytes(with, b);
  CHECK_THROWS_WITH(ShardFile(with), Catch::Contains("with.avshard") && Catch::Contains("unknown or repeated section"));
}

TEST_CASE("opening a corrupt shard keeps no file descriptor open", "[media][shards][hostile]") {
  // Found by fuzzing: the descriptor of every refused shard stayed open,
  // until a long run (or the fuzzer) had no descriptors left.
  test::TempDir dir;
  const fs::path p = fs::path(dir.path()) / "film.avshard";
  std::ofstream(p, std::ios::binary) << std::string(4096, 'x');
  auto open_descriptors = [] {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
  };
  const size_t before = open_descriptors();
  for (int i = 0; i < 100; ++i) CHECK_THROWS_WITH(ShardFile(p), Catch::Contains("corrupt shard"));
  CHECK(open_descriptors() == before);
}
