// A PNG file read back with cairo, for tests of what avflow draws: its size
// and how many pixels of a colour lie in a rectangle.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libs/plot/line_chart.h"

namespace avflow::test {

// True when the file begins with the 8-byte PNG signature.
bool has_png_signature(const std::string& path);

class PngImage {
 public:
  // Throws std::runtime_error naming the path when cairo cannot read it.
  explicit PngImage(const std::string& path);
  int width() const { return width_; }
  int height() const { return height_; }
  plot::Rgb at(int x, int y) const;
  // Pixels in [x0, x1) x [y0, y1) whose channels are each within `tolerance`
  // of `colour`.
  int64_t count(plot::Rgb colour, int x0, int y0, int x1, int y1, int tolerance = 24) const;
  // Pixels in the rectangle that differ from `background` by more than `tolerance`.
  int64_t count_not(plot::Rgb background, int x0, int y0, int x1, int y1, int tolerance = 8) const;

 private:
  template <class Pred>
  int64_t count_where(int x0, int y0, int x1, int y1, Pred pred) const;
  int width_ = 0, height_ = 0;
  std::vector<plot::Rgb> pixels_;
};

}  // namespace avflow::test
