#include "libs/media/shard/jpeg_codec.h"

#include <turbojpeg.h>

#include <memory>
#include <stdexcept>

namespace avflow::media {
namespace {

// One TurboJPEG handle per thread and direction: handles are not thread safe
// and cheap to keep.
tjhandle compressor() {
  thread_local std::unique_ptr<void, int (*)(tjhandle)> h(tjInitCompress(), tjDestroy);
  if (!h) throw std::runtime_error("TurboJPEG: cannot create a compressor");
  return h.get();
}
tjhandle decompressor() {
  thread_local std::unique_ptr<void, int (*)(tjhandle)> h(tjInitDecompress(), tjDestroy);
  if (!h) throw std::runtime_error("TurboJPEG: cannot create a decompressor");
  return h.get();
}

}  // namespace

std::vector<uint8_t> encode_jpeg(const at::Tensor& rgb, int quality) {
  const at::Tensor img = rgb.contiguous();
  const int h = static_cast<int>(img.size(0)), w = static_cast<int>(img.size(1));
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  if (tjCompress2(compressor(), img.data_ptr<uint8_t>(), w, 0, h, TJPF_RGB, &buf, &size, TJSAMP_420, quality,
                  TJFLAG_FASTDCT) != 0) {
    std::string why = tjGetErrorStr2(compressor());
    tjFree(buf);
    throw std::runtime_error("JPEG encoding failed: " + why);
  }
  std::vector<uint8_t> out(buf, buf + size);
  tjFree(buf);
  return out;
}

JpegSize jpeg_size(const uint8_t* data, size_t size) {
  int w = 0, h = 0, sub = 0, space = 0;
  tjhandle d = decompressor();
  if (tjDecompressHeader3(d, data, static_cast<unsigned long>(size), &w, &h, &sub, &space) != 0)
    throw std::runtime_error(std::string("corrupt JPEG frame: ") + tjGetErrorStr2(d));
  return {w, h};
}

void decode_jpeg(const uint8_t* data, size_t size, at::Tensor out) {
  const auto [w, h] = jpeg_size(data, size);
  tjhandle d = decompressor();
  if (h != out.size(0) || w != out.size(1))
    throw std::runtime_error("JPEG frame of " + std::to_string(w) + "x" + std::to_string(h) + " where the shard says " +
                             std::to_string(out.size(1)) + "x" + std::to_string(out.size(0)));
  if (tjDecompress2(d, data, static_cast<unsigned long>(size), out.data_ptr<uint8_t>(), w, 0, h, TJPF_RGB,
                    TJFLAG_FASTDCT) != 0)
    throw std::runtime_error(std::string("corrupt JPEG frame: ") + tjGetErrorStr2(d));
}

}  // namespace avflow::media
