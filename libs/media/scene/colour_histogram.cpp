#include "libs/media/scene/colour_histogram.h"

#include <cmath>
#include <stdexcept>

namespace avflow::media::scene {

ColourHistogram colour_histogram(const uint8_t* rgb, int64_t height, int64_t width, const HistogramLayout& layout) {
  if (height < layout.rows || width < layout.cols) throw std::invalid_argument("colour_histogram: frame smaller than its grid");
  const int bins = layout.bins_per_cell();
  ColourHistogram h(static_cast<size_t>(layout.size()), 0.0f);
  std::vector<int64_t> counted(static_cast<size_t>(layout.rows * layout.cols), 0);
  const int levels = layout.levels;
  for (int64_t y = 0; y < height; y += layout.stride) {
    const int64_t row = y * layout.rows / height;
    const uint8_t* line = rgb + y * width * 3;
    for (int64_t x = 0; x < width; x += layout.stride) {
      const int64_t cell = row * layout.cols + x * layout.cols / width;
      const uint8_t* p = line + x * 3;
      const int bin = (p[0] * levels >> 8) * levels * levels + (p[1] * levels >> 8) * levels + (p[2] * levels >> 8);
      h[static_cast<size_t>(cell * bins + bin)] += 1.0f;
      ++counted[static_cast<size_t>(cell)];
    }
  }
  for (size_t cell = 0; cell < counted.size(); ++cell) {
    const float scale = counted[cell] > 0 ? 1.0f / static_cast<float>(counted[cell]) : 0.0f;
    for (int b = 0; b < bins; ++b) h[cell * static_cast<size_t>(bins) + static_cast<size_t>(b)] *= scale;
  }
  return h;
}

double histogram_distance(const ColourHistogram& a, const ColourHistogram& b, const HistogramLayout& layout) {
  if (a.size() != b.size() || a.size() != static_cast<size_t>(layout.size()))
    throw std::invalid_argument("histogram_distance: histograms of different layouts");
  double l1 = 0;
  for (size_t i = 0; i < a.size(); ++i) l1 += std::fabs(static_cast<double>(a[i]) - b[i]);
  return 0.5 * l1 / (layout.rows * layout.cols);
}

}  // namespace avflow::media::scene
