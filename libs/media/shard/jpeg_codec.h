// JPEG frames through libjpeg-turbo's TurboJPEG API.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace avflow::media {

// uint8 RGB [H, W, 3] -> JPEG bytes (4:2:0 chroma, `quality` 1..100).
std::vector<uint8_t> encode_jpeg(const at::Tensor& rgb, int quality);

// The width and height a JPEG's header gives, without decoding it. Throws
// std::runtime_error with TurboJPEG's reason on a corrupt header.
struct JpegSize {
  int width = 0, height = 0;
};
JpegSize jpeg_size(const uint8_t* data, size_t size);

// JPEG bytes -> uint8 RGB [H, W, 3], written into `out` (a [H, W, 3] view).
// Throws std::runtime_error with TurboJPEG's reason on a corrupt image.
void decode_jpeg(const uint8_t* data, size_t size, at::Tensor out);

}  // namespace avflow::media
