// Colour histograms of frames for shot-cut detection: the frame is split into
// a grid of cells, and each cell gets a joint RGB histogram with `levels`
// levels per channel (levels^3 bins), normalised to sum 1. The grid keeps
// some layout (a cut between two shots of the same palette usually moves
// colour between cells); coarse levels keep it blind to noise and JPEG.
#pragma once

#include <cstdint>
#include <vector>

namespace avflow::media::scene {

struct HistogramLayout {
  int rows = 2, cols = 3;  // grid of cells
  int levels = 4;          // per channel: levels^3 bins per cell
  int stride = 2;          // every stride-th pixel in x and y is counted

  int bins_per_cell() const { return levels * levels * levels; }
  int size() const { return rows * cols * bins_per_cell(); }
};

// Cell-major bins; each cell's bins sum to 1.
using ColourHistogram = std::vector<float>;

// The histogram of an RGB frame, uint8 [height, width, 3], rows packed.
ColourHistogram colour_histogram(const uint8_t* rgb, int64_t height, int64_t width, const HistogramLayout& layout);

// Mean over cells of half the L1 distance between the cells' histograms:
// 0 for identical colour content, 1 when no cell shares any bin.
double histogram_distance(const ColourHistogram& a, const ColourHistogram& b, const HistogramLayout& layout);

}  // namespace avflow::media::scene
