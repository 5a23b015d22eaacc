#include "libs/media/shard/shard_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "libs/media/shard/crc32.h"
#include "libs/media/shard/jpeg_codec.h"
#include "libs/media/shard/shard_bytes.h"

namespace avflow::media {

using namespace shard;

ShardFile::ShardFile(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(path_.string() + ": cannot open shard: " + std::strerror(errno));
  // A constructor that throws runs no destructor: the descriptor is closed
  // here, or every corrupt shard opened would leak one (found by fuzzing).
  try {
    load();
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

void ShardFile::load() {
  const off_t size = ::lseek(fd_, 0, SEEK_END);
  if (size < static_cast<off_t>(8 + 4 + kFooterBytes)) corrupt("too short to be a shard (" + std::to_string(size) + " bytes)");
  const auto file_size = static_cast<uint64_t>(size);

  const std::vector<uint8_t> foot = read_at(file_size - kFooterBytes, kFooterBytes);
  Cursor f(foot.data(), foot.size(), "footer");
  const auto index_offset = f.get<uint64_t>();
  const auto index_crc = f.get<uint32_t>();
  const auto header_crc = f.get<uint32_t>();
  if (std::memcmp(f.take(8), kEndMagic, 8) != 0) corrupt("no end marker (a truncated or foreign file)");
  if (index_offset > file_size - kFooterBytes) corrupt("index offset beyond the end of the file");

  const std::vector<uint8_t> index = read_at(index_offset, file_size - kFooterBytes - index_offset);
  if (crc32(index.data(), index.size()) != index_crc) corrupt("index checksum mismatch");
  Cursor ix(index.data(), index.size(), path_.string() + ": corrupt shard: index cut short");
  const auto m = ix.get<uint32_t>();
  for (uint32_t i = 0; i < m; ++i) {
    IndexEntry e;
    e.offset = ix.get<uint64_t>();
    e.bytes = ix.get<uint64_t>();
    e.crc = ix.get<uint32_t>();
    // (offset + bytes could wrap around; neither term alone can)
    if (e.bytes > index_offset || e.offset > index_offset - e.bytes)
      corrupt("snippet " + std::to_string(i) + " lies outside the records");
    index_.push_back(e);
  }
  while (ix.remaining() > 0) {
    const uint8_t* tag = ix.take(4);
    if (std::memcmp(tag, kScenesTag, 4) == 0 && !has_scenes_) {
      const auto scenes = ix.get<uint32_t>();
      int64_t previous = 0;
      for (uint32_t i = 0; i < scenes; ++i) {
        const int64_t s = ix.get<uint32_t>();
        if (s <= previous || s >= static_cast<int64_t>(m)) corrupt("scene boundary " + std::to_string(s) + " out of order");
        scene_starts_.push_back(previous = s);
      }
      has_scenes_ = true;
    } else if (std::memcmp(tag, kSourceTag, 4) == 0 && !source_) {
      SourceStamp stamp;
      stamp.bytes = ix.get<uint64_t>();
      stamp.modified_ns = ix.get<int64_t>();
      source_ = stamp;
    } else if (std::memcmp(tag, kTimelineTag, 4) == 0 && !timeline_) {
      timeline_ = ix.get<uint32_t>();
    } else {
      corrupt("unknown or repeated section after the index");
    }
  }

  const uint64_t header_end = index_.empty() ? index_offset : index_.front().offset;
  const std::vector<uint8_t> head = read_at(0, header_end);
  if (crc32(head.data(), head.size()) != header_crc) corrupt("header checksum mismatch");
  Cursor h(head.data(), head.size(), path_.string() + ": corrupt shard: header cut short");
  if (std::memcmp(h.take(8), kMagic, 8) != 0) corrupt("not a shard (bad magic)");
  h.get<uint32_t>();  // header bytes
  header_.title = h.get_string();
  header_.show = h.get_string();
  header_.fps = h.get<double>();
  for (uint32_t* v : {&header_.frames, &header_.width, &header_.height, &header_.sample_rate, &header_.channels,
                      &header_.jpeg_quality})
    *v = h.get<uint32_t>();
  check_header();
}

// Sizes no prepare writes: a header that passed its CRC but would make
// read() allocate without bound (a snippet's frames are decoded into one
// tensor of frames x height x width x 3 bytes).
void ShardFile::check_header() const {
  const Header& h = header_;
  const auto frame_bytes = static_cast<uint64_t>(h.width) * h.height * 3;
  std::string why;
  if (!(h.fps > 0 && h.fps <= 1000)) why = "fps " + std::to_string(h.fps);
  else if (h.frames < 1 || h.frames > 100000) why = std::to_string(h.frames) + " frames a snippet";
  else if (h.width < 1 || h.height < 1 || h.width > 65535 || h.height > 65535)
    why = "frames of " + std::to_string(h.width) + "x" + std::to_string(h.height);
  else if (frame_bytes * h.frames > kMaxSnippetVideoBytes)
    why = "snippets of " + std::to_string(h.frames) + " frames of " + std::to_string(h.width) + "x" +
          std::to_string(h.height) + " (over 1 GiB decoded)";
  else if (h.channels < 1 || h.channels > 64) why = std::to_string(h.channels) + " audio channels";
  else if (h.sample_rate < 1 || h.sample_rate > 1000000) why = "a sample rate of " + std::to_string(h.sample_rate);
  if (!why.empty()) corrupt("implausible header: " + why);
}

ShardFile::~ShardFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ShardFile::corrupt(const std::string& why) const {
  throw std::runtime_error(path_.string() + ": corrupt shard: " + why + "; delete it and run prepare again");
}

std::vector<uint8_t> ShardFile::read_at(uint64_t offset, uint64_t bytes) const {
  std::vector<uint8_t> buf(bytes);
  uint64_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pread(fd_, buf.data() + done, bytes - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(path_.string() + ": read failed: " + std::strerror(errno));
    if (n == 0) corrupt("ends early");
    done += static_cast<uint64_t>(n);
  }
  return buf;
}

Snippet ShardFile::read(int64_t m) const {
  if (m < 0 || m >= count())
    throw std::out_of_range(path_.string() + ": no snippet " + std::to_string(m) + " (the title has " +
                            std::to_string(count()) + ")");
  const IndexEntry& e = index_[static_cast<size_t>(m)];
  const std::vector<uint8_t> rec = read_at(e.offset, e.bytes);
  if (crc32(rec.data(), rec.size()) != e.crc) corrupt("snippet " + std::to_string(m) + " checksum mismatch");
  Cursor c(rec.data(), rec.size(), path_.string() + ": corrupt shard: snippet " + std::to_string(m) + " cut short");
  // Every frame's bytes and size are checked before the frames' tensor is
  // allocated, so a record cannot make the reader allocate what it lacks.
  std::vector<std::pair<const uint8_t*, uint32_t>> jpegs(header_.frames);
  for (uint32_t t = 0; t < header_.frames; ++t) {
    const auto n = c.get<uint32_t>();
    jpegs[t] = {c.take(n), n};
    try {
      const JpegSize size = jpeg_size(jpegs[t].first, n);
      if (size.width != static_cast<int>(header_.width) || size.height != static_cast<int>(header_.height))
        throw std::runtime_error("JPEG frame of " + std::to_string(size.width) + "x" + std::to_string(size.height) +
                                 " where the shard says " + std::to_string(header_.width) + "x" +
                                 std::to_string(header_.height));
    } catch (const std::runtime_error& ex) {
      corrupt("snippet " + std::to_string(m) + " frame " + std::to_string(t) + ": " + ex.what());
    }
  }
  at::Tensor video = at::empty({header_.frames, header_.height, header_.width, 3}, at::kByte);
  for (uint32_t t = 0; t < header_.frames; ++t) {
    try {
      decode_jpeg(jpegs[t].first, jpegs[t].second, video[t]);
    } catch (const std::exception& ex) {
      corrupt("snippet " + std::to_string(m) + " frame " + std::to_string(t) + ": " + ex.what());
    }
  }
  const auto samples = c.get<uint32_t>();
  const size_t audio_bytes = static_cast<size_t>(samples) * header_.channels * sizeof(float);
  if (audio_bytes > c.remaining()) corrupt("snippet " + std::to_string(m) + " audio cut short");
  at::Tensor audio = header_.channels == 1 ? at::empty({samples}, at::kFloat)
                                            : at::empty({header_.channels, samples}, at::kFloat);
  std::memcpy(audio.data_ptr<float>(), c.take(audio_bytes), audio_bytes);

  Snippet s;
  s.title = header_.title;
  s.show = header_.show;
  s.index = m;
  s.start_s = static_cast<double>(m * header_.frames) / header_.fps;
  s.end_s = static_cast<double>((m + 1) * header_.frames) / header_.fps;
  s.video = Tensor(video);
  s.audio = Tensor(audio);
  return s;
}

}  // namespace avflow::media
