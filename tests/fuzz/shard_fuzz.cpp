// Fuzz target: a prepared shard (libs/media/shard/shard_format.h) opened and
// read snippet by snippet -- footer, index, scene data, header, records and
// their JPEG frames and PCM.
//
// Every region of a shard carries a CRC-32, so almost every mutation would
// stop at the first checksum. Before writing the file, the target therefore
// recomputes the checksums the input's own footer and index point at (where
// they point inside the file), so mutations reach the parsers behind them;
// inputs whose checksums are left wrong still exercise the checks.
// Input: the first byte, odd: fix the checksums up; even: leave the bytes
// as they are. The rest is the file.
// Must hold: opening and reading either succeed or throw std::runtime_error
// (a corrupt shard, named) or std::out_of_range; no allocation beyond what
// the file's size justifies.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "libs/media/shard/crc32.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_format.h"
#include "tests/fuzz/fuzz_files.h"

namespace {

namespace shard = avflow::media::shard;

template <class T>
bool load(const std::vector<uint8_t>& b, uint64_t at, T& v) {
  if (at > b.size() || b.size() - at < sizeof(T)) return false;
  std::memcpy(&v, b.data() + at, sizeof(T));
  return true;
}

template <class T>
void store(std::vector<uint8_t>& b, uint64_t at, T v) {
  std::memcpy(b.data() + at, &v, sizeof(T));
}

// Rewrites the CRCs of the records, the index and the header that the
// footer and index describe, wherever those regions lie inside the file.
void fix_checksums(std::vector<uint8_t>& b) {
  if (b.size() < shard::kFooterBytes) return;
  const uint64_t foot = b.size() - shard::kFooterBytes;
  uint64_t index_offset = 0;
  load(b, foot, index_offset);
  if (index_offset > foot) return;
  uint32_t m = 0;
  uint64_t first_record = index_offset;
  if (load(b, index_offset, m)) {
    for (uint64_t i = 0; i < m; ++i) {
      const uint64_t at = index_offset + 4 + i * 20;
      uint64_t offset = 0, bytes = 0;
      if (!load(b, at, offset) || !load(b, at + 8, bytes) || at + 20 > foot) break;
      if (i == 0) first_record = offset;
      if (offset <= index_offset && bytes <= index_offset - offset)
        store<uint32_t>(b, at + 16, avflow::media::crc32(b.data() + offset, bytes));
    }
  }
  store<uint32_t>(b, foot + 8, avflow::media::crc32(b.data() + index_offset, foot - index_offset));
  if (first_record <= index_offset) store<uint32_t>(b, foot + 12, avflow::media::crc32(b.data(), first_record));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const avflow::fuzz::ScratchDir dir;
  if (size == 0) return 0;
  std::vector<uint8_t> bytes(data + 1, data + size);
  if (data[0] & 1) fix_checksums(bytes);
  const auto path = dir.write("title.avshard", std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  try {
    const avflow::media::ShardFile file(path);
    for (int64_t m = 0; m < file.count() && m < 8; ++m) {
      try {
        file.read(m);
      } catch (const std::runtime_error&) {
        // one corrupt record; the others may still read
      }
    }
  } catch (const std::runtime_error&) {
  } catch (const std::out_of_range&) {
  }
  return 0;
}
