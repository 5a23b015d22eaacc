#include "libs/media/shard/shard_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "libs/media/shard/crc32.h"
#include "libs/media/shard/jpeg_codec.h"
#include "libs/media/shard/shard_bytes.h"

namespace avflow::media {

using namespace shard;

ShardWriter::ShardWriter(std::filesystem::path path, Header header)
    : path_(std::move(path)), partial_(path_.string() + kPartialSuffix), header_(std::move(header)) {
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  if (ec) throw ShardWriteError(path_.parent_path().string() + ": cannot make the folder: " + ec.message());
  file_ = std::fopen(partial_.c_str(), "w+b");  // read back for the header CRC
  if (!file_) throw ShardWriteError(partial_.string() + ": cannot write: " + std::strerror(errno));
  std::vector<uint8_t> body;
  put_string(body, header_.title);
  put_string(body, header_.show);
  put<double>(body, header_.fps);
  for (uint32_t v : {header_.frames, header_.width, header_.height, header_.sample_rate, header_.channels,
                     header_.jpeg_quality})
    put<uint32_t>(body, v);
  std::vector<uint8_t> head(kMagic, kMagic + 8);
  put<uint32_t>(head, static_cast<uint32_t>(body.size()));
  put_bytes(head, body.data(), body.size());
  write(head.data(), head.size());
}

ShardWriter::~ShardWriter() {
  if (file_) {
    std::fclose(file_);
    std::error_code ec;
    std::filesystem::remove(partial_, ec);
  }
}

void ShardWriter::write(const void* data, size_t size) {
  if (std::fwrite(data, 1, size, file_) != size)
    throw ShardWriteError(partial_.string() + ": write failed: " + std::strerror(errno));
  offset_ += size;
}

void ShardWriter::add(const Snippet& s) {
  const at::Tensor& video = s.video.get();
  const at::Tensor& audio = s.audio.get();
  if (video.size(0) != header_.frames || video.size(1) != header_.height || video.size(2) != header_.width)
    throw std::invalid_argument("snippet video " + s.video.str() + " does not match the shard's " +
                                std::to_string(header_.frames) + "x" + std::to_string(header_.height) + "x" +
                                std::to_string(header_.width) + "x3");
  record_.clear();
  for (int64_t t = 0; t < video.size(0); ++t) {
    const std::vector<uint8_t> jpeg = encode_jpeg(video[t], static_cast<int>(header_.jpeg_quality));
    put<uint32_t>(record_, static_cast<uint32_t>(jpeg.size()));
    put_bytes(record_, jpeg.data(), jpeg.size());
  }
  const at::Tensor pcm = audio.to(at::kFloat).contiguous();
  put<uint32_t>(record_, static_cast<uint32_t>(pcm.size(-1)));
  put_bytes(record_, pcm.data_ptr<float>(), static_cast<size_t>(pcm.numel()) * sizeof(float));
  index_.push_back({offset_, record_.size(), crc32(record_.data(), record_.size())});
  write(record_.data(), record_.size());
}

void ShardWriter::finish() {
  std::vector<uint8_t> index;
  put<uint32_t>(index, static_cast<uint32_t>(index_.size()));
  for (const IndexEntry& e : index_) {
    put<uint64_t>(index, e.offset);
    put<uint64_t>(index, e.bytes);
    put<uint32_t>(index, e.crc);
  }
  if (has_scenes_) {
    put_bytes(index, kScenesTag, 4);
    put<uint32_t>(index, static_cast<uint32_t>(scene_starts_.size()));
    for (int64_t s : scene_starts_) put<uint32_t>(index, static_cast<uint32_t>(s));
  }
  if (source_) {
    put_bytes(index, kSourceTag, 4);
    put<uint64_t>(index, source_->bytes);
    put<int64_t>(index, source_->modified_ns);
  }
  if (timeline_) {
    put_bytes(index, kTimelineTag, 4);
    put<uint32_t>(index, *timeline_);
  }
  const uint64_t index_offset = offset_;
  write(index.data(), index.size());
  // The header's CRC covers everything from the magic to the first record.
  std::vector<uint8_t> head(static_cast<size_t>(index_.empty() ? index_offset : index_.front().offset));
  std::vector<uint8_t> footer;
  put<uint64_t>(footer, index_offset);
  put<uint32_t>(footer, crc32(index.data(), index.size()));
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0 ||
      std::fread(head.data(), 1, head.size(), file_) != head.size())
    throw ShardWriteError(partial_.string() + ": cannot re-read the header: " + std::strerror(errno));
  std::fseek(file_, 0, SEEK_END);
  put<uint32_t>(footer, crc32(head.data(), head.size()));
  put_bytes(footer, kEndMagic, 8);
  write(footer.data(), footer.size());
  const bool flushed = std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0;
  const int flush_errno = errno;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) {
    std::error_code ignored;
    std::filesystem::remove(partial_, ignored);
    throw ShardWriteError(partial_.string() + ": flushing to disk failed: " + std::strerror(flushed ? errno : flush_errno));
  }
  std::error_code ec;
  std::filesystem::rename(partial_, path_, ec);
  if (ec) {
    std::filesystem::remove(partial_, ec);
    throw ShardWriteError(path_.string() + ": cannot rename the finished shard into place: " + ec.message());
  }
}

}  // namespace avflow::media
