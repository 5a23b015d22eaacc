#include "tests/support/png_image.h"

#include <cairo.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace avflow::test {

namespace {
bool near(plot::Rgb a, plot::Rgb b, int tolerance) {
  for (int c = 0; c < 3; ++c)
    if (std::abs(int{a[c]} - int{b[c]}) > tolerance) return false;
  return true;
}
}  // namespace

bool has_png_signature(const std::string& path) {
  static const char kSignature[8] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
  char head[8] = {};
  std::ifstream in(path, std::ios::binary);
  return in.read(head, sizeof head) && std::equal(head, head + 8, kSignature);
}

PngImage::PngImage(const std::string& path) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(s));
    cairo_surface_destroy(s);
    throw std::runtime_error("cannot read '" + path + "': " + why);
  }
  cairo_surface_flush(s);
  width_ = cairo_image_surface_get_width(s);
  height_ = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  pixels_.reserve(static_cast<size_t>(width_) * static_cast<size_t>(height_));
  for (int y = 0; y < height_; ++y)
    for (int x = 0; x < width_; ++x) {
      // RGB24 and ARGB32 keep a pixel as one native-endian uint32 0xAARRGGBB.
      const uint32_t p = *reinterpret_cast<const uint32_t*>(data + y * stride + 4 * x);
      pixels_.push_back({static_cast<uint8_t>(p >> 16), static_cast<uint8_t>(p >> 8), static_cast<uint8_t>(p)});
    }
  cairo_surface_destroy(s);
}

plot::Rgb PngImage::at(int x, int y) const { return pixels_[static_cast<size_t>(y) * width_ + x]; }

template <class Pred>
int64_t PngImage::count_where(int x0, int y0, int x1, int y1, Pred pred) const {
  int64_t n = 0;
  for (int y = std::max(0, y0); y < std::min(height_, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(width_, x1); ++x) n += pred(at(x, y));
  return n;
}

int64_t PngImage::count(plot::Rgb colour, int x0, int y0, int x1, int y1, int tolerance) const {
  return count_where(x0, y0, x1, y1, [&](plot::Rgb p) { return near(p, colour, tolerance); });
}

int64_t PngImage::count_not(plot::Rgb background, int x0, int y0, int x1, int y1, int tolerance) const {
  return count_where(x0, y0, x1, y1, [&](plot::Rgb p) { return !near(p, background, tolerance); });
}

}  // namespace avflow::test
